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
# Under a sanitizer the kernel runs ~10x slower (scripts/sanitize.sh): a quarter of the dots, the
# same particles, generations and blocks, so the same scheduling, resume and rank paths run.
if os.environ.get("SMPSIM_SANITIZE"):
    SMALL += ["--set", "technician.dots_per_session=50"]
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


# Priors over a beta's mean and sd, each within its own valid range, whose combinations often
# leave no beta (sd^2 >= mean (1 - mean)): the prior is truncated to the valid combinations.
TRUNCATED = """
[technician]
dots_per_session = 100
[patient]
adherence = {dist = "beta", mean = 0.6, sd = 0.2}
[calibration]
method = "abc-smc"
particles = 20
patients = 8
max_generations = 2
posterior_check = 0
[calibration.parameters]
"patient.adherence.mean" = {dist = "uniform", low = 0.1, high = 0.95}
"patient.adherence.sd" = {dist = "uniform", low = 0.05, high = 0.45}
[calibration.targets]
retained = {statistic = "mean", outcome = "retained", value = 0.607, sd = 0.02}
"""


class PriorTruncatedToValidParameters(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.TemporaryDirectory()
        self.addCleanup(self.work.cleanup)

    def calibrate(self, text, name, *extra):
        config = os.path.join(self.work.name, name + ".toml")
        with open(config, "w") as f:
            f.write(text)
        output = os.path.join(self.work.name, name + ".h5")
        result = subprocess.run([SMPSIM, "run", config, "-o", output, "--quiet", *extra],
                                capture_output=True, text=True)
        return result, output

    def test_every_particle_is_a_beta_and_threads_agree(self):
        import h5py
        result, one = self.calibrate(TRUNCATED, "one", "--threads", "1")
        self.assertEqual(result.returncode, 0, result.stderr)
        _, two = self.calibrate(TRUNCATED, "two", "--threads", "2")
        self.assertEqual(compare(one, two), [])
        with h5py.File(one) as f:
            generations = f["calibration/generations"]
            self.assertEqual(len(generations), 2)
            for g in generations.values():
                particles = g["particles"][:]
                mean = particles["patient.adherence.mean"]
                sd = particles["patient.adherence.sd"]
                self.assertEqual(len(particles), 20)
                self.assertTrue((sd * sd < mean * (1 - mean)).all())
            # The draws reach the corners of the box where a beta exists: not a narrower prior.
            first = generations["000"]["particles"][:]
            self.assertGreater(first["patient.adherence.sd"].max(), 0.35)

    def test_priors_with_no_valid_combination_are_bad_input(self):
        text = TRUNCATED.replace("low = 0.1, high = 0.95", "low = 0.9, high = 0.95").replace(
            "low = 0.05, high = 0.45", "low = 0.35, high = 0.45")
        result, output = self.calibrate(text, "none")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("calibration.parameters: none of 100000 draws from the priors gives valid "
                      "parameters", result.stderr)
        self.assertIn("sd must be < sqrt(mean x (1 - mean))", result.stderr)
        self.assertFalse(os.path.exists(output))


if __name__ == "__main__":
    unittest.main(verbosity=2)
