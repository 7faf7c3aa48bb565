// TcpLoopback: the floor the gRPC figures are compared with: a raw TCP ping-pong and a
// raw TCP bulk transfer over 127.0.0.1, with plain blocking sockets and TCP_NODELAY, one server
// thread and the calling thread as client. No framing, no copies beyond the kernel's.
// Every run is bounded both in count and in time.
// Thread-safety: each function is self-contained (its own sockets and thread).
#pragma once

#include <cstdint>
#include <string>

namespace streambench::macro {

struct TcpPingPongOptions {
  uint64_t payload_bytes = 64;  // bytes sent each way per round trip
  uint64_t warmup_round_trips = 1000;
  uint64_t round_trips = 20000;         // measured round trips (upper bound)
  int64_t max_duration_us = 5'000'000;  // stop measuring earlier than round_trips if this passes
};

struct TcpPingPongResult {
  uint64_t round_trips = 0;  // measured
  double rtt_p50_us = 0, rtt_p99_us = 0, rtt_mean_us = 0;
};

// Echo server thread + client: the client writes payload_bytes and reads them back, round after
// round. False with *error on any socket error.
bool RunTcpPingPong(const TcpPingPongOptions& options, TcpPingPongResult* result,
                    std::string* error);

struct TcpBulkOptions {
  uint64_t write_bytes = 1 << 20;   // bytes per write() call
  int64_t duration_us = 2'000'000;  // how long the client keeps writing
};

struct TcpBulkResult {
  uint64_t bytes = 0;     // bytes the receiver read
  double duration_s = 0;  // from the first write to the receiver reading the last byte
  double bytes_per_s() const { return duration_s > 0 ? bytes / duration_s : 0; }
};

// One connection; the client writes for duration_us, half-closes, and the receiving thread counts
// what arrives until EOF. False with *error on any socket error.
bool RunTcpBulk(const TcpBulkOptions& options, TcpBulkResult* result, std::string* error);

}  // namespace streambench::macro
