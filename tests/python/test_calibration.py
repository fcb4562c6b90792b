"""Result.calibration() and the calibration plots on a small calibration run."""
import os
import subprocess
import tempfile
import unittest

import numpy as np

import smpsim

SMPSIM = os.environ["SMPSIM"]
CONFIG = os.path.join(os.environ["SMPSIM_SOURCE_DIR"], "configs", "calibrate_example.toml")


class Calibration(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory()
        cls.path = os.path.join(cls.work.name, "calibration.h5")
        subprocess.run([SMPSIM, "run", CONFIG, "-o", cls.path, "--quiet",
                        "--set", "calibration.particles=20", "--set", "calibration.patients=32",
                        "--set", "calibration.max_generations=2",
                        "--set", "calibration.posterior_check=2"], check=True)
        cls.result = smpsim.open_result(cls.path)

    @classmethod
    def tearDownClass(cls):
        cls.result.close()
        cls.work.cleanup()

    def test_reader(self):
        c = self.result.calibration()
        self.assertEqual(c["parameters"], ["kinetics.k_enc", "optics.cap_um"])
        self.assertEqual(c["target_names"], ["sessions_3", "retained", "shade_week"])
        self.assertEqual(list(c["generations"].generation), [0, 1])
        self.assertTrue(np.isinf(c["generations"].epsilon[0]))
        particles = c["particles"]
        self.assertEqual(len(particles), 40)
        for g, frame in particles.groupby("generation"):
            self.assertAlmostEqual(frame.weight.sum(), 1.0, places=12)
        later = particles[particles.generation == 1]
        self.assertTrue((later.distance <= c["generations"].epsilon[1]).all())
        self.assertEqual(list(c["posterior"].parameter), c["parameters"])
        self.assertEqual(len(c["predictive"]), 2 * 3)
        self.assertGreater(c["effective_sample_size"], 1)

    def test_other_runs_have_no_calibration(self):
        path = os.path.join(self.work.name, "plain.h5")
        subprocess.run([SMPSIM, "run", "--patients", "4", "--set", "run.daily=false",
                        "--set", "technician.dots_per_session=64", "-o", path, "--quiet"],
                       check=True)
        with smpsim.open_result(path) as plain:
            self.assertIsNone(plain.calibration())

    def test_plots(self):
        directory = os.path.join(self.work.name, "plots")
        paths = smpsim.write_standard_plots(self.result, directory)
        self.assertEqual([p.name for p in paths],
                         ["calibration_posteriors.png", "calibration_pairs.png",
                          "calibration_progress.png", "calibration_predictive.png"])
        for p in paths:
            self.assertGreater(p.stat().st_size, 10000)


if __name__ == "__main__":
    unittest.main()
