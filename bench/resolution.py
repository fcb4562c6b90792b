#!/usr/bin/python3
"""bench/resolution.py SMPSIM [--patients N] [--dots D] [--set KEY=VALUE ...]

Resolution (docs/model.md §6, T14): runs the default cohort at D, 2D and 4D simulated dots per
session (D = technician.dots_per_session, 1000 unless --dots), the same patients (same seed),
and prints each final outcome's mean ± SEM at each D, the paired difference from D in SEMs of
the paired difference, and the wall time per patient at one thread. --set passes config
overrides to every run (e.g. --set model.version=1).
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

OUTCOMES = ["final_coverage", "patchiness", "sessions", "satisfied", "blowout_fraction",
            "final_shade"]


def run(smpsim, patients, dots, overrides, directory):
    out = os.path.join(directory, f"dots_{dots}.h5")
    command = [smpsim, "run", "--patients", str(patients), "--threads", "1", "--quiet",
               "--set", f"technician.dots_per_session={dots}", "--set", "run.daily=false",
               "-o", out]
    for override in overrides:
        command += ["--set", override]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    with h5py.File(out, "r") as f:
        patients_table = f["points/000000/patients"][()]
    return {name: patients_table[name].astype(np.float64) for name in OUTCOMES}, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("smpsim")
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--dots", type=int, default=1000)
    parser.add_argument("--set", action="append", default=[], dest="overrides")
    arguments = parser.parse_args()
    levels = [arguments.dots, 2 * arguments.dots, 4 * arguments.dots]
    results = {}
    with tempfile.TemporaryDirectory() as directory:
        for dots in levels:
            results[dots] = run(arguments.smpsim, arguments.patients, dots, arguments.overrides,
                                directory)
    n = arguments.patients
    print(f"{n} default patients, seed fixed, overrides {arguments.overrides or 'none'}")
    header = "| outcome | " + " | ".join(f"D = {d}" for d in levels) + \
             " | 2D - D (paired SEMs) | 4D - D (paired SEMs) |"
    print(header)
    print("|---" * (len(levels) + 3) + "|")
    base = results[levels[0]][0]
    for name in OUTCOMES:
        cells = []
        for dots in levels:
            values = results[dots][0][name]
            cells.append(f"{values.mean():.4f} ± {values.std(ddof=1) / np.sqrt(n):.4f}")
        shifts = []
        for dots in levels[1:]:
            difference = results[dots][0][name] - base[name]
            sem = difference.std(ddof=1) / np.sqrt(n)
            shifts.append(f"{difference.mean() / sem:+.1f}" if sem > 0 else "0")
        print(f"| {name} | " + " | ".join(cells) + " | " + " | ".join(shifts) + " |")
    share_two = [f"{(results[d][0]['sessions'] == 2).mean():.3f}" for d in levels]
    share_zero = [f"{(results[d][0]['final_coverage'] == 0).mean():.3f}" for d in levels]
    print("| share with 2 sessions | " + " | ".join(share_two) + " | | |")
    print("| share with final_coverage = 0 | " + " | ".join(share_zero) + " | | |")
    print("| ms per patient (1 thread) | " +
          " | ".join(f"{1000 * results[d][1] / n:.1f}" for d in levels) + " | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
