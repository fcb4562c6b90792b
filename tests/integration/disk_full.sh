#!/usr/bin/env bash
# A full disk mid-run ends with exit 1, a clear message and a resumable checkpoint; after room
# is made, --resume finishes with the uninterrupted run's datasets. Needs a small tmpfs (root);
# without one the test is skipped (exit 77).
set -euo pipefail
work=$(mktemp -d)
disk="$work/disk"
mkdir -p "$disk"
cleanup() { umount "$disk" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
if ! mount -t tmpfs -o size=700k tmpfs "$disk" 2>/dev/null; then
  echo "cannot mount a tmpfs here: skipped"
  exit 77
fi
args=(--patients 320 --set technician.dots_per_session=300 --quiet)
"$SMPSIM" run "${args[@]}" -o "$work/reference.h5"
set +e
"$SMPSIM" run "${args[@]}" -o "$disk/out.h5" 2>"$work/err.txt"
status=$?
set -e
cat "$work/err.txt"
test "$status" -eq 1
grep -q "No space left on device" "$work/err.txt"
test ! -e "$disk/out.h5"
test -f "$disk/out.h5.checkpoint/manifest.toml"
mount -o remount,size=64m "$disk"
"$SMPSIM" run "${args[@]}" -o "$disk/out.h5" --resume
"$PYTHON" "$SMPSIM_SOURCE_DIR/tests/integration/compare_h5.py" "$work/reference.h5" "$disk/out.h5"
