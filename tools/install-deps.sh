#!/usr/bin/env bash
# Installs what bundlesim needs to build, from Debian packages. Safe to run twice: it installs only
# what is missing. As root it runs apt-get; otherwise it prints the command to run.
set -euo pipefail

packages=(
  cmake g++ make pkg-config
  libboost-dev libboost-graph-dev libboost-random-dev   # Boost.Random, Boost.Graph (header-only)
  libtorch-dev                                          # LibTorch 1.13, CPU
  libopenblas-dev                                       # fast BLAS for LibTorch (the default is ~20x slower)
  nlohmann-json3-dev libsqlite3-dev libfmt-dev doctest-dev
  chromium                                              # headless browser: the HTML report test (skipped without it)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all build dependencies are installed"
  exit 0
fi

command=(apt-get install -y --no-install-recommends "${missing[@]}")
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}"
  echo "install-deps: run as root:  apt-get update && ${command[*]}"
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
"${command[@]}"
