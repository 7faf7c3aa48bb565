#include "bench/runner/driver_slot_factory.h"

#include <algorithm>
#include <optional>

#include "bench/drivers/driver_registry.h"
#include "bench/drivers/v1_behavior.h"
#include "bench/engines/grpc/grpc_channels.h"
#include "bench/engines/h2/settings_probe.h"
#include "bench/runner/run_engine.h"
#include "bench/runner/stream_layout.h"

namespace streambench::runner {
namespace {

// The probe is one HTTP/2 handshake; a target that takes longer than this to send its settings
// is not held against the run (its layout stays as the scenario wrote it).
constexpr std::chrono::milliseconds kStreamLimitProbeTimeout{2000};

}  // namespace

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
  // The server's stream limit decides how many connections carry the streams; a target that does
  // not answer the probe keeps the scenario's layout and the connect below reports why.
  scenario::Scenario layout_run = run;
  if (run.streams_per_connection > 1 && !addresses.empty()) {
    std::string probe_error;
    const std::optional<engines::h2::PeerSettings> peer = engines::h2::ProbePeerSettings(
        addresses.front(), credentials.tls, std::min(connect_timeout, kStreamLimitProbeTimeout),
        &probe_error);
    const StreamLayout layout = PlanStreamLayout(
        run, peer ? std::optional<uint32_t>(peer->max_concurrent_streams) : std::nullopt);
    layout_run.connections = layout.connections;
    layout_run.streams_per_connection = layout.streams_per_connection;
    out->stream_limit = layout.limit;
  }
  const auto channels =
      ConnectRunChannels(*engine, layout_run, addresses, credentials, connect_timeout, error);
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
  for (uint32_t c = 0; c < layout_run.connections; ++c) {
    for (uint32_t k = 0; k < layout_run.streams_per_connection; ++k) {
      const int index = static_cast<int>(c * layout_run.streams_per_connection + k);
      std::unique_ptr<drivers::Slot> slot = driver->MakeSlot(index, channels[c], error);
      if (slot == nullptr) return SlotsStatus::kUnsupported;
      out->slots.push_back(std::move(slot));
    }
  }
  return SlotsStatus::kMade;
}

}  // namespace streambench::runner
