// CallSlot: a slot for call-per-operation modes (unary, server_stream). Closed loop keeps
// `outstanding` calls in flight, each completion issuing the next; open loop starts one call per
// Submit() at its intended time, with at most Slot::kMaxQueuedOps calls in flight (more are
// dropped and counted). A closed-loop call that failed for lack of a connection is replaced only
// after the slot's reconnect backoff (SlotReconnect); open-loop calls keep their schedule (on a
// dead server they fail at once with UNAVAILABLE and are counted as such).
// Internal to the drivers module.
// Thread-safety: as Slot.
#pragma once

#include <cstdint>
#include <functional>

#include "bench/drivers/call_base.h"
#include "bench/drivers/driver.h"
#include "bench/drivers/slot_reconnect.h"

namespace streambench::drivers {

class CallSlot final : public Slot {
 public:
  // Starts one call intended at `intended_ns` (for closed loop: now). The call reports back with
  // CallDone(status, intended_ns) from its OnDone, before CallBase::Finished().
  using CallStarter =
      std::function<void(CallSlot& slot, int64_t intended_ns, uint64_t call_number)>;

  CallSlot(DriverContext& dc, CallStarter starter)
      : dc_(dc), starter_(std::move(starter)), reconnect_(dc, reinterpret_cast<uintptr_t>(this)) {}

  void Start() override;
  void Submit(int64_t intended_ns) override;
  void Stop() override { reconnect_.CancelPending(); }
  void CancelAll() override {
    reconnect_.CancelPending();
    calls_.CancelAll();
  }
  void AttachChannel(std::shared_ptr<grpc::Channel> channel) override {
    reconnect_.AttachChannel(std::move(channel));
  }

  DriverContext& dc() { return dc_; }
  CallList& calls() { return calls_; }
  // From a call's OnDone: in closed loop, issues the next call (after the reconnect backoff when
  // the call failed for lack of a connection). `call_start_ns`: the call's intended start.
  void CallDone(const grpc::Status& status, int64_t call_start_ns);

 private:
  void Issue(int64_t intended_ns);

  DriverContext& dc_;
  CallStarter starter_;
  CallList calls_;
  std::atomic<uint64_t> call_count_{0};
  SlotReconnect reconnect_;
};

}  // namespace streambench::drivers
