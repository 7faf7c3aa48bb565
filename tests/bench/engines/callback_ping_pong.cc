#include "tests/bench/engines/callback_ping_pong.h"

#include <utility>

namespace streambench::engines::testing {

CallbackPingPong::CallbackPingPong(CheckedCall* call, size_t round_trips,
                                   std::function<std::string(size_t)> request)
    : call_(call), round_trips_(round_trips), request_(std::move(request)) {}

std::shared_ptr<CallbackPingPong> CallbackPingPong::Attach(
    CheckedCall* call, size_t round_trips, std::function<std::string(size_t)> request) {
  std::shared_ptr<CallbackPingPong> ping_pong(
      new CallbackPingPong(call, round_trips, std::move(request)));
  // The call holds the ping-pong (which points back at the call without owning it).
  call->set_after_event([ping_pong] { ping_pong->Step(); });
  return ping_pong;
}

void CallbackPingPong::Step() {
  std::unique_lock<std::mutex> lock(mu_);
  if (stepping_) {
    recheck_ = true;
    return;
  }
  for (;;) {
    recheck_ = false;
    const CallProgress p = call_->progress();
    const bool previous_done = p.messages >= sent_ && p.write_dones == sent_;
    const bool write = !p.reads_done && previous_done && sent_ < round_trips_;
    const bool half_close = !half_closed_ && (p.reads_done || (previous_done && !write));
    if (!write && !half_close) return;
    stepping_ = true;
    size_t index = sent_;
    if (write) {
      ++sent_;
    } else {
      half_closed_ = true;
    }
    lock.unlock();
    if (write) {
      call_->Write(request_(index));
    } else {
      call_->WritesDone();
    }
    lock.lock();
    stepping_ = false;
    if (!recheck_) return;
  }
}

}  // namespace streambench::engines::testing
