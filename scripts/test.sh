#!/usr/bin/env bash
# scripts/test.sh: installs what is missing, builds (Release, tests on) into build/ and runs
# every test through ctest; ends with ctest's summary line.
# scripts/test.sh --sanitize: the sanitizer stages instead (scripts/sanitize.sh): the whole suite
# under ASan + UBSan in build-asan/, then the threaded engine under TSan in build-tsan/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "${1:-}" = "--sanitize" ]; then
  exec "$root/scripts/sanitize.sh"
fi
source "$root/scripts/setup.sh"
smpsim_setup
smpsim_build build all -DSMPSIM_TESTS=ON
cd "$root/build"
ctest --output-on-failure --timeout 900 -j "$(nproc)"
