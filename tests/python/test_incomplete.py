"""An unfinished run's file is refused unless asked for, by the module and by the command."""
import shutil
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np

import smpsim
import support


class IncompleteFiles(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory()
        directory = Path(cls.work.name)
        cls.finished = support.run_smpsim(directory / "finished.h5")
        cls.unfinished = directory / "unfinished.h5"
        shutil.copy(cls.finished, cls.unfinished)
        with h5py.File(cls.unfinished, "r+") as f:
            f.attrs["complete"] = np.int32(0)
            del f["summary"]
        cls.partial = directory / "interrupted.h5.partial"
        shutil.copy(cls.finished, cls.partial)

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def test_complete_zero_is_refused_with_the_way_out(self):
        with self.assertRaises(smpsim.IncompleteResultError) as refused:
            smpsim.open_result(self.unfinished)
        self.assertIn("complete = 0", str(refused.exception))
        self.assertIn("allow_incomplete=True", str(refused.exception))

    def test_a_partial_file_is_refused(self):
        with self.assertRaisesRegex(smpsim.IncompleteResultError, r"\.partial"):
            smpsim.open_result(self.partial)

    def test_the_name_of_an_unfinished_run_points_at_its_partial_file(self):
        with self.assertRaisesRegex(smpsim.IncompleteResultError, "interrupted.h5.partial"):
            smpsim.open_result(self.partial.with_suffix(""))

    def test_allow_incomplete_reads_what_is_there(self):
        with smpsim.open_result(self.unfinished, allow_incomplete=True) as result:
            self.assertFalse(result.complete)
            self.assertIsNone(result.summary())
            self.assertEqual(len(result.patients()), 60)
        with smpsim.open_result(self.partial, allow_incomplete=True) as result:
            self.assertFalse(result.complete)

    def test_the_command_refuses_and_accepts_on_request(self):
        refused = support.analyse(self.unfinished)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("unfinished", refused.stderr)
        self.assertTrue(refused.stderr.startswith("smpsim: "), refused.stderr)
        accepted = support.analyse(self.unfinished, "--allow-incomplete")
        self.assertEqual(accepted.returncode, 0, accepted.stderr)
        self.assertIn("no /summary", accepted.stdout)


if __name__ == "__main__":
    unittest.main()
