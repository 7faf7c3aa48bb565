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

if ((${#missing[@]} == 0)); then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The prometheus packages start system services where systemd runs; the tests start their own
# instances on ephemeral loopback ports, so the system ones are not needed.
