#include "bench/runner/run_engine.h"

#include "bench/engines/grpc/grpc_channels.h"
#include "bench/engines/grpc/grpc_engine.h"
#include "bench/engines/h2/h2_engine.h"
#include "bench/tls/tls_diagnosis.h"

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
                                          const std::vector<std::string>& addresses, int index,
                                          const RunCredentials& credentials) {
  engines::ChannelOptions options;
  options.addresses = addresses;
  options.round_robin = run.target.load_balancing == scenario::LoadBalancing::kRoundRobin;
  options.index = index;
  options.transport = run.transport;
  options.tls = credentials.tls;
  options.bearer_token = credentials.bearer_token;
  return options;
}

std::vector<std::shared_ptr<engines::Channel>> ConnectRunChannels(
    engines::Engine& engine, const scenario::Scenario& run,
    const std::vector<std::string>& addresses, const RunCredentials& credentials,
    std::chrono::milliseconds timeout, std::string* error) {
  std::vector<std::shared_ptr<engines::Channel>> channels;
  for (uint32_t i = 0; i < run.connections; ++i) {
    channels.push_back(
        engine.MakeChannel(RunChannelOptions(run, addresses, static_cast<int>(i), credentials)));
  }
  const auto deadline = std::chrono::system_clock::now() + timeout;
  for (const auto& channel : channels) {
    std::string why;
    if (!channel->WaitForConnected(deadline, &why)) {
      const std::string target = engines::grpc_engine::ChannelTarget(addresses);
      if (credentials.tls.enabled) {
        // The engine knows only that the connection failed; one handshake of our own says why.
        const std::string cause =
            tls::DiagnoseTlsFailure(target, credentials.tls, std::chrono::milliseconds(2000));
        if (!cause.empty()) {
          *error = "cannot reach " + target + " over TLS: " + cause;
          return {};
        }
      }
      *error = "cannot reach " + target + ": not connected within " +
               std::to_string(timeout.count()) + " ms (" + why + ")";
      return {};
    }
  }
  return channels;
}

}  // namespace streambench::runner
