// BareGrpcClient: the smallest correct callback-API client of streambench.v1, written only to be
// compared with the generator, to measure the harness's own overhead. It opens the same channels
// (one TCP connection each), the same streams and sends the same messages (seq, send time, payload
// slice, CRC-32C, behaviour in the first request), but measures nothing per message except
// counters: no histograms, no integrity accounting, no write pump. What the generator achieves
// below this client's throughput is the harness's overhead. Thread-safety: RunBareClient is
// self-contained (its own channels and threads); call it from one thread at a time per process only
// because it reports the process's CPU time.
#pragma once

#include <cstdint>
#include <string>

namespace streambench::macro {

enum class BareMode {
  kBidiPingPong,  // Bidi echo, one message in flight per stream (closed loop)
  kServerStream,  // ServerStream calls back to back, one in flight per stream slot
};

struct BareClientOptions {
  std::string target;  // "host:port"
  BareMode mode = BareMode::kBidiPingPong;
  int connections = 1;                // channels, each its own TCP connection
  int streams_per_connection = 1;     // streams (bidi) or call slots (server_stream)
  uint64_t payload_bytes = 64;        // request payload
  uint64_t response_bytes = 1 << 20;  // server_stream: bytes per response
  uint64_t response_count = 100;      // server_stream: responses per call
  int64_t warmup_us = 1'000'000;      // load runs but is not counted
  int64_t duration_us = 5'000'000;    // the measured phase
  // Bidi only: keep every round-trip time of the measured phase (in a buffer allocated up front,
  // at most max_rtt_samples) to report p50/p99. Off for throughput runs.
  bool record_rtt = false;
  uint64_t max_rtt_samples = 2'000'000;
};

struct BareClientResult {
  double duration_s = 0;                  // measured phase, wall time
  uint64_t messages_sent = 0;             // requests written in the measured phase
  uint64_t messages_received = 0;         // responses read in the measured phase
  uint64_t bytes_sent = 0;                // request payload bytes
  uint64_t bytes_received = 0;            // response payload bytes
  double cpu_seconds = 0;                 // this process's user+system CPU in the measured phase
  uint64_t rtt_samples = 0;               // record_rtt: round trips kept
  double rtt_p50_us = 0, rtt_p99_us = 0;  // record_rtt: percentiles of the kept round trips
  uint64_t calls_failed = 0;              // calls that ended with a status other than OK

  double messages_per_s() const { return (messages_sent + messages_received) / duration_s; }
  double messages_received_per_s() const { return messages_received / duration_s; }
  double bytes_received_per_s() const { return bytes_received / duration_s; }
};

// Runs warm-up + measured phase, then half-closes every stream and waits (bounded) for the calls
// to end. False with *error if the target cannot be reached or the calls do not end.
bool RunBareClient(const BareClientOptions& options, BareClientResult* result, std::string* error);

// One JSON object on one line (the tool's output; field units in the names).
std::string BareClientResultJson(const BareClientOptions& options, const BareClientResult& result);

}  // namespace streambench::macro
