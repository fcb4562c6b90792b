#!/usr/bin/env bash
# scripts/run.sh [CONFIG] [smpsim run options]
# Installs what is missing, builds Release into build/, runs CONFIG (default
# configs/default.toml) into out/<config name>.h5, prints the summary and writes the standard
# plots beside the file. Replaces an earlier out/<config name>.h5 of the same config.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup.sh"
smpsim_setup
smpsim_build build smpsim

config="$root/configs/default.toml"
if [ $# -gt 0 ] && [[ "$1" != -* ]]; then
  config="$1"
  shift
fi
name="$(basename "${config%.*}")"
output="$root/out/$name.h5"
mkdir -p "$root/out"

"$root/build/smpsim" run "$config" -o "$output" --overwrite "$@"

if [ -f "$root/scripts/smpsim/__init__.py" ]; then
  plots="$root/out/${name}_plots"
  PYTHONPATH="$root/scripts" /usr/bin/python3 -m smpsim "$output" --plots "$plots"
fi
