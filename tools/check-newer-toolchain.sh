#!/usr/bin/env bash
# Builds this checkout and runs its tests against Debian 13 (trixie): LibTorch 2.x, g++ 14, Boost 1.83,
# CMake 3.31, where the README's set-up uses Debian 12's LibTorch 1.13. The code must build on both
# (see README, "Dependencies"); this is how to check the newer one without a GPU machine (CPU only;
# a CUDA build still needs one). Needs root and debootstrap; about 1.3 GB in the root folder and,
# on 2 cores, 10 min the first time (5 min more for the build and tests when the root exists).
#
#   sudo tools/check-newer-toolchain.sh [ROOT]     # ROOT defaults to /var/tmp/bundlesim-trixie
set -euo pipefail

root=${1:-/var/tmp/bundlesim-trixie}
repo=$(cd "$(dirname "$0")/.." && pwd)
packages=cmake,g++,make,pkg-config,libboost-dev,libboost-graph-dev,libboost-random-dev,libtorch-dev,libopenblas-dev,nlohmann-json3-dev,libsqlite3-dev,libfmt-dev,doctest-dev,python3,util-linux

if [ "$(id -u)" -ne 0 ]; then
  echo "check-newer-toolchain: needs root (debootstrap, chroot, mount)" >&2
  exit 1
fi
if [ ! -x "$root/usr/bin/cmake" ]; then
  command -v debootstrap > /dev/null || apt-get install -y --no-install-recommends debootstrap
  debootstrap --variant=minbase --include="$packages" trixie "$root" http://deb.debian.org/debian
fi

# The tests use a pseudo-terminal (`script`) and /proc; mount them only for the run.
mounted=()
cleanup() { for m in "${mounted[@]}"; do umount "$m" || true; done; }
trap cleanup EXIT
for m in proc dev dev/pts; do
  mount --bind "/$m" "$root/$m"
  mounted=("$root/$m" "${mounted[@]}")
done

rm -rf "$root/root/bundlesim"
git clone -q "$repo" "$root/root/bundlesim"
chroot "$root" bash -c '
  set -e
  dpkg-query -W -f="LibTorch \${Version}\n" libtorch-dev
  cd /root/bundlesim
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
  cmake --build build -j"$(nproc)"
  cd build && ctest --output-on-failure -j"$(nproc)"'
