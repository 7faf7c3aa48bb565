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
#include <memory>

#include "bench/drivers/reconnecting_slot.h"

namespace streambench::drivers {

class CallSlot final : public ReconnectingSlot {
 public:
  // Starts one call intended at `intended_ns` (for closed loop: now). The call reports back with
  // CallDone(status, intended_ns) from its OnDone, before CallBase::Finished().
  using CallStarter =
      std::function<void(CallSlot& slot, int64_t intended_ns, uint64_t call_number)>;

  CallSlot(DriverContext& dc, std::shared_ptr<engines::Channel> channel, CallStarter starter)
      : ReconnectingSlot(dc, std::move(channel)), starter_(std::move(starter)) {}

  void Start() override;
  void Submit(int64_t intended_ns) override;
  void Stop() override { reconnect_.CancelPending(); }

  // From a call's OnDone: in closed loop, issues the next call (after the reconnect backoff when
  // the call failed for lack of a connection). `call_start_ns`: the call's intended start.
  void CallDone(const grpc::Status& status, int64_t call_start_ns);

 private:
  void Issue(int64_t intended_ns);

  CallStarter starter_;
  std::atomic<uint64_t> call_count_{0};
};

}  // namespace streambench::drivers
