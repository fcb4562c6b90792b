"""Running smpsim from Python, as openmc.run() does: a notebook goes from a question to a
figure without a shell."""
import subprocess
import sys
from pathlib import Path

from .result import open_result
from .trace import find_smpsim


class RunError(RuntimeError):
    """smpsim refused the input (exit status 2) or failed (1); the message is smpsim's."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def _toml_value(value):
    """A Python value as the TOML text of one `--set` value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, dict):
        return "{" + ", ".join(f'"{k}" = {_toml_value(v)}' if "." in k else f"{k} = {_toml_value(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as a TOML value")


def run(config=None, output=None, *, patients=None, seed=None, threads=None, overwrite=True,
        resume=False, quiet=False, smpsim=None, set=None, **overrides):  # noqa: A002 (set=)
    """Runs `smpsim run CONFIG` and returns the opened Result.

    config: a TOML file (None: the built-in defaults). output: the HDF5 file (default: out/
    <config name>.h5 under the working directory). Config keys are set
    with `set={"kinetics.k_enc": 0.5, "patient.itch": {"dist": "constant", "value": 0}}` or as
    keyword arguments with "__" for the dots (`kinetics__k_enc=0.5`). smpsim's closing summary
    (and its messages) are passed on to this process's stdout and stderr unless quiet; its live
    progress line shows only in a terminal. Raises RunError with smpsim's message when it
    refuses the input (status 2) or fails (1)."""
    executable = smpsim or find_smpsim()
    if executable is None:
        raise FileNotFoundError("no smpsim executable: set SMPSIM or build build/smpsim")
    if output is None:
        name = Path(config).stem if config else "default"
        output = Path("out") / f"{name}.h5"
        output.parent.mkdir(parents=True, exist_ok=True)
    command = [str(executable), "run"] + ([str(config)] if config else []) + ["-o", str(output)]
    for flag, value in (("--patients", patients), ("--seed", seed), ("--threads", threads)):
        if value is not None:
            command += [flag, str(value)]
    assignments = dict(set or {})
    assignments.update({key.replace("__", "."): value for key, value in overrides.items()})
    for key, value in assignments.items():
        command += ["--set", f"{key}={_toml_value(value)}"]
    if overwrite and not resume:
        command.append("--overwrite")
    if resume:
        command.append("--resume")
    if quiet:
        command.append("--quiet")
    finished = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if not quiet:
        sys.stdout.write(finished.stdout)
        sys.stderr.write(finished.stderr)
    if finished.returncode != 0:
        raise RunError(finished.returncode, finished.stderr.strip()
                       or f"smpsim exited with status {finished.returncode}")
    return open_result(output)
