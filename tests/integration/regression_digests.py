#!/usr/bin/python3
"""regression_digests.py [SMPSIM] [--update] (SMPSIM defaults to $SMPSIM): the outputs of smpsim, dataset by dataset, against
the SHA-256 digests kept in tests/regression/digests.json.

Each case is a small run (a plain cohort, a sweep with a baseline, a touch-up) whose every
dataset is hashed as raw bytes, with its dtype and shape. A change to the code that changes any
output bit fails this test: either it was not meant to (a bug), or it was (a model change, or
a kernel that draws its random numbers differently); then regenerate the digests with
--update in the same commit and say why in its message, after the statistical tests pass
unchanged. Exit 0 when every digest matches, 1 with the datasets that differ."""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_h5 import datasets  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DIGESTS = os.path.join(ROOT, "tests", "regression", "digests.json")

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


def digests_of(path):
    with h5py.File(path, "r") as f:
        return {name: digest(dataset[()]) for name, dataset in datasets(f).items()}


def run_case(smpsim, arguments, directory, name):
    out = os.path.join(directory, name + ".h5")
    subprocess.run([smpsim, "run", *arguments, "--threads", "2", "--quiet", "-o", out],
                   check=True, stdout=subprocess.DEVNULL)
    return digests_of(out)


def main():
    arguments = [a for a in sys.argv[1:] if a != "--update"]
    smpsim = arguments[0] if arguments else os.environ.get("SMPSIM")
    if not smpsim:
        print(__doc__, file=sys.stderr)
        return 2
    update = "--update" in sys.argv[1:]
    with tempfile.TemporaryDirectory() as directory:
        measured = {name: run_case(smpsim, arguments, directory, name)
                    for name, arguments in CASES.items()}
    if update:
        with open(DIGESTS, "w") as f:
            json.dump(measured, f, indent=1, sort_keys=True)
            f.write("\n")
        print(f"wrote {sum(len(d) for d in measured.values())} digests to {DIGESTS}")
        return 0
    with open(DIGESTS) as f:
        kept = json.load(f)
    problems = []
    for case in sorted(set(kept) | set(measured)):
        want, got = kept.get(case, {}), measured.get(case, {})
        for name in sorted(set(want) | set(got)):
            if name not in got:
                problems.append(f"{case}: {name} is no longer written")
            elif name not in want:
                problems.append(f"{case}: {name} is new")
            elif want[name] != got[name]:
                problems.append(f"{case}: {name} differs")
    if problems:
        print("outputs differ from tests/regression/digests.json:", *problems, sep="\n  ")
        print("If the change is meant, regenerate with: tests/integration/regression_digests.py "
              "build/smpsim --update, and say why in the commit.")
        return 1
    print(f"{sum(len(d) for d in measured.values())} datasets in {len(measured)} cases "
          "match their digests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
