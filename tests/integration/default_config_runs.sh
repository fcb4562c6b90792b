#!/usr/bin/env bash
# `smpsim run` with no config runs on the built-in defaults, which configs/default.toml states:
# both give the same file. `check` prints the same resolved config for both.
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$SMPSIM" run --patients 40 --quiet
test -f out/default.h5
"$SMPSIM" run "$SMPSIM_SOURCE_DIR/configs/default.toml" --patients 40 --quiet -o from_file.h5
"$PYTHON" "$SMPSIM_SOURCE_DIR/tests/integration/compare_h5.py" out/default.h5 from_file.h5
diff <("$SMPSIM" check | tail -n +2) <("$SMPSIM" check "$SMPSIM_SOURCE_DIR/configs/default.toml" | tail -n +2)
# A second run refuses to replace the first without --overwrite, and leaves it intact.
before=$(md5sum out/default.h5)
if "$SMPSIM" run --patients 40 --quiet 2>err.txt; then echo "replaced an existing file"; exit 1; fi
grep -q "pass --overwrite" err.txt
test "$before" = "$(md5sum out/default.h5)"
"$SMPSIM" run --patients 40 --quiet --overwrite
echo "default config runs"
