#!/usr/bin/python3
"""docs/model.md T8 as paired sweeps: each change of a key moves its outcome by at least 4 SEM
of the paired differences on common random numbers. A model test (7,200 default patients): its
ctest name starts with T, so the sanitizer stage leaves it out like T1-T14 (scripts/sanitize.sh)."""
import os
import sys
import tempfile
import unittest

import h5py
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sweeps import run, sweep_args  # noqa: E402


class PairedT8(unittest.TestCase):
    """docs/model.md T8 as two-point grids on common random numbers, each compared with its base.
    Final outcomes only: the daily series is not computed."""

    def paired(self, key, values, outcome, patients=600):
        with tempfile.TemporaryDirectory() as work:
            out = run(work, "t8.h5", "--patients", str(patients), "--set", "run.daily=false",
                      *sweep_args("grid", '{"%s"=[%r,%r]}' % (key, *values), baseline=0))
            with h5py.File(out) as f:
                summary = pd.DataFrame(f["/summary"][:])
        return summary[f"{outcome}_diff_mean"][1], summary[f"{outcome}_diff_sem"][1]

    def assert_moves(self, sign, key, values, outcome):
        mean, sem = self.paired(key, values, outcome)
        self.assertGreaterEqual(sign * mean, 4 * sem, f"{key} {values}: {outcome} {mean:+.4g} ± {sem:.2g}")

    def test_immune_up_lowers_retained(self):
        self.assert_moves(-1, "patient.immune.median", (1.0, 1.5), "retained")

    def test_cap_doubled_lowers_final_shade(self):
        self.assert_moves(-1, "optics.cap_um", (70.0, 140.0), "final_shade")

    def test_deeper_raises_retained_and_blowouts(self):
        self.assert_moves(+1, "technician.target_depth_um", (200.0, 300.0), "retained")
        self.assert_moves(+1, "technician.target_depth_um", (200.0, 300.0), "blowout_fraction")

    def test_cream_lowers_early_detachments(self):
        self.assert_moves(-1, "aftercare.cream_relief", (0.0, 0.8), "early_detachments")

    def test_more_itch_raises_early_detachments(self):
        self.assert_moves(+1, "patient.itch.mean", (3.0, 6.0), "early_detachments")


if __name__ == "__main__":
    unittest.main(verbosity=2)
