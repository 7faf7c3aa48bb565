#!/usr/bin/env bash
# Installs what is missing, builds the generator and the reference server (not the tests: that is
# .ci/test.sh), and runs a real load scenario against the embedded reference server (no target
# given, so the generator starts the server itself on loopback).
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/build.sh streambench streambench-server
BUILD_DIR=${BUILD_DIR:-build}
SCENARIO=${1:-scenarios/bidi_pingpong.yaml}
shift || true
exec "$BUILD_DIR/bench/streambench" run "$SCENARIO" "$@"
