#!/usr/bin/env bash
# Installs smpsim's build and analysis dependencies from Debian 12's archive, only those that
# are missing: one `apt-get update`, one `apt-get install`. Sourced by run.sh and test.sh.
set -euo pipefail

SMPSIM_PACKAGES=(
  build-essential cmake git
  libeigen3-dev libboost-random-dev libhdf5-dev hdf5-tools catch2 libbenchmark-dev
  libtomlplusplus-dev libcli11-dev librandom123-dev libopenmpi-dev openmpi-bin
  python3-h5py python3-numpy python3-pandas python3-matplotlib
  jupyter-nbconvert python3-nbclient python3-ipykernel
  python3-venv python3-yaml python3-xarray python3-h5netcdf clang-format
)

smpsim_missing_packages() {
  local missing=()
  for package in "${SMPSIM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  echo "${missing[@]:-}"
}

smpsim_setup() {
  local missing
  missing=$(smpsim_missing_packages)
  if [ -n "$missing" ]; then
    echo "smpsim: installing $missing" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >&2
  fi
}

# Configures and builds a CMake tree: smpsim_build DIR TARGET [cmake options...]; TARGET "all"
# builds everything. A new tree is configured Release with the options; an existing one keeps
# its cache, with the options (if any) applied over it.
smpsim_build() {
  local dir="$1" target="$2"
  shift 2
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  if [ ! -f "$root/$dir/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$root/$dir" -DCMAKE_BUILD_TYPE=Release "$@" >&2
  elif [ $# -gt 0 ]; then
    cmake -S "$root" -B "$root/$dir" "$@" >&2
  fi
  cmake --build "$root/$dir" --target "$target" -j "$(nproc)" >&2
}
