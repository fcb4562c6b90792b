#!/usr/bin/python3
"""layers.py: the house rules the build alone does not check (docs/development.md).

- sim/ holds only the five layer folders, and include/smpsim/ mirrors them;
- a file of one layer includes smpsim headers only of its own layer or the layers below it
  (model <- config <- io <- run <- app);
- no file of the model layer includes a header of HDF5, MPI, toml++ or OpenMP (HDF5 and MPI
  are not even on its include path; toml++'s and OpenMP's headers are on the system's);
- no source file is over 600 lines;
- nothing refers to ../shared, which a clone does not have.
Exit 0 when every rule holds, 1 with each breach listed."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAYERS = ["model", "config", "io", "run", "app"]
FOREIGN = re.compile(r'#\s*include\s*[<"](hdf5|H5[A-Za-z]*|mpi|toml\+\+/|omp)[^>"]*[>"]')
SMPSIM = re.compile(r'#\s*include\s*"smpsim/([a-z_]+)/[^"]+"')
SOURCES = (".cpp", ".h", ".py", ".sh", ".cmake")
MAX_LINES = 600


def tracked():
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    return [line for line in out.splitlines() if line]


def main():
    problems = []
    for top in ("sim", os.path.join("include", "smpsim")):
        entries = sorted(os.listdir(os.path.join(ROOT, top)))
        if entries != sorted(LAYERS):
            problems.append(f"{top}/ holds {entries}, not the five layer folders {LAYERS}")
    for layer_index, layer in enumerate(LAYERS):
        allowed = set(LAYERS[: layer_index + 1])
        for top in ("sim", os.path.join("include", "smpsim")):
            folder = os.path.join(ROOT, top, layer)
            for name in sorted(os.listdir(folder)):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as source:
                    for number, line in enumerate(source, 1):
                        where = f"{os.path.relpath(path, ROOT)}:{number}"
                        match = SMPSIM.search(line)
                        if match and match.group(1) not in allowed:
                            problems.append(f"{where}: the {layer} layer includes the "
                                            f"{match.group(1)} layer above it: {line.strip()}")
                        if layer == "model" and FOREIGN.search(line):
                            problems.append(f"{where}: the model layer includes a header of "
                                            f"HDF5, MPI, toml++ or OpenMP: {line.strip()}")
    for path in tracked():
        if not path.endswith(SOURCES) or path.startswith("tests/fuzz/corpus/"):
            continue
        with open(os.path.join(ROOT, path), encoding="utf-8", errors="replace") as source:
            lines = sum(1 for _ in source)
        if lines > MAX_LINES:
            problems.append(f"{path}: {lines} lines, over {MAX_LINES}")
    # This file names ../shared to forbid it: it is no reference.
    shared = subprocess.run(["git", "grep", "-n", r"\.\./shared", "--", ".",
                             ":!tests/integration/layers.py"], cwd=ROOT,
                            capture_output=True, text=True).stdout
    problems += [f"refers to ../shared: {line}" for line in shared.splitlines()]
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"layers: {len(LAYERS)} layers, includes only downward, no source over {MAX_LINES} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
