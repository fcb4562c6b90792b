#!/usr/bin/env bash
# scripts/format.sh: applies .clang-format (Debian's clang-format) to every C++ file of the
# repository. scripts/format.sh --check changes nothing and fails, naming each file and line,
# when one is not formatted: .ci/run calls it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if ! command -v clang-format >/dev/null; then
  source "$root/scripts/setup.sh"
  smpsim_setup
fi
mapfile -t files < <(git ls-files '*.cpp' '*.h' | grep -v '^tests/fuzz/corpus/')
if [ "${1:-}" = "--check" ]; then
  clang-format --dry-run -Werror "${files[@]}"
  echo "format: ${#files[@]} files formatted as .clang-format says"
else
  clang-format -i "${files[@]}"
fi
