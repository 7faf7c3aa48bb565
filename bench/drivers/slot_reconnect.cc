#include "bench/drivers/slot_reconnect.h"

#include <grpcpp/alarm.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <thread>

#include "bench/drivers/driver.h"
#include "bench/drivers/outage_tracker.h"

namespace streambench::drivers {

SlotReconnect::~SlotReconnect() {
  CancelPending();
  // A cancelled alarm's callback still runs (with ok=false) on a gRPC thread and removes itself;
  // wait for that so it never touches a destroyed slot. The controller normally drained these
  // already (they count as active calls), so this returns at once.
  for (int i = 0; i < 2000; ++i) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (pending_.empty()) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void SlotReconnect::AttachChannel(std::shared_ptr<engines::Channel> channel) {
  channel_ = std::move(channel);
  channel_index_ = dc_.outages().RegisterChannel(channel_.get());
}

int64_t SlotReconnect::OnFinished(const grpc::Status& status, int64_t call_start_ns) {
  if (status.ok()) {
    OnProgress(call_start_ns);
    return 0;
  }
  if (!IsConnectionFailure(status, channel_.get())) return 0;
  dc_.outages().OnConnectionFailure(channel_index_);
  return backoff_.NextDelayNs();
}

void SlotReconnect::OnProgress(int64_t call_start_ns) {
  backoff_.Reset();
  dc_.outages().OnSuccess(channel_index_, call_start_ns);
}

void SlotReconnect::After(int64_t delay_ns, std::function<void()> fn) {
  if (dc_.stopping()) return;
  auto* alarm = new grpc::Alarm;
  dc_.CallBegan();  // the controller's drain waits for the timer like for a call
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.insert(alarm);
  }
  const auto deadline = std::chrono::system_clock::now() + std::chrono::nanoseconds(delay_ns);
  // gRPC keeps the alarm's state alive while the callback runs, so deleting the Alarm inside
  // its own callback is safe. The alarm leaves `pending_` only after `fn` ran, so the destructor
  // cannot return under it; after that, only `dc` (which outlives every slot) is touched.
  DriverContext* dc = &dc_;
  alarm->Set(deadline, [this, dc, alarm, fn = std::move(fn)](bool fired) {
    if (fired && !dc->stopping()) fn();
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending_.erase(alarm);
    }
    delete alarm;
    dc->CallEnded();
  });
}

void SlotReconnect::CancelPending() {
  std::lock_guard<std::mutex> lock(mu_);
  for (grpc::Alarm* alarm : pending_) alarm->Cancel();
}

}  // namespace streambench::drivers
