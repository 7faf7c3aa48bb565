// WorldSlot: the base of a fan-out workload's slot (subscribe, chat). Every slot of a run shares
// one `World` (the run's subscribers / publishers or rooms / members, made by the run's driver);
// each slot has its own channel and the list of its calls. Concrete slots
// add Start, Submit and Stop.
// Internal to the drivers module.
// Thread-safety: as Slot (driver.h); the world guards itself.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "bench/drivers/call_base.h"
#include "bench/drivers/driver.h"
#include "bench/drivers/run_driver.h"
#include "bench/drivers/workload_drivers.h"
#include "bench/engines/engine.h"

namespace streambench::drivers {

template <typename World>
class WorldSlot : public Slot {
 public:
  // Public so concrete slots inherit it (`using WorldSlot::WorldSlot`); the class is abstract.
  WorldSlot(DriverContext& dc, std::shared_ptr<engines::Channel> channel, int index,
            std::shared_ptr<World> world)
      : dc_(dc), channel_(std::move(channel)), world_(std::move(world)), index_(index) {}

  void CancelAll() override { calls_.CancelAll(); }

 protected:
  DriverContext& dc_;
  std::shared_ptr<engines::Channel> channel_;
  std::shared_ptr<World> world_;
  const int index_;  // the slot's index in the run (slot 0 closes the world at Stop)
  CallList calls_;
};

// The run's driver of a fan-out workload: the run's world, made now as
// World(scenario, start_ns) and owned by the driver; each slot a
// WorldSlotType(dc, channel, index, world).
template <class WorldSlotType, class World>
std::unique_ptr<RunDriver> MakeWorldDriver(DriverContext& dc) {
  auto world = std::make_shared<World>(dc.scenario(), dc.clock().NowNs());
  return RunDriverFrom([&dc, world](int index, std::shared_ptr<engines::Channel> channel,
                                    std::string* /*error*/) -> std::unique_ptr<Slot> {
    return std::make_unique<WorldSlotType>(dc, channel, index, world);
  });
}

}  // namespace streambench::drivers
