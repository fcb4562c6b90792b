#!/usr/bin/python3
"""The HDF5 file of `smpsim run` has the layout of docs/interface.md and reads with h5py and pandas."""
import os
import subprocess
import tempfile

import h5py
import numpy as np
import pandas as pd

SMPSIM = os.environ["SMPSIM"]
CONFIG = os.path.join(os.environ["SMPSIM_SOURCE_DIR"], "configs", "default.toml")
ATTRIBUTES = ["epidermis_um", "papillary_um", "immune", "fibroblast", "healing", "itch",
              "adherence", "hair_mm_per_day", "contrast", "age"]
OUTCOMES = ["final_coverage", "final_shade", "retained", "patchiness", "blowout_fraction",
            "sessions", "treatment_days", "scratch_episodes", "early_detachments", "satisfied",
            "redness_resolved_day", "scabs_cleared_day"]
DAILY = ["redness", "scabs", "retained", "shade", "coverage", "hair_mm"]
N = 70


def main():
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "layout.h5")
        subprocess.run([SMPSIM, "run", CONFIG, "--patients", str(N), "-o", out, "--quiet"],
                       check=True)
        assert not os.path.exists(out + ".partial")
        with h5py.File(out, "r") as f:
            check_file(f)
    print("output layout as docs/interface.md says")


def check_file(f):
    root = dict(f.attrs)
    for key in ["format_version", "smpsim_version", "git_commit", "seed", "config", "complete",
                "created_utc", "n_points", "threads_used"]:
        assert key in root, f"root attribute {key} missing"
    assert root["complete"] == 1 and root["n_points"] == 1
    assert isinstance(root["config"], str) and "[kinetics]" in root["config"]
    assert root["seed"] == 20261130

    summary = pd.DataFrame(f["/summary"][:])
    assert len(summary) == 1 and summary.point[0] == 0 and summary.n_patients[0] == N
    for outcome in OUTCOMES:
        for statistic in ["mean", "sem", "p05", "p50", "p95"]:
            assert f"{outcome}_{statistic}" in summary.columns, f"{outcome}_{statistic}"

    patients = pd.DataFrame(f["/points/000000/patients"][:])
    assert list(patients.columns) == ["patient_id"] + ATTRIBUTES + OUTCOMES
    assert len(patients) == N and list(patients.patient_id) == list(range(N))
    assert patients.sessions.dtype == np.int32 and patients.satisfied.dtype == np.int8
    assert patients.final_coverage.dtype == np.float64
    # The summary is the patients table's statistics.
    assert np.isclose(summary.final_shade_mean[0], patients.final_shade.mean(), rtol=1e-12)
    assert np.isclose(summary.retained_sem[0], patients.retained.std() / np.sqrt(N), rtol=1e-9)
    assert np.isclose(summary.patchiness_p50[0], patients.patchiness.quantile(0.5), rtol=1e-12)
    assert np.isclose(summary.final_coverage_p95[0], patients.final_coverage.quantile(0.95), rtol=1e-12)

    sessions = pd.DataFrame(f["/points/000000/sessions"][:])
    assert list(sessions.columns)[:6] == ["patient_id", "session", "day", "dots",
                                          "coverage_at_exam", "patchiness_at_exam"]
    assert len(sessions) == patients.sessions.sum()
    assert (sessions.groupby("patient_id").session.max() == patients.set_index("patient_id").sessions).all()

    horizon = 120
    for name in DAILY:
        d = f["/points/000000/daily/" + name]
        assert d.shape == (N, horizon + 1) and d.dtype == np.float32, name
        assert d.chunks is not None and d.compression is not None, name
        assert np.isfinite(d[:]).all(), name


if __name__ == "__main__":
    main()
