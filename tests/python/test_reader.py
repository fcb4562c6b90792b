"""The package smpsim reads a file smpsim wrote: metadata, tables, daily series, config."""
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np

import smpsim
import support


class ReaderOnARun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory()
        cls.path = support.run_smpsim(Path(cls.work.name, "run.h5"), "--seed", "11")
        cls.result = smpsim.open_result(cls.path)

    @classmethod
    def tearDownClass(cls):
        cls.result.close()
        cls.work.cleanup()

    def test_metadata(self):
        r = self.result
        self.assertTrue(r.complete)
        self.assertEqual(r.seed, 11)
        self.assertEqual(r.n_points, 1)
        self.assertEqual(r.format_version, 1)
        self.assertIsNone(r.sweep_method)
        for text in (r.version, r.commit, r.created_utc, r.config_text):
            self.assertIsInstance(text, str)
        self.assertRegex(r.created_utc, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

    def test_config_is_the_resolved_toml(self):
        config = self.result.config()
        self.assertEqual(config["run"]["patients"], 60)
        self.assertEqual(config["run"]["seed"], 11)
        self.assertEqual(config["technician"]["dots_per_session"], 200)
        self.assertEqual(config["technician"]["regions"], 16)

    def test_summary(self):
        summary = self.result.summary()
        self.assertEqual(len(summary), 1)
        self.assertEqual(summary.point[0], 0)
        self.assertEqual(summary.n_patients[0], 60)
        patients = self.result.patients()
        self.assertAlmostEqual(summary.patchiness_mean[0], patients.patchiness.mean(), places=12)
        table = smpsim.outcome_table(self.result)
        self.assertEqual(list(table.index), list(support.OUTCOME_TYPES))
        self.assertEqual(list(table.columns), support.STATISTICS + ["ci_low", "ci_high"])
        self.assertAlmostEqual(table.loc["retained", "ci_high"],
                               summary.retained_mean[0] + 1.96 * summary.retained_sem[0])

    def test_patients(self):
        patients = self.result.patients()
        self.assertEqual(list(patients.columns),
                         ["patient_id"] + support.ATTRIBUTES + list(support.OUTCOME_TYPES))
        self.assertEqual(list(patients.patient_id), list(range(60)))
        self.assertEqual(patients.patient_id.dtype, np.int64)
        for outcome, dtype in support.OUTCOME_TYPES.items():
            self.assertEqual(patients[outcome].dtype, np.dtype(dtype), outcome)

    def test_sessions(self):
        sessions = self.result.sessions()
        self.assertEqual(list(sessions.columns),
                         ["patient_id", "session", "day", "dots", "coverage_at_exam",
                          "patchiness_at_exam", "hair_mm_at_exam", "depth_shift_um",
                          "pigment_factor", "blowout_share", "lost_share", "faint_share"])
        self.assertEqual(len(sessions), self.result.patients().sessions.sum())
        self.assertEqual(sessions.session.min(), 1)
        self.assertTrue((sessions.dots == 200).all())

    def test_daily_long_and_wide(self):
        horizon = self.result.config()["protocol"]["horizon_days"]
        self.assertEqual(self.result.daily_names(), sorted(support.DAILY))
        wide = self.result.daily("scabs", wide=True)
        self.assertEqual(wide.shape, (60, horizon + 1))
        self.assertEqual(wide.index.name, "patient_id")
        self.assertEqual(list(wide.columns[:3]), [0.5, 1.5, 2.5])
        long = self.result.daily("scabs")
        self.assertEqual(list(long.columns), ["patient_id", "day", "value"])
        self.assertEqual(len(long), 60 * (horizon + 1))
        with h5py.File(self.path, "r") as f:
            direct = f["/points/000000/daily/scabs"][7, 3]
        self.assertEqual(wide.loc[7, 3.5], direct)
        row = long[(long.patient_id == 7) & (long.day == 3.5)]
        self.assertEqual(row.value.item(), direct)

    def test_a_value_matches_h5py(self):
        with h5py.File(self.path, "r") as f:
            direct = f["/points/000000/patients"][23]["final_shade"]
        self.assertEqual(self.result.patients().final_shade[23], direct)

    def test_plain_run_has_no_sweep(self):
        points = self.result.points()
        self.assertEqual(list(points.index), [0])
        self.assertEqual(list(points.columns), [])
        self.assertEqual(self.result.parameters, [])
        self.assertIsNone(self.result.sensitivity())

    def test_unknown_point(self):
        with self.assertRaisesRegex(KeyError, "no point 3"):
            self.result.patients(point=3)


class ReaderOnASweep(unittest.TestCase):
    """A synthetic Sobol sweep: extra summary columns and fixed-length strings."""

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory()
        cls.path = Path(cls.work.name, "sobol.h5")
        cls.parameters = ["technician.target_depth_um", "patient.itch.mean"]
        support.write_sweep_file(cls.path, "sobol", cls.parameters, n_points=5)

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def test_points_and_parameters(self):
        with smpsim.open_result(self.path) as result:
            self.assertEqual(result.sweep_method, "sobol")
            self.assertEqual(sorted(result.parameters), sorted(self.parameters))
            points = result.points()
            summary = result.summary()
        self.assertEqual(list(points.index), list(range(5)))
        for name in self.parameters:
            np.testing.assert_array_equal(points[name].to_numpy(), summary[name].to_numpy())

    def test_extra_summary_columns_are_kept_and_not_outcomes(self):
        with smpsim.open_result(self.path) as result:
            summary = result.summary()
            table = smpsim.outcome_table(result, point=4)
        self.assertIn("converged", summary)
        self.assertIn("final_coverage_diff_mean", summary)
        self.assertEqual(list(table.index), list(support.OUTCOME_TYPES))

    def test_strings_come_back_as_str(self):
        with smpsim.open_result(self.path) as result:
            sensitivity = result.sensitivity()
        self.assertEqual(set(map(type, sensitivity.parameter)), {str})
        self.assertEqual(set(sensitivity.parameter), set(self.parameters))
        self.assertIn("final_coverage", set(sensitivity.outcome))


if __name__ == "__main__":
    unittest.main()
