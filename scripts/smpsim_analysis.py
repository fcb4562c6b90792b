#!/usr/bin/python3
"""Deprecated: the compatibility shim of the smpsim package (scripts/smpsim/), kept for one
release. Use ``import smpsim`` and ``smpsim.open_result(path)`` instead of
``import smpsim_analysis as sa`` and ``sa.open(path)``, and ``python3 -m smpsim OUT.h5
[--plots DIR]`` (with ``PYTHONPATH=scripts`` or after ``pip install -e scripts/``) instead of
``/usr/bin/python3 scripts/smpsim_analysis.py OUT.h5 [--plots DIR]``, which still works, from
any directory, with the same output.
"""
import sys
import warnings
from pathlib import Path

# The package beside this file: sys.path[0] when run as a script, but not under -I or -P.
_SCRIPTS = str(Path(__file__).resolve().parent)
if _SCRIPTS not in sys.path:
    sys.path.append(_SCRIPTS)

import smpsim  # noqa: E402
from smpsim import *  # noqa: E402,F401,F403
from smpsim.__main__ import main as _main  # noqa: E402

__version__ = smpsim.__version__
__all__ = [*smpsim.__all__, "open", "main"]


def open(path, allow_incomplete=False):  # noqa: A001  (the old entry point: sa.open)
    """Deprecated alias of smpsim.open_result."""
    warnings.warn("smpsim_analysis.open is deprecated; use smpsim.open_result",
                  DeprecationWarning, stacklevel=2)
    return smpsim.open_result(path, allow_incomplete)


def main(argv=None):
    """The command, as smpsim_analysis.py (python3 -m smpsim's, under this script's name)."""
    _main(argv, prog="smpsim_analysis.py")


if __name__ == "__main__":
    main()
