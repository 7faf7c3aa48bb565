// SlotReconnect: a slot's handling of connection failures. Every finished call or stream goes
// through OnFinished(), which classifies it (IsConnectionFailure), feeds the run's OutageTracker
// and the slot's ReconnectBackoff, and says how long the slot must wait before starting the next
// one. After() runs the deferred start on a gRPC timer (grpc::Alarm, no thread of its own); while
// it is pending it counts as an active call, so the run controller's drain waits for it (or
// cancels it) before freeing the slot.
// Thread-safety: thread-safe (calls of one slot finish on several gRPC threads).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_set>

#include "bench/drivers/reconnect_backoff.h"
#include "bench/engines/engine.h"

namespace grpc {
class Alarm;
class Status;
}  // namespace grpc

namespace streambench::drivers {

class DriverContext;

class SlotReconnect {
 public:
  SlotReconnect(DriverContext& dc, uint64_t seed) : dc_(dc), backoff_(seed) {}
  ~SlotReconnect();  // cancels pending timers (they must have fired before the slot goes)
  SlotReconnect(const SlotReconnect&) = delete;
  SlotReconnect& operator=(const SlotReconnect&) = delete;

  // The channel whose state tells a connection failure from a server's UNAVAILABLE. Set once,
  // before Start().
  void AttachChannel(std::shared_ptr<engines::Channel> channel);

  // A call or stream started at `call_start_ns` (DriverContext clock) finished with `status`.
  // Returns the delay in ns before the slot starts its next call / stream (0 = at once).
  int64_t OnFinished(const grpc::Status& status, int64_t call_start_ns);
  // Something went through on a call started at `call_start_ns` (a write or a message).
  void OnProgress(int64_t call_start_ns);

  // Runs `fn` after `delay_ns` on a gRPC thread, unless the run is stopping or CancelPending()
  // comes first (then `fn` is not run).
  void After(int64_t delay_ns, std::function<void()> fn);
  // Fires every pending timer now without running its function (end of the run).
  void CancelPending();

  const ReconnectBackoff& backoff() const { return backoff_; }

 private:
  DriverContext& dc_;
  ReconnectBackoff backoff_;
  std::shared_ptr<engines::Channel> channel_;
  int channel_index_ = -1;  // in the run's OutageTracker
  std::mutex mu_;
  std::unordered_set<grpc::Alarm*> pending_;  // guarded by mu_
};

}  // namespace streambench::drivers
