#!/usr/bin/env bash
# A full disk mid-run (and during the final assembly) ends with exit 1, a clear message and a
# resumable checkpoint; after room is made, --resume finishes with the uninterrupted run's
# datasets. Needs a small tmpfs (root); without one the test is skipped (exit 77).
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

# A full disk during the final assembly: every block is committed (the run was killed as its
# file appeared), then the disk is filled but for a few blocks' room; --resume reads the
# blocks and runs out of room writing the file: exit 1, the message, no final file, the
# checkpoint kept; with room again, --resume finishes with the identical file.
rm -rf "$disk"/out.h5*
"$SMPSIM" run "${args[@]}" -o "$disk/out.h5" &
run=$!
while kill -0 "$run" 2>/dev/null && test ! -e "$disk/out.h5.partial"; do sleep 0.001; done
kill -KILL "$run" 2>/dev/null || true
wait "$run" || true
if test -e "$disk/out.h5"; then echo "the run finished before it could be killed: skipped"; exit 77; fi
rm -f "$disk/out.h5.partial"
test "$(ls "$disk/out.h5.checkpoint" | grep -c '\.block$')" -eq 10
fill=$(( $(df --output=avail -B1 "$disk" | tail -1) - 96 * 1024 ))
head -c "$fill" /dev/zero >"$disk/filler" || true
set +e
"$SMPSIM" run "${args[@]}" -o "$disk/out.h5" --resume 2>"$work/err2.txt"
status=$?
set -e
cat "$work/err2.txt"
test "$status" -eq 1
grep -q "No space left on device" "$work/err2.txt"
grep -q "out.h5.partial" "$work/err2.txt"
test ! -e "$disk/out.h5"
test "$(ls "$disk/out.h5.checkpoint" | grep -c '\.block$')" -eq 10
rm -f "$disk/filler"
"$SMPSIM" run "${args[@]}" -o "$disk/out.h5" --resume
"$PYTHON" "$SMPSIM_SOURCE_DIR/tests/integration/compare_h5.py" "$work/reference.h5" "$disk/out.h5"
echo "a full disk during the assembly: exit 1 and a resumable checkpoint"
