"""The reader refuses what is not smpsim's output with an exception naming the path and what is
missing; daily() on a run without the daily series says so; `python3 -m smpsim FILE --plots DIR`
ends with a clear message and exit 1 or 2, never a traceback."""
import tempfile
import unittest
from pathlib import Path

import h5py

import smpsim
import support


class NotSmpsim(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory()
        cls.directory = Path(cls.work.name)
        cls.text = cls.directory / "notes.h5"
        cls.text.write_text("not HDF5 at all\n")
        cls.foreign = cls.directory / "foreign.h5"
        with h5py.File(cls.foreign, "w") as f:
            f.attrs["format_version"] = 1
            f.create_dataset("x", data=[1, 2, 3])
        cls.empty = cls.directory / "empty.h5"
        cls.empty.write_bytes(b"")
        cls.no_daily = cls.directory / "no_daily.h5"
        support.run_smpsim(cls.no_daily, "--set", "run.daily=false")

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def test_a_file_that_is_not_hdf5_is_refused_by_name(self):
        for path in [self.text, self.empty]:
            with self.subTest(path=path.name):
                with self.assertRaises(smpsim.NotAnSmpsimResultError) as refused:
                    smpsim.open_result(path)
                self.assertIn(str(path), str(refused.exception))
                self.assertIn("not a readable HDF5 file", str(refused.exception))

    def test_hdf5_without_smpsims_layout_names_what_is_missing(self):
        with self.assertRaises(smpsim.NotAnSmpsimResultError) as refused:
            smpsim.open_result(self.foreign)
        message = str(refused.exception)
        self.assertIn(str(self.foreign), message)
        self.assertIn("attribute seed", message)
        self.assertIn("group /points", message)
        self.assertNotIn("attribute format_version", message)

    def test_daily_without_the_daily_series_says_so(self):
        with smpsim.open_result(self.no_daily) as result:
            self.assertEqual(result.daily_names(), [])
            with self.assertRaisesRegex(KeyError, "run.daily = false"):
                result.daily("coverage")
            self.assertEqual(len(result.patients()), 60)

    def test_the_command_never_ends_in_a_traceback(self):
        plots = self.directory / "plots"
        cases = [(self.text, 2, "not a readable HDF5 file"), (self.empty, 2, "not an smpsim"),
                 (self.foreign, 2, "missing"), (self.directory / "missing.h5", 1, "no such file"),
                 (self.directory, 2, "is a directory")]
        for path, status, message in cases:
            with self.subTest(path=path.name):
                done = support.analyse(path, "--plots", plots)
                self.assertEqual(done.returncode, status, done.stderr)
                self.assertNotIn("Traceback", done.stderr)
                self.assertIn(message, done.stderr)
                self.assertTrue(done.stderr.startswith("smpsim: "), done.stderr)
        # A run without the daily series still gets its other plots.
        done = support.analyse(self.no_daily, "--plots", plots)
        self.assertNotIn("Traceback", done.stderr)
        self.assertEqual(done.returncode, 0, done.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
