// WorldSlot: the base of a fan-out workload's slot (subscribe, chat). Every slot of a run shares
// one `World` (the run's subscribers / publishers or rooms / members, created by the first slot);
// each slot has its own Workloads stub on its channel and the list of its calls. Concrete slots
// add Start, Submit and Stop.
// `World`: constructible as World(const scenario::Scenario&, int64_t start_ns).
// Internal to the drivers module.
// Thread-safety: as Slot (driver.h); the world guards itself.
#pragma once

#include <grpcpp/channel.h>

#include <cstdint>
#include <memory>

#include "bench/drivers/call_base.h"
#include "bench/drivers/driver.h"
#include "bench/drivers/workload_drivers.h"
#include "streambench/v1/workloads.grpc.pb.h"

namespace streambench::drivers {

template <typename World>
class WorldSlot : public Slot {
 public:
  void CancelAll() override { calls_.CancelAll(); }

 protected:
  WorldSlot(DriverContext& dc, const std::shared_ptr<grpc::Channel>& channel, int index)
      : dc_(dc),
        stub_(streambench::v1::Workloads::NewStub(channel)),
        world_(RunShared<World>(
            dc, [&] { return std::make_shared<World>(dc.scenario(), dc.clock().NowNs()); })),
        index_(index) {}

  DriverContext& dc_;
  std::unique_ptr<streambench::v1::Workloads::Stub> stub_;
  std::shared_ptr<World> world_;
  const int index_;  // the slot's index in the run (slot 0 closes the world at Stop)
  CallList calls_;
};

}  // namespace streambench::drivers
