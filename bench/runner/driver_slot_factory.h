// DriverSlotFactory: the production SlotFactory, a thin adapter over the drivers' API
// (bench/drivers: driver.h, driver_registry.h, v1_behavior.h) and the run's engine
// (run_engine.h). The one place the run controller calls the drivers to make slots.
// Thread-safety: stateless; safe from any number of runs at once.
#pragma once

#include "bench/runner/slot_factory.h"

namespace streambench::runner {

class DriverSlotFactory final : public SlotFactory {
 public:
  bool Check(const scenario::Scenario& run, std::string* error) const override;
  SlotsStatus MakeSlots(drivers::DriverContext& context, const std::vector<std::string>& addresses,
                        std::chrono::milliseconds connect_timeout, RunSlots* out,
                        std::string* error) override;
};

}  // namespace streambench::runner
