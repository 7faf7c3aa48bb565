// RunDriver: the driver of one run. Made once per run from the registry (driver_registry.h), it
// makes the run's slots and owns what they share for that run only: the streambench.v1 behaviour
// message, a fan-out workload's world (subscribers / publishers, chat rooms), the file a
// transfer moves. Nothing is kept between runs, so two runs at once never share state.
// Lifetime: slots and their calls keep what they use of the per-run state alive (shared
// pointers), so the driver may go before them; the run controller keeps the DriverContext alive
// until active_calls() is 0.
// Thread-safety: MakeSlot from one thread at a time (the controller, before the slots start).
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <utility>

#include "bench/drivers/driver.h"
#include "bench/engines/engine.h"

namespace streambench::drivers {

class RunDriver {
 public:
  enum class PrepareStatus { kReady, kBadInput, kUnreachable };

  virtual ~RunDriver() = default;
  // The prepare phase, once the target answers and before any slot is made: what the driver
  // must learn first, through `channel` (`target` names it in messages), e.g. a named method's
  // descriptors by server reflection. kBadInput / kUnreachable come with a one-line *error.
  virtual PrepareStatus Prepare(const std::shared_ptr<grpc::Channel>& /*channel*/,
                                const std::string& /*target*/, std::string* /*error*/) {
    return PrepareStatus::kReady;
  }
  // Slot `index` (0 .. connections x streams_per_connection - 1) on `channel`; nullptr with
  // *error when it cannot be made.
  virtual std::unique_ptr<Slot> MakeSlot(int index, std::shared_ptr<engines::Channel> channel,
                                         std::string* error) = 0;
};

// A RunDriver whose slots come from `make_slot(index, channel, error)`; the per-run state is
// what the callable captures.
template <class MakeSlotFn>
class SlotMakerDriver final : public RunDriver {
 public:
  explicit SlotMakerDriver(MakeSlotFn make_slot) : make_slot_(std::move(make_slot)) {}
  std::unique_ptr<Slot> MakeSlot(int index, std::shared_ptr<engines::Channel> channel,
                                 std::string* error) override {
    return make_slot_(index, std::move(channel), error);
  }

 private:
  MakeSlotFn make_slot_;
};

template <class MakeSlotFn>
std::unique_ptr<RunDriver> RunDriverFrom(MakeSlotFn make_slot) {
  return std::make_unique<SlotMakerDriver<MakeSlotFn>>(std::move(make_slot));
}

}  // namespace streambench::drivers
