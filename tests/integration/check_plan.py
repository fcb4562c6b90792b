#!/usr/bin/python3
"""check_plan.py: `smpsim check` lists the planned points (index, values, baseline; the first
and last 20 of a long plan) as TOML comments, and `--estimate` adds a pilot's prediction of
the study's cost; the output still reads as the same TOML."""
import os
import re
import subprocess
import sys
import tomllib

SMPSIM = os.environ["SMPSIM"]
GRID = ["--set", 'sweep.method="grid"', "--set", "sweep.baseline=1", "--set",
        'sweep.parameters={"patient.itch.mean"=[1.0, 2.0, 3.0], "technician.target_depth_um"=[150.0, 200.0]}']
LONG = ["--set", 'sweep.method="lhs"', "--set", "sweep.samples=45", "--set",
        'sweep.parameters={"patient.itch.mean"={low=1.0, high=6.0}}']


def check(*options):
    done = subprocess.run([SMPSIM, "check", *options], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def main():
    text = check(*GRID)
    points = re.findall(r"^#   point (\d+): (.*)$", text, re.M)
    assert [int(k) for k, _ in points] == list(range(6)), points
    assert points[3][1] == ("patient.itch.mean = 2, technician.target_depth_um = 200  "
                            "(baseline: point 1)"), points[3]
    assert "# 6 planned points (grid):" in text

    long = check(*LONG)
    shown = [int(k) for k in re.findall(r"^#   point (\d+):", long, re.M)]
    assert shown == list(range(20)) + list(range(25, 45)), shown
    assert "#   ... 5 more ..." in long

    estimated = check(*GRID, "--set", "run.patients=50", "--set", "run.daily=false", "--estimate")
    pilot = re.search(r"^# estimate: a pilot of (\d+) patients at (\d+) points took ([0-9.]+) s "
                      r"on (\d+) threads?: (\d+) patients/s$", estimated, re.M)
    total = re.search(r"^# estimate: (\d+) patients in all, about (\d+) s", estimated, re.M)
    assert pilot and total, estimated[:2000]
    assert int(pilot.group(2)) == 6 and int(total.group(1)) == 300, (pilot.groups(), total.groups())
    assert tomllib.loads(estimated) == tomllib.loads(check(*GRID, "--set", "run.patients=50", "--set",
                                                           "run.daily=false"))

    converge = check("--set", 'convergence.outcomes=["final_coverage"]', "--set",
                     "convergence.abs_half_width=0.02", "--set", "convergence.batch=100",
                     "--set", "run.daily=false", "--estimate")
    need = re.search(r"^#   point 0 is expected to need (\d+) patients \(final_coverage (\d+)\)$",
                     converge, re.M)
    assert need, converge[:2000]
    assert int(need.group(1)) % 100 == 0 and int(need.group(1)) >= int(need.group(2))
    print(f"check: points listed; pilot {pilot.group(1)} patients, {pilot.group(5)} patients/s; "
          f"convergence point 0 needs {need.group(1)} patients")
    return 0


if __name__ == "__main__":
    sys.exit(main())
