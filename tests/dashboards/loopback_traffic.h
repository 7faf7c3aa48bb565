// Test support: real gRPC traffic against a streambench.v1 server on loopback, recorded into a
// stats::RecorderRegistry the way the generator records (per callback thread, merged by
// snapshots), so the exporters have real numbers until the integration test can run the
// `streambench` CLI itself. Callback API only: bidi ping-pong streams (ClientBidiReactor) and
// unary calls, some of which ask the server to inject UNAVAILABLE.
// Thread-safety: Start/Stop from one thread; active_calls()/rounds() from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "bench/stats/recorder.h"

namespace streambench::testing {

struct LoopbackTrafficOptions {
  std::string target;               // "127.0.0.1:PORT"
  int streams_per_round = 4;        // concurrent bidi streams per round
  int messages_per_stream = 40;     // ping-pong messages per stream
  int payload_bytes = 512;          // request payload size (echoed back)
  int unary_per_round = 4;          // unary calls per round
  int failing_unary_per_round = 1;  // of those, how many ask for an injected UNAVAILABLE
  int round_pause_ms = 20;          // idle time between rounds (keeps 2 shared cores usable)
  int64_t max_rounds = 100'000;     // hard bound on the load
  int call_deadline_ms = 10'000;    // per call
};

class LoopbackTraffic {
 public:
  LoopbackTraffic(LoopbackTrafficOptions options, stats::RecorderRegistry* registry);
  ~LoopbackTraffic();  // Stop()
  LoopbackTraffic(const LoopbackTraffic&) = delete;
  LoopbackTraffic& operator=(const LoopbackTraffic&) = delete;

  // Runs rounds on a background thread until Stop() or max_rounds.
  void Start();
  // Lets the current round finish (its calls end within call_deadline_ms) and joins.
  void Stop();

  int64_t active_calls() const { return active_calls_.load(std::memory_order_relaxed); }
  int64_t rounds() const { return rounds_.load(std::memory_order_relaxed); }

 private:
  struct Shared;
  void Run();

  const LoopbackTrafficOptions options_;
  stats::RecorderRegistry* const registry_;
  std::shared_ptr<Shared> shared_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> active_calls_{0};
  std::atomic<int64_t> rounds_{0};
  std::thread thread_;
};

}  // namespace streambench::testing
