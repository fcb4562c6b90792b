#!/usr/bin/python3
"""bench/kernel_equivalence.py --old SMPSIM [--old-config TOML] --new SMPSIM [options]

Two builds' outcomes on the same cohort (same config and seed, so the same patients' attributes),
compared within 4 standard errors: every final outcome by its mean paired difference (new - old,
patient by patient), and every daily series' median on every day, the difference of the two
medians against its bootstrap standard error (patients resampled in pairs). Issue 16 asks this
of a faster kernel that changes the draws' bits: the same model in distribution.

The new build runs with `--set model.version=1` unless --new-args says otherwise; the old one
with its own config (--old-config), since an old build may not know every key of today's.
Exit status 1 when any comparison is beyond 4 standard errors.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

OUTCOMES = ["final_coverage", "final_shade", "retained", "patchiness", "blowout_fraction",
            "sessions", "treatment_days", "scratch_episodes", "early_detachments", "satisfied",
            "redness_resolved_day", "scabs_cleared_day"]
BOOTSTRAP = 400
LIMIT = 4.0


def run(binary, config, extra, patients, threads, out):
    command = [binary, "run", *([config] if config else []), *extra, "--patients", str(patients),
               "--threads", str(threads), "--quiet", "--overwrite", "-o", out]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    with h5py.File(out, "r") as f:
        point = f["points/000000"]
        daily = {name: point["daily"][name][()] for name in point["daily"]
                 if name not in ("day", "patient_id")} if "daily" in point else {}
        return point["patients"][()], daily


def compare_outcomes(old, new):
    worst = 0.0
    print(f"{'outcome':24s} {'old mean':>12s} {'new mean':>12s} {'paired diff':>12s} "
          f"{'SE':>10s} {'z':>6s}")
    for name in OUTCOMES:
        a, b = old[name].astype(np.float64), new[name].astype(np.float64)
        # Censored or undefined days are NaN in neither build; keep the pairs both define.
        keep = np.isfinite(a) & np.isfinite(b)
        diff = b[keep] - a[keep]
        se = diff.std(ddof=1) / np.sqrt(len(diff))
        z = abs(diff.mean()) / se if se > 0 else (0.0 if diff.mean() == 0 else np.inf)
        worst = max(worst, z)
        print(f"{name:24s} {a[keep].mean():12.5g} {b[keep].mean():12.5g} {diff.mean():12.4g} "
              f"{se:10.3g} {z:6.2f}")
    return worst


def compare_daily(old, new, seed):
    rng = np.random.default_rng(seed)
    worst, worst_at, tests = 0.0, None, 0
    for name in sorted(old):
        a, b = old[name].astype(np.float64), new[name].astype(np.float64)
        n, days = a.shape
        med_a, med_b = np.median(a, axis=0), np.median(b, axis=0)
        picks = rng.integers(0, n, size=(BOOTSTRAP, n))
        boot = np.median(b[picks], axis=1) - np.median(a[picks], axis=1)  # (BOOTSTRAP, days)
        se = boot.std(axis=0, ddof=1)
        line_worst = 0.0
        for k in range(days):
            tests += 1
            d = med_b[k] - med_a[k]
            z = abs(d) / se[k] if se[k] > 0 else (0.0 if d == 0 else np.inf)
            line_worst = max(line_worst, z)
            if z > worst:
                worst, worst_at = z, (name, k, med_a[k], med_b[k], se[k])
        print(f"daily {name:12s} worst |median difference| / SE over {days} days: {line_worst:.2f}")
    if worst_at:
        name, k, ma, mb, s = worst_at
        print(f"worst daily: {name} day {k}: old median {ma:.5g}, new {mb:.5g}, SE {s:.3g}")
    return worst, tests


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", required=True)
    parser.add_argument("--old-config")
    parser.add_argument("--new", required=True)
    parser.add_argument("--new-args", default="--set model.version=1")
    parser.add_argument("--patients", type=int, default=4000)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        old_patients, old_daily = run(args.old, args.old_config, [], args.patients, args.threads,
                                      os.path.join(scratch, "old.h5"))
        new_patients, new_daily = run(args.new, None, args.new_args.split(), args.patients,
                                      args.threads, os.path.join(scratch, "new.h5"))
    assert (old_patients["patient_id"] == new_patients["patient_id"]).all()
    print(f"{args.patients} patients, paired by id\n")
    worst_outcome = compare_outcomes(old_patients, new_patients)
    print()
    worst_daily, tests = compare_daily(old_daily, new_daily, seed=16)
    print(f"\nworst final outcome z = {worst_outcome:.2f}; worst daily median z = "
          f"{worst_daily:.2f} of {tests} day-series; limit {LIMIT}")
    return 0 if max(worst_outcome, worst_daily) <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
