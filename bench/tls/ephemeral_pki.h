// EphemeralPki: a throwaway certificate authority made in memory for one run: a CA, a server
// certificate for 127.0.0.1, ::1 and localhost, and a client certificate, all signed by that CA
// (EC P-256, valid from an hour ago for a day). It lets the embedded server serve TLS and mTLS
// out of the box without a private key checked in or written to disk: the keys live in this
// process only, and die with the run.
// Thread-safety: Make is reentrant; the result is a plain value.
#pragma once

#include <string>

namespace streambench::tls {

struct EphemeralPki {
  std::string ca_cert_pem;
  std::string server_cert_pem;
  std::string server_key_pem;
  std::string client_cert_pem;
  std::string client_key_pem;
};

// False with *error (OpenSSL's reason) when OpenSSL cannot make the keys.
bool MakeEphemeralPki(EphemeralPki* out, std::string* error);

}  // namespace streambench::tls

namespace streambench::tls {

// The one ephemeral PKI of this process, made on first use (a few milliseconds) and kept until
// exit, so the embedded server of a run and the generator's channels to it agree on the CA
// without passing it through the run's phases. Null with *error when it cannot be made.
// Thread-safe.
const EphemeralPki* ProcessEphemeralPki(std::string* error);

}  // namespace streambench::tls
