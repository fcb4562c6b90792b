#!/usr/bin/python3
"""Runs the bad-input corpus of tests/bad_inputs/manifest.toml: each case is a config file
and/or a command line with the exit status and the message fragments it must produce. No case
may crash, hang, or leave a file that claims to be complete, and a refused case (status 2) may
not create, change or remove any file of its folder (hashed before and after)."""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib

import h5py

SMPSIM = os.environ["SMPSIM"]
CORPUS = os.path.join(os.environ["SMPSIM_SOURCE_DIR"], "tests", "bad_inputs")
TIMEOUT_SECONDS = 60


def complete_files(directory):
    """HDF5 files below `directory` whose root says complete = 1."""
    found = []
    for folder, _, names in os.walk(directory):
        for name in names:
            path = os.path.join(folder, name)
            try:
                with h5py.File(path, "r") as f:
                    if f.attrs.get("complete", 0) == 1:
                        found.append(path)
            except OSError:
                pass  # not HDF5
    return found


def snapshot(directory):
    """Every entry below `directory`: file contents' hashes, link targets, folders."""
    state = {}
    for folder, subfolders, names in os.walk(directory):
        for name in subfolders + names:
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, directory)
            if os.path.islink(path):
                state[relative] = "link " + os.readlink(path)
            elif os.path.isdir(path):
                state[relative] = "folder"
            else:
                with open(path, "rb") as f:
                    state[relative] = hashlib.sha256(f.read()).hexdigest()
    return state


def changes(before, after):
    described = []
    for name in sorted(set(before) | set(after)):
        if name not in after:
            described.append(f"removed {name}")
        elif name not in before:
            described.append(f"created {name}")
        elif before[name] != after[name]:
            described.append(f"changed {name}")
    return described


def run_case(case):
    with tempfile.TemporaryDirectory() as work:
        config = ""
        if "config" in case:
            config = os.path.join(work, case["config"])
            shutil.copy(os.path.join(CORPUS, case["config"]), config)
        for name, text in case.get("files", {}).items():
            with open(os.path.join(work, name), "w") as f:
                f.write(text)
        if "generate" in case:  # a config too large or odd to keep in the repository
            config = os.path.join(work, "generated.toml")
            with open(config, "wb") as f:
                f.write(eval(case["generate"]))  # a bytes expression from the manifest
        for name, target in case.get("symlinks", {}).items():  # name -> target, in {dir}
            os.symlink(target, os.path.join(work, name))
        for name, target in case.get("hardlinks", {}).items():
            os.link(os.path.join(work, target), os.path.join(work, name))
        out = os.path.join(work, "out.h5")
        args = [a.format(config=config, out=out, dir=work) for a in case["args"]]
        before = snapshot(work)
        stdout = open(case["stdout"], "w") if "stdout" in case else subprocess.PIPE  # /dev/full
        try:
            result = subprocess.run([SMPSIM] + args, cwd=work, stdout=stdout,
                                    stderr=subprocess.PIPE, text=True, errors="replace",
                                    timeout=case.get("timeout", TIMEOUT_SECONDS))
        except subprocess.TimeoutExpired:
            return ["hung"]
        finally:
            if stdout is not subprocess.PIPE:
                stdout.close()
        problems = []
        if result.returncode != case["status"]:
            problems.append(f"exit status {result.returncode}, expected {case['status']}")
        for fragment in case.get("message", []):
            fragment = fragment.format(config=config, out=out, dir=work)
            if fragment not in result.stderr:
                problems.append(f"message lacks {fragment!r}")
        if result.returncode not in (0, 1, 2):
            problems.append(f"crashed (status {result.returncode})")
        if case["status"] != 0 and not case.get("complete_ok") and complete_files(work):
            problems.append(f"left a complete-looking file: {complete_files(work)}")
        if case["status"] == 2 and not case.get("may_write"):
            problems += ["refused but " + c for c in changes(before, snapshot(work))]
        if problems:
            problems.append("stderr: " + result.stderr.strip()[:500])
        return problems


def main():
    with open(os.path.join(CORPUS, "manifest.toml"), "rb") as f:
        cases = tomllib.load(f)["case"]
    failures = 0
    for case in cases:
        problems = run_case(case)
        status = "ok" if not problems else "FAILED"
        print(f"{status:6} {case['name']}")
        for p in problems:
            print(f"         {p}")
        failures += bool(problems)
    statuses = {}
    for case in cases:
        statuses[case["status"]] = statuses.get(case["status"], 0) + 1
    print(f"{len(cases) - failures} of {len(cases)} bad inputs handled as expected "
          f"(by expected status: {dict(sorted(statuses.items()))}; the folders of the "
          f"{statuses.get(2, 0)} refused cases hashed unchanged)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
