"""Labelled arrays: each daily group opens in xarray with named, valued dimensions and units;
Result.to_xarray, all_patients and problem label a sweep by its swept values; smpsim.run runs
the executable from Python and returns the opened result."""
import tempfile
import unittest
from pathlib import Path

import numpy as np
import xarray as xr

import smpsim
import support

ITCH = [1.0, 4.0]
SWEEP = {"sweep.method": "grid", "sweep.parameters": {"patient.itch.mean": ITCH},
         "technician.dots_per_session": 200}


class Labelled(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory()
        cls.path = Path(cls.work.name, "sweep.h5")
        cls.result = smpsim.run(None, cls.path, patients=12, threads=1, quiet=True,
                                smpsim=support.SMPSIM, set=SWEEP)

    @classmethod
    def tearDownClass(cls):
        cls.result.close()
        cls.work.cleanup()

    def test_daily_group_opens_labelled_in_xarray(self):
        with xr.open_dataset(self.path, group="points/000001/daily", engine="h5netcdf") as ds:
            self.assertEqual(ds["redness"].dims, ("patient_id", "day"))
            np.testing.assert_array_equal(ds["patient_id"].values, np.arange(12))
            self.assertEqual(ds["day"].dtype, np.float64)  # not decoded as a timedelta
            np.testing.assert_array_equal(ds["day"].values[:3], [0.5, 1.5, 2.5])
            self.assertEqual(ds["hair_mm"].attrs["units"], "mm")
            for name in support.DAILY:
                self.assertIn("long_name", ds[name].attrs)
            self.assertEqual(sorted(ds.data_vars), sorted(support.DAILY))
            raw = self.result.daily("scabs", point=1, wide=True).to_numpy()
            np.testing.assert_array_equal(ds["scabs"].values, raw)

    def test_daily_names_leave_out_the_scales(self):
        self.assertEqual(sorted(self.result.daily_names(0)), sorted(support.DAILY))

    def test_to_xarray_has_the_swept_coordinates(self):
        ds = self.result.to_xarray()
        self.assertEqual(ds["redness"].dims, ("point", "patient_id", "day"))
        np.testing.assert_array_equal(ds["patient.itch.mean"].values, ITCH)
        self.assertEqual(ds["redness"].attrs["units"], "1")
        self.assertIn("final_retained", ds)  # the outcome beside the series of the same name
        patients = self.result.patients(1)
        np.testing.assert_array_equal(ds["final_coverage"].sel(point=1).values,
                                      patients["final_coverage"].to_numpy())

    def test_all_patients_and_problem(self):
        tidy = self.result.all_patients()
        self.assertEqual(len(tidy), 24)
        self.assertEqual(sorted(tidy["patient.itch.mean"].unique()), ITCH)
        self.assertEqual(self.result.problem(),
                         {"num_vars": 1, "names": ["patient.itch.mean"], "bounds": [ITCH]})

    def test_effects_are_the_paired_differences_of_the_patients(self):
        path = Path(self.work.name, "effects.h5")
        with smpsim.run(None, path, patients=30, threads=1, quiet=True, smpsim=support.SMPSIM,
                        set=dict(SWEEP, **{"sweep.baseline": 1})) as result:
            effects = result.effects().set_index(["point", "outcome"])
            self.assertEqual(set(effects["baseline"]), {1})
            self.assertEqual(list(effects.loc[(0, "patchiness")][["patient.itch.mean"]]), [ITCH[0]])
            for outcome in ("final_coverage", "patchiness", "sessions"):
                diff = (result.patients(0)[outcome].astype(float)
                        - result.patients(1)[outcome].astype(float))
                row = effects.loc[(0, outcome)]
                self.assertAlmostEqual(row["mean"], diff.mean(), places=12)
                self.assertAlmostEqual(row["sem"], diff.std(ddof=1) / np.sqrt(len(diff)), places=12)
                self.assertAlmostEqual(row["ci_high"] - row["mean"], 1.959963984540054 * row["sem"])
                unpaired = np.hypot(result.patients(0)[outcome].astype(float).sem(),
                                    result.patients(1)[outcome].astype(float).sem())
                if unpaired > 0:
                    self.assertAlmostEqual(row["sem_ratio"], row["sem"] / unpaired, places=10)
                else:  # no spread at either point (every coverage 1): the ratio is undefined
                    self.assertTrue(np.isnan(row["sem_ratio"]))
                self.assertEqual(effects.loc[(1, outcome)]["mean"], 0)  # the baseline itself
        self.assertIsNone(self.result.effects())  # no baseline, no effects

    def test_run_raises_smpsims_message_on_bad_input(self):
        with self.assertRaises(smpsim.RunError) as raised:
            smpsim.run(None, Path(self.work.name, "bad.h5"), quiet=True, smpsim=support.SMPSIM,
                       kinetics__k_enc=-1)
        self.assertEqual(raised.exception.status, 2)
        self.assertIn("kinetics.k_enc", str(raised.exception))
        self.assertFalse(Path(self.work.name, "bad.h5").exists())


if __name__ == "__main__":
    unittest.main()
