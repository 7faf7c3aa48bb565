#!/usr/bin/env bash
# Makes the certificates the TLS tests use, at test time, with Debian's openssl CLI, into DIR:
#   ca.pem ca.key          the test CA
#   other_ca.pem           a CA that signed nothing here ("wrong CA")
#   server.pem server.key  signed by ca, for 127.0.0.1, ::1 and localhost
#   wrong_name.pem .key    signed by ca, for other.example only ("name mismatch")
#   expired.pem .key       signed by ca, for 127.0.0.1, valid in 2020 only ("expired")
#   client.pem client.key  signed by ca, clientAuth
#   token.txt other_token.txt   bearer tokens
# No key leaves DIR; nothing is checked in. openssl 3.0's `x509`/`req` cannot back-date a
# certificate, so the expired one comes from `openssl ca` with -startdate/-enddate.
# Usage: make_test_certs.sh DIR
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"
quiet() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@"; exit 1; }; }

key() { quiet openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }

# A self-signed CA: NAME.key, NAME.pem.
make_ca() {
  key "$1.key"
  quiet openssl req -x509 -new -key "$1.key" -out "$1.pem" -days 2 -subj "/CN=$1" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}

# A leaf NAME signed by ca with extension lines $2 (openssl x509 -extfile format).
make_leaf() {
  key "$1.key"
  quiet openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$1"
  printf '%s\n' "$2" >"$1.ext"
  quiet openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile "$1.ext" -out "$1.pem"
  rm -f "$1.csr" "$1.ext"
}

make_ca ca
make_ca other_ca
server_ext="basicConstraints=CA:FALSE
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost"
make_leaf server "$server_ext"
make_leaf wrong_name "basicConstraints=CA:FALSE
extendedKeyUsage=serverAuth
subjectAltName=DNS:other.example"
make_leaf client "basicConstraints=CA:FALSE
extendedKeyUsage=clientAuth"

# The expired server certificate, through a minimal `openssl ca` database.
key expired.key
quiet openssl req -new -key expired.key -out expired.csr -subj "/CN=expired"
mkdir -p ca_db
: >ca_db/index.txt
printf '%s\n' "$server_ext" >expired.ext
cat >ca_db/ca.cnf <<CNF
[ca]
default_ca = test_ca
[test_ca]
database = ca_db/index.txt
new_certs_dir = ca_db
serial = ca_db/serial
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
CNF
echo 1000 >ca_db/serial
quiet openssl ca -batch -config ca_db/ca.cnf -cert ca.pem -keyfile ca.key -in expired.csr \
  -out expired.pem -startdate 20200101000000Z -enddate 20200102000000Z -extfile expired.ext \
  -notext
rm -rf ca_db expired.csr expired.ext

printf 'sb-test-token-%s\n' "$(openssl rand -hex 16)" >token.txt
printf 'sb-other-token-%s\n' "$(openssl rand -hex 16)" >other_token.txt
