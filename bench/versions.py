#!/usr/bin/python3
"""bench/versions.py SMPSIM [--patients N]

Model version 1 against version 2 on the same patients (same seed: common random numbers), as
docs/model.md §8 reports them: the shares with final_coverage < 0.5 and = 0, satisfied, the
blowout_fraction of patients with papillary_um < 180, the sessions distribution, the coverage
drop from the last examination to the final look (T13), and satisfied and blowout_fraction
against technician.target_depth_um = 150, 200, 250, 300. Each figure is mean ± SEM.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

DEPTHS = [150, 200, 250, 300]


def run(smpsim, patients, overrides, out):
    command = [smpsim, "run", "--patients", str(patients), "--quiet", "--set", "run.daily=false",
               "-o", out]
    for override in overrides:
        command += ["--set", override]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    with h5py.File(out, "r") as f:
        return f["points/000000/patients"][()], f["points/000000/sessions"][()]


def share(mask):
    mask = np.asarray(mask, dtype=np.float64)
    n = len(mask)
    return f"{mask.mean():.3f} ± {mask.std(ddof=1) / np.sqrt(n) if n > 1 else 0:.3f}"


def last_exam_coverage(patients, sessions):
    last = {}
    for row in sessions:
        last[int(row["patient_id"])] = float(row["coverage_at_exam"])
    return np.array([last[int(p)] for p in patients["patient_id"]])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("smpsim")
    parser.add_argument("--patients", type=int, default=2000)
    arguments = parser.parse_args()
    rows = {}
    with tempfile.TemporaryDirectory() as directory:
        runs = {}
        for version in (1, 2):
            for depth in DEPTHS:
                out = os.path.join(directory, f"v{version}_{depth}.h5")
                runs[(version, depth)] = run(arguments.smpsim, arguments.patients,
                                             [f"model.version={version}",
                                              f"technician.target_depth_um={depth}"], out)
    for version in (1, 2):
        patients, sessions = runs[(version, 200)]
        coverage = patients["final_coverage"].astype(np.float64)
        thin = patients["papillary_um"] < 180
        drop = last_exam_coverage(patients, sessions) - coverage
        reached = last_exam_coverage(patients, sessions) >= 0.9
        counts = patients["sessions"]
        column = {
            "final_coverage < 0.5": share(coverage < 0.5),
            "final_coverage = 0": share(coverage == 0),
            "satisfied": share(patients["satisfied"]),
            "blowout_fraction, papillary_um < 180": share(patients["blowout_fraction"][thin]),
            "blowout_fraction, all": share(patients["blowout_fraction"]),
            "coverage drop, last exam -> final look": share(drop),
            "exam reached coverage_target, final below it": share(coverage[reached] < 0.9),
        }
        for s in range(1, 5):
            column[f"sessions = {s}"] = share(counts == s)
        for depth in DEPTHS:
            p, _ = runs[(version, depth)]
            column[f"satisfied at target_depth_um {depth}"] = share(p["satisfied"])
            column[f"blowout_fraction at target_depth_um {depth}"] = share(p["blowout_fraction"])
        for name, value in column.items():
            rows.setdefault(name, []).append(value)
    print(f"{arguments.patients} default patients, the same in both versions (seed fixed)")
    print("| figure | model.version = 1 | model.version = 2 |")
    print("|---|---|---|")
    for name, values in rows.items():
        print(f"| {name} | {values[0]} | {values[1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
