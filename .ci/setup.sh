#!/usr/bin/env bash
# Installs the Debian 12 packages streambench needs. Idempotent and quiet when all is present.
set -euo pipefail

PACKAGES=(
  cmake g++ make pkg-config
  libgrpc++-dev protobuf-compiler-grpc protobuf-compiler libprotobuf-dev libprotoc-dev
  prometheus-cpp-dev libyaml-cpp-dev nlohmann-json3-dev
  libbenchmark-dev libgtest-dev libgmock-dev libssl-dev
  prometheus prometheus-pushgateway
  clang libclang-rt-14-dev
  ccache libcli11-dev libnghttp2-dev
  python3-grpcio python3-protobuf
  chromium
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
  [[ "$status" == ii* ]] || missing+=("$pkg")
done

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The prometheus packages start system services where systemd runs; the tests start their own
  # instances on ephemeral loopback ports, so the system ones are not needed.
fi

# The Kubernetes API schema the deploy/kubernetes manifests are validated against offline
# (tests/deploy): npm packages pinned by tests/deploy/package-lock.json. Optional: without node or
# the registry the deploy_manifests test is skipped, never the build.
deploy_tests="$(dirname "$0")/../tests/deploy"
if [[ ! -d "$deploy_tests/node_modules/kubernetes-models" ]]; then
  if ! command -v npm >/dev/null; then
    $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null 2>&1 ||
      echo "setup: warning: could not install nodejs/npm; deploy_manifests will be skipped" >&2
  fi
  if command -v npm >/dev/null; then
    (cd "$deploy_tests" && timeout 180 npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1) ||
      echo "setup: warning: npm ci in tests/deploy failed (offline?); deploy_manifests will be skipped" >&2
  fi
fi
