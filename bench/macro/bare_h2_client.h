// BareH2Client: grpc.testing.BenchmarkService driven through the nghttp2 engine
// (bench/engines/h2), to prove the engine's speed against grpc-go's benchmark client and h2load
// before the generator's drivers are ported onto it. It does what a real driver would do per
// message and no more: serializes each SimpleRequest, parses each SimpleResponse and checks its
// payload size, reads grpc-status from the trailers, and times each round trip.
//   bidi:  StreamingCall ping-pong, one message in flight per stream (closed loop).
//   unary: UnaryCall, one call in flight per call slot; the next starts when one ends.
// Connections are spread over `threads` event loops (one thread each). A run is bounded by its
// duration and by max_round_trips.
// Thread-safety: RunBareH2Client is self-contained (its own connections and threads); call it from
// one thread at a time per process, because it reports the process's CPU time.
#pragma once

#include <cstdint>
#include <string>

namespace streambench::macro {

enum class BareH2Mode {
  kBidiPingPong,  // StreamingCall, one request in flight per stream
  kUnary,         // UnaryCall, one call in flight per slot
};

struct BareH2Options {
  std::string target;  // "host:port"
  BareH2Mode mode = BareH2Mode::kBidiPingPong;
  int connections = 1;                     // TCP connections
  int streams_per_connection = 1;          // bidi streams or unary call slots per connection
  int threads = 1;                         // event loops; connection i runs on loop i % threads
  uint64_t payload_bytes = 64;             // request payload, and the response payload asked for
  int64_t warmup_us = 1'000'000;           // load that runs but is not counted
  int64_t duration_us = 5'000'000;         // the measured phase (ends earlier at max_round_trips)
  uint64_t max_round_trips = 100'000'000;  // measured round trips (or calls) at most
  // Keep every measured round trip's time (buffers allocated up front, at most this many in all)
  // for p50/p99; 0 keeps none.
  uint64_t max_rtt_samples = 2'000'000;
};

struct BareH2Result {
  double duration_s = 0;        // measured phase, wall time
  uint64_t round_trips = 0;     // bidi responses or unary calls completed OK in the phase
  uint64_t bytes_sent = 0;      // request payload bytes of those round trips
  uint64_t bytes_received = 0;  // response payload bytes of those round trips
  double cpu_seconds = 0;       // this process's user+system CPU in the measured phase
  uint64_t rtt_samples = 0;     // round trips timed
  double rtt_p50_us = 0, rtt_p99_us = 0;
  uint64_t calls_failed = 0;   // calls that ended with a status other than OK before the stop
  uint64_t bad_responses = 0;  // responses that did not parse or had the wrong payload size

  double round_trips_per_s() const { return duration_s > 0 ? round_trips / duration_s : 0; }
  double cpu_s_per_100k_round_trips() const {
    return round_trips > 0 ? cpu_seconds / round_trips * 1e5 : 0;
  }
};

// Connects, runs warm-up + measured phase, then half-closes every stream and waits (bounded) for
// the calls to end. False with *error if the target cannot be reached or the calls do not end.
bool RunBareH2Client(const BareH2Options& options, BareH2Result* result, std::string* error);

// The request body every call sends (a SimpleRequest asking for payload_bytes back and carrying
// payload_bytes, with gRPC's 5-byte message prefix): what h2load is given (-d) so both send the
// same bytes.
std::string FramedBenchmarkRequest(uint64_t payload_bytes);

// One JSON object on one line (the tool's output; field units in the names). The keys the other
// bare clients print (messages_per_s, cpu_seconds, rtt_us, calls_failed) mean the same here.
std::string BareH2ResultJson(const BareH2Options& options, const BareH2Result& result);

}  // namespace streambench::macro
