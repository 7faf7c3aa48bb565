#include "bench/runner/run_engine.h"

#include "bench/engines/grpc/grpc_channels.h"
#include "bench/engines/grpc/grpc_engine.h"
#include "bench/engines/h2/h2_engine.h"

namespace streambench::runner {

std::unique_ptr<engines::Engine> MakeRunEngine(const scenario::Scenario& run, std::string* error) {
  switch (run.engine) {
    case scenario::EngineKind::kGrpc:
      return engines::grpc_engine::MakeGrpcEngine();
    case scenario::EngineKind::kH2:
      // One event loop per core (at most one per connection), like gRPC's own threads.
      return engines::h2::MakeH2Engine(engines::h2::H2EngineOptions{});
  }
  *error = run.source_path + ": unknown engine";
  return nullptr;
}

engines::ChannelOptions RunChannelOptions(const scenario::Scenario& run,
                                          const std::vector<std::string>& addresses, int index) {
  engines::ChannelOptions options;
  options.addresses = addresses;
  options.round_robin = run.target.load_balancing == scenario::LoadBalancing::kRoundRobin;
  options.index = index;
  options.transport = run.transport;
  return options;
}

std::vector<std::shared_ptr<engines::Channel>> ConnectRunChannels(
    engines::Engine& engine, const scenario::Scenario& run,
    const std::vector<std::string>& addresses, std::chrono::milliseconds timeout,
    std::string* error) {
  std::vector<std::shared_ptr<engines::Channel>> channels;
  for (uint32_t i = 0; i < run.connections; ++i) {
    channels.push_back(engine.MakeChannel(RunChannelOptions(run, addresses, static_cast<int>(i))));
  }
  const auto deadline = std::chrono::system_clock::now() + timeout;
  for (const auto& channel : channels) {
    std::string why;
    if (!channel->WaitForConnected(deadline, &why)) {
      *error = "cannot reach " + engines::grpc_engine::ChannelTarget(addresses) +
               ": not connected within " + std::to_string(timeout.count()) + " ms (" + why + ")";
      return {};
    }
  }
  return channels;
}

}  // namespace streambench::runner
