#include "bench/runner/driver_slot_factory.h"

#include "bench/drivers/driver_registry.h"
#include "bench/drivers/v1_behavior.h"
#include "bench/engines/grpc/grpc_channels.h"
#include "bench/runner/run_engine.h"

namespace streambench::runner {

bool DriverSlotFactory::Check(const scenario::Scenario& run, std::string* error) const {
  if (!drivers::IsSupported(run, error)) return false;
  // The streambench.v1 drivers put server_behavior into every call's first request; one that
  // cannot be expressed (an unknown status name) would otherwise fail only once slots are made.
  const bool v1_calls = run.target.service == scenario::TargetService::kStreambenchV1 &&
                        !scenario::IsWorkloadMode(run.mode);
  streambench::v1::Behavior behavior;
  return !v1_calls || drivers::BuildV1Behavior(run.behavior, run.seed, &behavior, error);
}

SlotsStatus DriverSlotFactory::MakeSlots(drivers::DriverContext& context,
                                         const std::vector<std::string>& addresses,
                                         std::chrono::milliseconds connect_timeout, RunSlots* out,
                                         std::string* error) {
  const scenario::Scenario& run = context.scenario();
  // The engine outlives the slots and their calls (RunSlots destroys it last).
  std::shared_ptr<engines::Engine> engine = MakeRunEngine(run, error);
  if (engine == nullptr) return SlotsStatus::kUnsupported;
  out->engine = engine;
  RunCredentials credentials;  // the key and token files, read once for every channel
  if (!LoadRunCredentials(run, &credentials, error)) return SlotsStatus::kUnreachable;
  const auto channels =
      ConnectRunChannels(*engine, run, addresses, credentials, connect_timeout, error);
  if (channels.empty()) return SlotsStatus::kUnreachable;
  // One driver per run: it makes the slots and owns the state they share, so it outlives them.
  std::shared_ptr<drivers::RunDriver> driver = drivers::MakeRunDriver(context, error);
  if (driver == nullptr) return SlotsStatus::kUnsupported;
  // What the driver must learn first (a method's descriptors by reflection) it asks over a gRPC
  // channel of its own, whatever the run's engine: it connects only if used.
  const std::shared_ptr<grpc::Channel> prepare_channel =
      engines::grpc_engine::MakeGrpcChannel(RunChannelOptions(run, addresses, 0, credentials));
  switch (driver->Prepare(prepare_channel, engines::grpc_engine::ChannelTarget(addresses), error)) {
    case drivers::RunDriver::PrepareStatus::kReady:
      break;
    case drivers::RunDriver::PrepareStatus::kBadInput:
      return SlotsStatus::kUnsupported;
    case drivers::RunDriver::PrepareStatus::kUnreachable:
      return SlotsStatus::kUnreachable;
  }
  out->driver_state = driver;
  for (uint32_t c = 0; c < run.connections; ++c) {
    for (uint32_t k = 0; k < run.streams_per_connection; ++k) {
      const int index = static_cast<int>(c * run.streams_per_connection + k);
      std::unique_ptr<drivers::Slot> slot = driver->MakeSlot(index, channels[c], error);
      if (slot == nullptr) return SlotsStatus::kUnsupported;
      out->slots.push_back(std::move(slot));
    }
  }
  return SlotsStatus::kMade;
}

}  // namespace streambench::runner
