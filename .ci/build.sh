#!/usr/bin/env bash
# Configures and builds streambench into ${BUILD_DIR:-build} (Release with debug info).
# Usage: .ci/build.sh [TARGET...]   no target: everything, the tests included (what .ci/test.sh
# needs); with targets, only those and what they link (.ci/demo.sh builds just the two binaries).
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}
JOBS=${JOBS:-$(nproc)}
# ccache (if installed) keys on paths relative to the checkout, so clones in other folders share it.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" ${CMAKE_ARGS:-} >/dev/null
targets=()
for target in "$@"; do targets+=(--target "$target"); done
cmake --build "$BUILD_DIR" -j "$JOBS" "${targets[@]}" -- --no-print-directory
