#!/usr/bin/env bash
# install_consumer.sh: `cmake --install` of this build into a temporary prefix, then a project
# outside the tree (tests/install) that finds it with find_package(smpsim), links smpsim::model
# and simulates one patient: its outcomes must be the ones `smpsim trace` reports for the same
# patient. Needs SMPSIM (the executable, in the build tree) and SMPSIM_SOURCE_DIR.
set -euo pipefail
build="$(dirname "$SMPSIM")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$SMPSIM_SOURCE_DIR/tests/install" -B "$work/consumer" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/consumer" -j 2 >/dev/null
for id in 0 7; do
  outcomes="$("$work/consumer/one_patient" "$id")"
  [ -n "$outcomes" ] || { echo "install_consumer: no outcomes for patient $id"; exit 1; }
  "$work/prefix/bin/smpsim" trace --patient "$id" >"$work/trace.csv"
  if ! grep -qF "$outcomes" "$work/trace.csv"; then
    echo "install_consumer: patient $id's outcomes from the installed library ($outcomes)"
    echo "  are not those smpsim trace reports"
    exit 1
  fi
  echo "install_consumer: patient $id matches smpsim trace: $outcomes"
done
