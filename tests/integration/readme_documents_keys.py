#!/usr/bin/python3
"""Every config key `smpsim check` prints is documented in README.md's reference, with its
default as the code has it."""
import os
import re
import subprocess

SMPSIM = os.environ["SMPSIM"]
README = os.path.join(os.environ["SMPSIM_SOURCE_DIR"], "README.md")

resolved = subprocess.run([SMPSIM, "check"], check=True, capture_output=True, text=True).stdout
readme = open(README, encoding="utf-8").read()
missing = []
for line in resolved.splitlines():
    match = re.match(r"^(\w+) = (.*)$", line)
    if match:
        key, value = match.groups()
        row = f"| `{key}` | `{value.replace('|', chr(92) + '|')}` |"
        if row not in readme:
            missing.append(row)
if missing:
    raise SystemExit("README.md's configuration reference lacks or misstates:\n" + "\n".join(missing))
print("README.md documents every key with its default")
