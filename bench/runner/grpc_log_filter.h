// InstallGrpcLogFilter: gRPC's log, minus its per-attempt TLS handshake errors. A run that cannot
// connect over TLS states the cause once, in one line (tls_diagnosis.h); gRPC would otherwise add
// one "Handshake failed" line per reconnect attempt. Everything else gRPC logs still goes to
// stderr, in gRPC's own layout.
// Thread-safety: call once, before gRPC starts its threads.
#pragma once

namespace streambench::runner {

void InstallGrpcLogFilter();

}  // namespace streambench::runner
