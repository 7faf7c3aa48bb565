// CallSlot: a slot for call-per-operation modes (unary, server_stream). Closed loop keeps
// `outstanding` calls in flight, each completion issuing the next; open loop starts one call per
// Submit() at its intended time, with at most Slot::kMaxQueuedOps calls in flight (more are
// dropped and counted). Internal to the drivers module.
// Thread-safety: as Slot.
#pragma once

#include <cstdint>
#include <functional>

#include "bench/drivers/call_base.h"
#include "bench/drivers/driver.h"

namespace streambench::drivers {

class CallSlot final : public Slot {
 public:
  // Starts one call intended at `intended_ns` (for closed loop: now). The call reports back with
  // CallDone() from its OnDone, before CallBase::Finished().
  using CallStarter =
      std::function<void(CallSlot& slot, int64_t intended_ns, uint64_t call_number)>;

  CallSlot(DriverContext& dc, CallStarter starter) : dc_(dc), starter_(std::move(starter)) {}

  void Start() override;
  void Submit(int64_t intended_ns) override;
  void Stop() override {}
  void CancelAll() override { calls_.CancelAll(); }

  DriverContext& dc() { return dc_; }
  CallList& calls() { return calls_; }
  // From a call's OnDone: in closed loop, issues the next call.
  void CallDone();

 private:
  void Issue(int64_t intended_ns);

  DriverContext& dc_;
  CallStarter starter_;
  CallList calls_;
  std::atomic<uint64_t> call_count_{0};
};

}  // namespace streambench::drivers
