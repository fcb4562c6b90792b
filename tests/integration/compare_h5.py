#!/usr/bin/python3
"""compare_h5.py A.h5 B.h5: every dataset of A equals B's bit for bit, and both have the same
datasets; attributes of points too. Root attributes that describe the run (time, threads) may
differ. Exit 0 when equal, 1 with the differences listed."""
import sys

import h5py
import numpy as np

# Root attributes allowed to differ between two runs of the same config and seed.
RUN_DESCRIPTION = {"created_utc", "threads_used", "ranks_used", "git_commit"}


def model_config(text):
    """The recorded config without run.threads, which says how, not what, to compute."""
    return "\n".join(line for line in str(text).splitlines() if not line.startswith("threads ="))


def datasets(f):
    found = {}
    f.visititems(lambda name, obj: found.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    return found


def same_bits(a, b):
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    return a.tobytes() == b.tobytes()


def compare(path_a, path_b):
    problems = []
    with h5py.File(path_a, "r") as a, h5py.File(path_b, "r") as b:
        da, db = datasets(a), datasets(b)
        for name in sorted(set(da) ^ set(db)):
            problems.append(f"only in one file: {name}")
        for name in sorted(set(da) & set(db)):
            if not same_bits(da[name][()], db[name][()]):
                problems.append(f"dataset differs: {name}")
        for key in sorted(set(a.attrs) | set(b.attrs)):
            if key in RUN_DESCRIPTION:
                continue
            if key not in a.attrs or key not in b.attrs:
                problems.append(f"root attribute only in one file: {key}")
            elif key == "config":
                if model_config(a.attrs[key]) != model_config(b.attrs[key]):
                    problems.append("root attribute differs: config")
            elif not np.array_equal(np.asarray(a.attrs[key]), np.asarray(b.attrs[key])):
                problems.append(f"root attribute differs: {key}")
        if "points" in a and "points" in b:
            for point in a["points"]:
                if point in b["points"] and dict(a["points"][point].attrs) != dict(b["points"][point].attrs):
                    problems.append(f"point attributes differ: {point}")
    return problems


if __name__ == "__main__":
    problems = compare(sys.argv[1], sys.argv[2])
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print(f"identical datasets: {sys.argv[1]} == {sys.argv[2]}")
