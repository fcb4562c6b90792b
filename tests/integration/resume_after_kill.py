#!/usr/bin/python3
"""A run killed with SIGKILL at three moments, resumed each time, gives the uninterrupted run's
datasets bit for bit; SIGINT and SIGTERM stop at a block boundary with 130 / 143 and a resumable
checkpoint; a resume with another config or seed is refused, saying what differs."""
import glob
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
STUDY = ["--patients", "160", "--set", "technician.dots_per_session=400",
         "--set", 'sweep.method="grid"', "--set", 'sweep.parameters={"optics.cap_um"=[50.0, 90.0]}',
         "--threads", "2"]
BLOCKS = 2 * 160 // 32


def committed(output):
    return len(glob.glob(output + ".checkpoint/*.block"))


def start(output, *extra):
    return subprocess.Popen([SMPSIM, "run", *STUDY, "-o", output, "--quiet", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stop_when(process, output, blocks, sig):
    """Sends `sig` once the checkpoint holds `blocks` blocks (or the run ended)."""
    while process.poll() is None and committed(output) < blocks:
        time.sleep(0.002)
    if process.poll() is None:
        process.send_signal(sig)
    _, err = process.communicate()
    return process.returncode, err


class Resume(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory()
        cls.reference = os.path.join(cls.work.name, "reference.h5")
        subprocess.run([SMPSIM, "run", *STUDY, "-o", cls.reference, "--quiet"], check=True)

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def test_sigkill_at_three_moments_then_resume_is_bit_identical(self):
        for blocks in [1, BLOCKS // 2, BLOCKS]:
            with self.subTest(killed_after_blocks=blocks):
                output = os.path.join(self.work.name, f"killed_{blocks}.h5")
                status, _ = stop_when(start(output), output, blocks, signal.SIGKILL)
                if status == 0:
                    self.skipTest("the run finished before it could be killed")
                self.assertEqual(status, -signal.SIGKILL)
                self.assertFalse(os.path.exists(output), "a killed run left a final file")
                subprocess.run([SMPSIM, "run", *STUDY, "-o", output, "--quiet", "--resume"], check=True)
                self.assertEqual(compare(self.reference, output), [])
                self.assertFalse(os.path.exists(output + ".checkpoint"))

    def test_sigint_and_sigterm_stop_resumably(self):
        for sig, status in [(signal.SIGINT, 130), (signal.SIGTERM, 143)]:
            with self.subTest(signal=sig.name):
                output = os.path.join(self.work.name, f"{sig.name}.h5")
                code, err = stop_when(start(output), output, 2, sig)
                self.assertEqual(code, status, err)
                self.assertIn("--resume", err)
                self.assertIn("blocks", err)
                self.assertFalse(os.path.exists(output))
                self.assertTrue(os.path.exists(output + ".checkpoint/manifest.toml"))
                subprocess.run([SMPSIM, "run", *STUDY, "-o", output, "--quiet", "--resume"], check=True)
                self.assertEqual(compare(self.reference, output), [])

    def test_a_resume_with_another_config_or_seed_is_refused(self):
        output = os.path.join(self.work.name, "refused.h5")
        stop_when(start(output), output, 1, signal.SIGKILL)
        other_seed = subprocess.run([SMPSIM, "run", *STUDY, "-o", output, "--resume", "--seed", "7"],
                                    capture_output=True, text=True)
        self.assertEqual(other_seed.returncode, 2)
        self.assertIn("was made with seed 20261130, this run has seed 7", other_seed.stderr)
        other_config = subprocess.run([SMPSIM, "run", *STUDY, "-o", output, "--resume",
                                       "--set", "kinetics.k_enc=0.6"], capture_output=True, text=True)
        self.assertEqual(other_config.returncode, 2)
        self.assertIn("k_enc = 0.55", other_config.stderr)
        self.assertIn("k_enc = 0.6", other_config.stderr)
        without = subprocess.run([SMPSIM, "run", *STUDY, "-o", output], capture_output=True, text=True)
        self.assertEqual(without.returncode, 2)
        self.assertIn("continue it with --resume", without.stderr)
        # Another thread count is the same computation: resuming with it is allowed.
        one_thread = [a if a != "2" or STUDY[i - 1] != "--threads" else "1" for i, a in enumerate(STUDY)]
        subprocess.run([SMPSIM, "run", *one_thread, "-o", output, "--resume", "--quiet"], check=True)
        self.assertEqual(compare(self.reference, output), [])

    def test_resume_of_a_complete_output_does_nothing(self):
        result = subprocess.run([SMPSIM, "run", *STUDY, "-o", self.reference, "--resume"],
                                capture_output=True, text=True)
        self.assertEqual(result.returncode, 0)
        self.assertIn("already complete", result.stderr)
        with h5py.File(self.reference) as f:
            self.assertEqual(f.attrs["complete"], 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
