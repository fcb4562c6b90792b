#!/usr/bin/python3
"""regression_digests.py [SMPSIM] [--update] (SMPSIM defaults to $SMPSIM): the outputs of smpsim, dataset by dataset, against
the SHA-256 digests kept in tests/regression/digests.json, and their final outcomes against the
readable summaries kept beside them, tests/regression/<case>.txt.

Each case is a small run (a plain cohort, a sweep with a baseline, a touch-up) whose every
dataset is hashed as raw bytes, with its dtype and shape. A change to the code that changes any
output bit fails this test: either it was not meant to (a bug), or it was (a model change, or
a kernel that draws its random numbers differently); then regenerate the digests with
--update in the same commit and say why in its message, after the statistical tests pass
unchanged.

A case's summary (in the manner of OpenMC's results_true.dat) gives, per point, the number of
patients and each final outcome's mean and SEM over the point's /points/<k>/patients table,
to 10 significant digits, one line per point and outcome, so that a diff of the file after
--update shows what a change did. When a case's digests differ, the test says which outcomes
moved and by how much: (new - stored mean) in units of the stored SEM. The summaries are kept
with the digests: --update writes both, and a summary that is missing or differs from the
output fails the test even when every digest matches.

$SMPSIM_REGRESSION_DIR, when set, is read (and, with --update, written) instead of
tests/regression; $SMPSIM_REGRESSION_ARGS, when set, is added to every case's command line
(shell words), and not to the summaries' headers: `--set model.version=1` against
tests/regression/v1 checks that version 1 is kept bit for bit. Exit 0 when every digest and summary matches, 1 with the differences."""
import glob
import hashlib
import json
import math
import os
import shlex
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_h5 import datasets  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STORED = os.environ.get("SMPSIM_REGRESSION_DIR") or os.path.join(ROOT, "tests", "regression")
DIGESTS = os.path.join(STORED, "digests.json")
EXTRA_ARGUMENTS = shlex.split(os.environ.get("SMPSIM_REGRESSION_ARGS", ""))
SUMMARY_HEADER = "# smpsim regression summary:"

SWEEP = ["--set", 'sweep.method="grid"', "--set", "sweep.baseline=1",
         "--set", 'sweep.parameters={"patient.itch.mean"=[1.0, 3.0, 6.0]}']
CASES = {
    "default_96": ["--patients", "96"],
    "sweep_itch_3x64": ["--patients", "64"] + SWEEP,
    "touch_up_64": [os.path.join(ROOT, "configs", "touch_up.toml"), "--patients", "64"],
}


def digest(data):
    h = hashlib.sha256()
    h.update(f"{data.dtype.str}{data.shape}".encode())
    h.update(np.ascontiguousarray(data).tobytes())
    return h.hexdigest()


def digests_of(f):
    return {name: digest(dataset[()]) for name, dataset in datasets(f).items()}


def outcome_names(f):
    """The final outcomes: the columns of the patients tables that /summary gives a mean of."""
    summary = set(f["summary"].dtype.names)
    point = f["points"][sorted(f["points"])[0]]
    return [name for name in point["patients"].dtype.names if f"{name}_mean" in summary]


def summary_of(f, case):
    """The readable summary of a case's output: a header, then per point its patients and one
    line per final outcome with its mean and SEM (sample standard deviation / sqrt(n)) over the
    finite values; `finite K` follows when only K of the patients' values are finite."""
    arguments = " ".join(os.path.relpath(a, ROOT) if os.path.isabs(a) else a for a in CASES[case])
    lines = [f"{SUMMARY_HEADER} {case}: smpsim run {arguments}"]
    names = outcome_names(f)
    width = max(len(name) for name in names)
    for point in sorted(f["points"]):
        patients = f["points"][point]["patients"][()]
        lines.append(f"point {point}  {'patients':<{width}}  n {len(patients)}")
        for name in names:
            values = patients[name].astype(np.float64)
            finite = values[np.isfinite(values)]
            # Correctly rounded sums (math.fsum): the text does not depend on numpy's summation.
            n = len(finite)
            mean = math.fsum(finite) / n if n else math.nan
            sem = (math.sqrt(math.fsum((finite - mean) ** 2) / (n - 1) / n) if n > 1
                   else math.nan)
            line = f"point {point}  {name:<{width}}  mean {mean:.10g}  sem {sem:.10g}"
            if len(finite) != len(values):
                line += f"  finite {len(finite)}"
            lines.append(line)
    return "\n".join(lines) + "\n"


def parse_summary(text):
    """{(point, outcome): (mean, sem)} and {point: patients} from a summary's text."""
    outcomes, patients = {}, {}
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 4 and words[0] == "point" and words[3] == "n":
            patients[words[1]] = int(words[4])
        elif len(words) >= 7 and words[0] == "point" and words[3] == "mean":
            outcomes[(words[1], words[2])] = (float(words[4]), float(words[6]))
    return outcomes, patients


def shown(path):
    """A path as printed: relative to the repository when inside it."""
    relative = os.path.relpath(path, ROOT)
    return path if relative.startswith("..") else relative


def summary_path(case):
    return os.path.join(STORED, case + ".txt")


def read_stored_summary(case):
    try:
        with open(summary_path(case)) as f:
            return f.read()
    except FileNotFoundError:
        return None


