#!/usr/bin/python3
"""SIGTERM and SIGINT during the final assembly (the .partial file being written) stop the run
with 143 / 130 and the message saying how to resume, leave no complete file and a resumable
checkpoint, and --resume gives the uninterrupted run's file bit for bit."""
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_h5 import compare  # noqa: E402

import h5py

SMPSIM = os.environ["SMPSIM"]
STUDY = ["--patients", "1200", "--set", "technician.dots_per_session=200", "--threads", "2",
         "--quiet"]


class SignalDuringAssembly(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory()
        cls.reference = os.path.join(cls.work.name, "reference.h5")
        subprocess.run([SMPSIM, "run", *STUDY, "-o", cls.reference], check=True)

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def test_a_signal_during_the_assembly_stops_it_resumably(self):
        for sig, status in [(signal.SIGTERM, 143), (signal.SIGINT, 130)]:
            with self.subTest(signal=sig.name):
                output = os.path.join(self.work.name, f"{sig.name}.h5")
                run = subprocess.Popen([SMPSIM, "run", *STUDY, "-o", output],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                while run.poll() is None and not os.path.exists(output + ".partial"):
                    time.sleep(0.0005)
                run.send_signal(sig)
                _, err = run.communicate()
                if run.returncode == 0:
                    self.skipTest("the assembly ended before the signal arrived")
                self.assertEqual(run.returncode, status, err)
                self.assertIn(f"interrupted ({sig.name})", err)
                self.assertIn("--resume", err)
                self.assertFalse(os.path.exists(output))
                with h5py.File(output + ".partial") as partial:
                    self.assertEqual(partial.attrs["complete"], 0)
                self.assertTrue(os.path.exists(output + ".checkpoint/manifest.toml"))
                subprocess.run([SMPSIM, "run", *STUDY, "-o", output, "--resume"], check=True)
                self.assertEqual(compare(self.reference, output), [])
                self.assertFalse(os.path.exists(output + ".checkpoint"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
