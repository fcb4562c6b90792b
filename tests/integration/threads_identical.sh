#!/usr/bin/env bash
# The same config and seed give the same datasets, bit for bit, at 1 and at 2 threads.
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
config="$SMPSIM_SOURCE_DIR/configs/default.toml"
"$SMPSIM" run "$config" --patients 300 --threads 1 -o "$work/one.h5" --quiet
"$SMPSIM" run "$config" --patients 300 --threads 2 -o "$work/two.h5" --quiet
"$PYTHON" "$SMPSIM_SOURCE_DIR/tests/integration/compare_h5.py" "$work/one.h5" "$work/two.h5"
