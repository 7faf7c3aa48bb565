// CallbackPingPong: drives a bidi ping-pong from a call's own callbacks, as a driver's write pump
// does: request i+1 goes out once response i has arrived and write i has completed (whichever
// callback comes second sends it), and the half-close follows the last response, or the end of
// the server's side. The Write and WritesDone calls are serialised by a token, never by a lock
// held across them, so the engine's threads cannot deadlock on the test.
// Thread-safety: Step may run on any thread, concurrently; Begin once, after CheckedCall::Start.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "tests/bench/engines/checked_call.h"

namespace streambench::engines::testing {

class CallbackPingPong {
 public:
  // A ping-pong of `round_trips` on `call`, hooked onto its callbacks (before CheckedCall::Start);
  // `call` keeps it alive as long as it can run a callback. `request(i)` is the serialised
  // request of round trip i (0-based).
  static std::shared_ptr<CallbackPingPong> Attach(CheckedCall* call, size_t round_trips,
                                                  std::function<std::string(size_t)> request);

  // Sends the first request (after Start).
  void Begin() { Step(); }

 private:
  CallbackPingPong(CheckedCall* call, size_t round_trips,
                   std::function<std::string(size_t)> request);
  void Step();

  CheckedCall* const call_;
  const size_t round_trips_;
  const std::function<std::string(size_t)> request_;

  std::mutex mu_;
  bool stepping_ = false;  // a thread is in Write/WritesDone; others leave it a recheck
  bool recheck_ = false;
  size_t sent_ = 0;
  bool half_closed_ = false;
};

}  // namespace streambench::engines::testing
