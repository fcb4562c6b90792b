#!/usr/bin/python3
"""Sweeps end to end: common random numbers reproduce a plain run bit for bit, and sweep files have
the docs/interface.md layout (grid, Sobol, Morris). T8 as paired sweeps is paired_t8.py."""
import os
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_h5 import same_bits  # noqa: E402

SMPSIM = os.environ["SMPSIM"]
SMALL = ["--set", "technician.dots_per_session=300"]


def run(directory, name, *args):
    out = os.path.join(directory, name)
    subprocess.run([SMPSIM, "run", "-o", out, "--quiet", *args], check=True)
    return out


def sweep_args(method, parameters, **settings):
    args = ["--set", f'sweep.method="{method}"', "--set", f"sweep.parameters={parameters}"]
    for key, value in settings.items():
        args += ["--set", f"sweep.{key}={value}"]
    return args


class CommonRandomNumbers(unittest.TestCase):
    def test_a_point_at_the_base_values_reproduces_the_plain_run(self):
        with tempfile.TemporaryDirectory() as work:
            plain = run(work, "plain.h5", "--patients", "60", *SMALL)
            swept = run(work, "swept.h5", "--patients", "60", *SMALL,
                        *sweep_args("grid", '{"technician.target_depth_um"=[150.0,200.0],'
                                            '"patient.itch.mean"=[3.0,5.0]}'))
            with h5py.File(plain) as a, h5py.File(swept) as b:
                self.assertEqual(b.attrs["n_points"], 4)
                self.assertEqual(dict(b["/points/000002"].attrs),
                                 {"technician.target_depth_um": 200.0, "patient.itch.mean": 3.0})
                for name in ["patients", "sessions"] + [f"daily/{d}" for d in a["/points/000000/daily"]]:
                    self.assertTrue(same_bits(a["/points/000000/" + name][()], b["/points/000002/" + name][()]), name)
                self.assertFalse(same_bits(a["/points/000000/patients"][()], b["/points/000003/patients"][()]))


class SweepLayout(unittest.TestCase):
    def check_common(self, f, points, keys):
        self.assertEqual(f.attrs["complete"], 1)
        self.assertEqual(f.attrs["n_points"], points)
        summary = pd.DataFrame(f["/summary"][:])
        self.assertEqual(list(summary.point), list(range(points)))
        self.assertEqual(list(summary.columns[1:1 + len(keys)]), keys)
        self.assertIn("sessions_share_3", summary.columns)
        shares = summary[[c for c in summary.columns if c.startswith("sessions_share_")]].sum(axis=1)
        self.assertTrue(np.allclose(shares, 1.0))
        for k in range(points):
            group = f[f"/points/{k:06d}"]
            self.assertEqual(list(group.attrs), keys)  # in the order written
            self.assertEqual([group.attrs[key] for key in keys], list(summary.loc[k, keys]))
            patients = pd.DataFrame(group["patients"][:])
            self.assertEqual(summary.n_patients[k], len(patients))
            self.assertAlmostEqual(summary.final_shade_mean[k], patients.final_shade.mean(), places=12)
        return summary

    def test_grid_with_a_baseline(self):
        with tempfile.TemporaryDirectory() as work:
            out = run(work, "grid.h5", "--patients", "40", *SMALL,
                      *sweep_args("grid", '{"optics.cap_um"=[70.0,140.0]}', baseline=0))
            with h5py.File(out) as f:
                self.assertEqual(f.attrs["sweep_method"], "grid")
                summary = self.check_common(f, 2, ["optics.cap_um"])
                self.assertEqual(summary.final_shade_diff_mean[0], 0.0)
                a = pd.DataFrame(f["/points/000000/patients"][:])
                b = pd.DataFrame(f["/points/000001/patients"][:])
                d = b.final_shade - a.final_shade
                self.assertAlmostEqual(summary.final_shade_diff_mean[1], d.mean(), places=12)
                self.assertAlmostEqual(summary.final_shade_diff_sem[1], d.std() / np.sqrt(len(d)), places=12)
                self.assertNotIn("/sensitivity", f)

    def test_sobol_writes_indices_for_every_outcome(self):
        with tempfile.TemporaryDirectory() as work:
            out = run(work, "sobol.h5", "--patients", "20", *SMALL, "--set", "run.daily=false",
                      *sweep_args("sobol", '{"technician.target_depth_um"={low=150.0,high=260.0},'
                                           '"optics.cap_um"={low=40.0,high=100.0}}', samples=8))
            with h5py.File(out) as f:
                self.check_common(f, 8 * 4, ["technician.target_depth_um", "optics.cap_um"])
                self.assertNotIn("daily", f["/points/000000"])
                s = pd.DataFrame(f["/sensitivity"][:])
                for column in ["parameter", "outcome"]:
                    s[column] = s[column].str.decode("utf-8")
                self.assertEqual(list(s.columns), ["parameter", "outcome", "S1", "S1_conf", "ST", "ST_conf",
                                                   "noise_share", "patient_share"])
                self.assertEqual(len(s), 2 * 12)
                self.assertEqual(set(s.parameter), {"technician.target_depth_um", "optics.cap_um"})
                self.assertTrue(np.isfinite(s[["S1", "S1_conf", "ST", "ST_conf"]].values).all())
                self.assertTrue(((s.noise_share >= 0) & (s.noise_share <= 1)).all())

    def test_morris_writes_elementary_effects(self):
        with tempfile.TemporaryDirectory() as work:
            out = run(work, "morris.h5", "--patients", "20", *SMALL, "--set", "run.daily=false",
                      *sweep_args("morris", '{"technician.target_depth_um"={low=150.0,high=260.0},'
                                            '"patient.itch.mean"={low=0.5,high=6.0},'
                                            '"protocol.max_sessions"={low=2.0,high=5.0}}', samples=4))
            with h5py.File(out) as f:
                self.check_common(f, 4 * 4, ["technician.target_depth_um", "patient.itch.mean",
                                             "protocol.max_sessions"])
                s = pd.DataFrame(f["/sensitivity"][:])
                self.assertEqual(list(s.columns)[2:], ["mu_star", "mu_star_conf", "mu", "sigma", "ee_noise"])
                self.assertTrue((s.mu_star >= s.mu.abs() - 1e-12).all())


if __name__ == "__main__":
    unittest.main(verbosity=2)
