// SlotFactory: how a run gets its slots (bench/drivers/driver.h), one per stream slot
// (connections x streams_per_connection), connected to the run's target. An interface so the
// phase logic can run on fake slots, and so the run controller depends on the drivers through
// one small adapter (driver_slot_factory.h).
// Thread-safety: implementations may be called by several concurrent runs at once.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bench/drivers/driver.h"
#include "bench/report/result.h"
#include "bench/scenario/scenario.h"

namespace streambench::runner {

// The slots of one run and whatever per-run state their driver keeps. The controller keeps it
// until the drain is over (and leaks it when calls outlive every timeout).
struct RunSlots {
  // The run's engine (engine.h), destroyed after everything that uses it.
  std::shared_ptr<void> engine;
  // Per-run state of the driver the slots refer to (may be empty); declared first so that it is
  // destroyed after the slots.
  std::shared_ptr<void> driver_state;
  std::vector<std::unique_ptr<drivers::Slot>> slots;
  // The server's limit on concurrent streams per connection, when the slots' layout was above it
  // (server_max_concurrent_streams 0 = it did not bind, or was not known).
  report::StreamLimitResult stream_limit;

  // The slots without ownership, in order (what the phases drive).
  std::vector<drivers::Slot*> Pointers() const {
    std::vector<drivers::Slot*> out;
    out.reserve(slots.size());
    for (const std::unique_ptr<drivers::Slot>& slot : slots) out.push_back(slot.get());
    return out;
  }
};

// Why MakeSlots failed.
enum class SlotsStatus {
  kMade,
  kUnreachable,  // the target did not answer within the connect timeout: the run could not run
  kUnsupported,  // no driver for the scenario, or its settings cannot be expressed: bad input
};

class SlotFactory {
 public:
  virtual ~SlotFactory() = default;
  // Whether `run` can be driven as written (a driver for its service and mode, settings it can
  // express). Cheap and without side effects: called for every run before any starts.
  virtual bool Check(const scenario::Scenario& run, std::string* error) const = 0;
  // Connects to `addresses` (waiting up to `connect_timeout`) and makes the run's slots with
  // `context` (which outlives them). Anything but kMade comes with a one-line *error.
  virtual SlotsStatus MakeSlots(drivers::DriverContext& context,
                                const std::vector<std::string>& addresses,
                                std::chrono::milliseconds connect_timeout, RunSlots* out,
                                std::string* error) = 0;
};

}  // namespace streambench::runner
