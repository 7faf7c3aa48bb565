// The one-line cause of a plaintext target that never became a gRPC connection, told from what it
// says to an HTTP/2 client's first bytes: an HTTP/1.x server, a port that accepts and never
// answers, one that resets or closes, a TLS server. The engines know only that the connection did
// not come up; this one short look names why, as bench/tls/tls_diagnosis.h does for TLS.
// Thread-safety: a free function, reentrant; it blocks for at most `timeout`.
#pragma once

#include <chrono>
#include <string>

namespace streambench::runner {

// Connects to `address` ("host:port"; anything else is not probed), sends the HTTP/2 client
// preface and an empty SETTINGS frame, and reads the answer for at most `timeout`. "" when the
// answer looks like HTTP/2 (the cause is elsewhere) or the address cannot be probed.
std::string ProbeNonGrpcTarget(const std::string& address, std::chrono::milliseconds timeout);

}  // namespace streambench::runner
