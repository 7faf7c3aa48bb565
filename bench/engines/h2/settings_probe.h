// The HTTP/2 settings a server announces, read from one short-lived connection: how a run learns
// the server's SETTINGS_MAX_CONCURRENT_STREAMS before it opens its own connections, on either
// engine (gRPC C++ does not expose a peer's settings).
// Thread-safety: a free function, reentrant; it blocks the caller for at most `timeout`.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "bench/engines/engine.h"

namespace streambench::engines::h2 {

struct PeerSettings {
  // SETTINGS_MAX_CONCURRENT_STREAMS; UINT32_MAX when the server sets no limit.
  uint32_t max_concurrent_streams = UINT32_MAX;
  uint32_t initial_window_bytes = 65535;  // SETTINGS_INITIAL_WINDOW_SIZE
  uint32_t max_frame_bytes = 16384;       // SETTINGS_MAX_FRAME_SIZE
};

// Connects to `target` ("host:port"; over TLS with ALPN h2 when tls.enabled), sends the client
// preface and waits for the server's first SETTINGS frame; nullopt with *error when the target
// does not answer with HTTP/2 settings within `timeout` (not HTTP/2, refused, silent).
std::optional<PeerSettings> ProbePeerSettings(const std::string& target, const TlsSettings& tls,
                                              std::chrono::milliseconds timeout,
                                              std::string* error);

}  // namespace streambench::engines::h2
