// Why a TLS connection to the target fails, in one line. gRPC reports a failed TLS handshake only
// as "channel state TRANSIENT_FAILURE" (its reason goes to its own log), so when a run cannot
// connect over TLS the runner makes one handshake of its own, with the same settings, and names
// the cause: the server's certificate has expired, is not signed by a trusted CA, does not name
// the host; the server wants a client certificate or refused ours; the target does not speak
// TLS. Bounded in time; never prints key material.
// Thread-safety: reentrant.
#pragma once

#include <chrono>
#include <string>

#include "bench/engines/engine.h"

namespace streambench::tls {

struct TlsDiagnosis {
  enum class Kind {
    kNone,     // a handshake with the settings works (the failure lies elsewhere), or the
               // address is not one it can dial (unix:)
    kNetwork,  // no TCP connection (refused, unresolvable, timed out): may pass by itself
    kTls,      // the TLS settings and the server disagree: retrying cannot help
  };
  Kind kind = Kind::kNone;
  std::string cause;  // one line, e.g. "the server's certificate has expired"
};

// `address` is what the channel dials ("host:port", "[::1]:port", "ipv4:h:p,...",
// "dns:///h:p").
TlsDiagnosis DiagnoseTlsFailure(const std::string& address, const engines::TlsSettings& settings,
                                std::chrono::milliseconds timeout);

}  // namespace streambench::tls