def moved_outcomes(case, new_text):
    """Lines saying which outcomes of a case moved from its stored summary, and by how much."""
    stored_text = read_stored_summary(case)
    if stored_text is None:
        return [f"no stored summary {shown(summary_path(case))} to say what moved"]
    stored, stored_patients = parse_summary(stored_text)
    new, new_patients = parse_summary(new_text)
    lines = []
    for point in sorted(set(stored_patients) | set(new_patients)):
        if stored_patients.get(point) != new_patients.get(point):
            lines.append(f"point {point}: patients {stored_patients.get(point)} -> "
                         f"{new_patients.get(point)}")
    moves = []
    width = max((len(name) for _, name in set(stored) | set(new)), default=0)
    for key in sorted(set(stored) | set(new)):
        point, name = key
        if key not in new:
            lines.append(f"point {point} {name}: no longer in the output")
        elif key not in stored:
            lines.append(f"point {point} {name}: new, mean {new[key][0]:.10g}")
        elif stored[key] != new[key]:
            (old_mean, old_sem), (new_mean, new_sem) = stored[key], new[key]
            shift = (new_mean - old_mean) / old_sem if old_sem > 0 else math.nan
            line = (f"point {point}  {name:<{width}}  {shift:+8.3f} SEM   mean {old_mean:.10g} -> "
                    f"{new_mean:.10g}, sem {old_sem:.4g} -> {new_sem:.4g}")
            moves.append((-abs(shift) if math.isfinite(shift) else -math.inf, point, name, line))
    lines += [move[-1] for move in sorted(moves)]
    if not lines:
        lines.append("none: no final outcome's mean or SEM moved at 10 significant digits")
    return lines


def run_case(smpsim, arguments, directory, name):
    out = os.path.join(directory, name + ".h5")
    subprocess.run([smpsim, "run", *arguments, *EXTRA_ARGUMENTS, "--threads", "2", "--quiet",
                    "-o", out],
                   check=True, stdout=subprocess.DEVNULL)
    with h5py.File(out, "r") as f:
        return digests_of(f), summary_of(f, name)


def stale_summaries():
    """Summaries kept for cases that no longer exist."""
    found = glob.glob(os.path.join(STORED, "*.txt"))
    return sorted(path for path in found if os.path.basename(path)[:-4] not in CASES)


def update(measured, summaries):
    with open(DIGESTS, "w") as f:
        json.dump(measured, f, indent=1, sort_keys=True)
        f.write("\n")
    for case, text in summaries.items():
        with open(summary_path(case), "w") as f:
            f.write(text)
    for path in stale_summaries():
        with open(path) as f:
            if f.readline().startswith(SUMMARY_HEADER):
                os.remove(path)
                print(f"removed {shown(path)}: no such case")
    print(f"wrote {sum(len(d) for d in measured.values())} digests to {shown(DIGESTS)} and "
          f"{len(summaries)} summaries to {shown(STORED)}/<case>.txt")


def main():
    arguments = [a for a in sys.argv[1:] if a != "--update"]
    smpsim = arguments[0] if arguments else os.environ.get("SMPSIM")
    if not smpsim:
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as directory:
        results = {name: run_case(smpsim, arguments, directory, name)
                   for name, arguments in CASES.items()}
    measured = {name: result[0] for name, result in results.items()}
    summaries = {name: result[1] for name, result in results.items()}
    if "--update" in sys.argv[1:]:
        update(measured, summaries)
        return 0
    with open(DIGESTS) as f:
        kept = json.load(f)
    report = []  # lines, one block per failing case
    for case in sorted(set(kept) | set(measured)):
        want, got = kept.get(case, {}), measured.get(case, {})
        differing = []
        for name in sorted(set(want) | set(got)):
            if name not in got:
                differing.append(f"{name} is no longer written")
            elif name not in want:
                differing.append(f"{name} is new")
            elif want[name] != got[name]:
                differing.append(f"{name} differs")
        if case not in measured:
            report += [f"{case}: in {shown(DIGESTS)} but no longer a case"]
        elif differing:
            report += [f"{case}: {len(differing)} of {len(got)} datasets differ from "
                       f"{shown(DIGESTS)}:", *(f"    {line}" for line in differing),
                       "  final outcomes that moved (new - stored mean, in stored SEMs), "
                       "largest first:",
                       *(f"    {line}" for line in moved_outcomes(case, summaries[case]))]
        else:
            stored = read_stored_summary(case)
            if stored is None:
                report.append(f"{case}: digests match, but {shown(summary_path(case))} is missing")
            elif stored != summaries[case]:
                report += [f"{case}: digests match, but {shown(summary_path(case))} differs from "
                           "the output (the digests and summaries are kept together):",
                           *(f"    {line}" for line in moved_outcomes(case, summaries[case]))]
    report += [f"{shown(path)}: a summary of no case" for path in stale_summaries()]
    if report:
        print(*report, sep="\n")
        print("If the change is meant, regenerate with: tests/integration/regression_digests.py "
              "build/smpsim --update, and say why in the commit.")
        return 1
    print(f"{sum(len(d) for d in measured.values())} datasets in {len(measured)} cases "
          "match their digests, and their summaries match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
