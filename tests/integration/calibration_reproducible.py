#!/usr/bin/python3
"""A calibration gives the same /calibration datasets bit for bit at 1 and 2 threads, at 2 MPI
ranks (when mpirun is there), and after a SIGKILL mid-run and --resume: proposals come from
streams keyed by (seed, generation, proposal index) and are accepted in proposal-index order.
configs/calibrate_example.toml, made smaller (40 particles, 3 generations) for the suite."""
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

SMPSIM = os.environ["SMPSIM"]
ROOT = os.environ["SMPSIM_SOURCE_DIR"]
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from compare_h5 import compare  # noqa: E402

CONFIG = os.path.join(ROOT, "configs", "calibrate_example.toml")
SMALL = ["--set", "calibration.particles=40", "--set", "calibration.max_generations=3",
         "--set", "calibration.posterior_check=2", "--quiet"]
# Under ASan, MPI runs are checked for everything but leaks: Open MPI does not free what its
# unloaded plugins allocated (scripts/sanitize.sh). Without ASan the option is ignored.
MPI_ENV = dict(os.environ, OMPI_MCA_pml="ob1", OMPI_MCA_btl="self,vader",
               OMPI_MCA_rmaps_base_oversubscribe="1",
               ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0")


def run(output, *extra, prefix=(), env=None):
    subprocess.run([*prefix, SMPSIM, "run", CONFIG, *SMALL, "-o", output, *extra], check=True,
                   env=env)


class CalibrationReproducible(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory()
        cls.reference = os.path.join(cls.work.name, "threads1.h5")
        run(cls.reference, "--threads", "1")

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def assertSameFile(self, other):
        self.assertEqual(compare(self.reference, other), [])

    def test_reference_is_a_complete_calibration(self):
        import h5py
        with h5py.File(self.reference) as f:
            self.assertEqual(f.attrs["complete"], 1)
            self.assertEqual(f.attrs["calibration_method"], "abc-smc")
            generations = f["calibration/generations"]
            self.assertEqual(len(generations), 3)
            for g in generations.values():
                self.assertEqual(len(g["particles"]), 40)
                self.assertAlmostEqual(float(g["particles"]["weight"].sum()), 1.0, places=12)
            self.assertEqual(len(f["calibration/posterior"]), 2)
            self.assertEqual(len(f["calibration/predictive"]), 2 * 3)

    def test_two_threads(self):
        output = os.path.join(self.work.name, "threads2.h5")
        run(output, "--threads", "2")
        self.assertSameFile(output)

    def test_two_mpi_ranks(self):
        if not shutil.which("mpirun"):
            self.skipTest("no mpirun")
        output = os.path.join(self.work.name, "ranks2.h5")
        run(output, "--threads", "1",
            prefix=("mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2"), env=MPI_ENV)
        self.assertSameFile(output)

    def test_sigkill_then_resume(self):
        output = os.path.join(self.work.name, "killed.h5")
        process = subprocess.Popen([SMPSIM, "run", CONFIG, *SMALL, "-o", output, "--threads", "2"])
        # Killed in generation 1 or later: generation 0 is 40 cohorts of 2 blocks each.
        while process.poll() is None and len(glob.glob(output + ".checkpoint/*.block")) < 120:
            time.sleep(0.005)
        if process.poll() is not None:
            self.skipTest("the run finished before it could be killed")
        process.send_signal(signal.SIGKILL)
        process.wait()
        self.assertFalse(os.path.exists(output))
        run(output, "--threads", "2", "--resume")
        self.assertSameFile(output)


if __name__ == "__main__":
    unittest.main(verbosity=2)
