#include "bench/runner/run_engine.h"

#include <algorithm>

#include "bench/engines/grpc/grpc_channels.h"
#include "bench/engines/grpc/grpc_engine.h"
#include "bench/engines/h2/h2_engine.h"
#include "bench/runner/target_probe.h"
#include "bench/tls/tls_diagnosis.h"

namespace streambench::runner {
namespace {

// How long a TLS connection may take before the runner looks for a reason it cannot succeed.
constexpr int kTlsFirstLookMs = 500;
// How long the look at a plaintext target that did not connect may wait for its answer.
constexpr std::chrono::milliseconds kPlaintextProbeTimeout{1000};

}  // namespace

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
  const std::string target = engines::grpc_engine::ChannelTarget(addresses);
  for (const auto& channel : channels) {
    std::string why;
    if (credentials.tls.enabled) {
      // Over TLS, a connection still missing after a short while gets one handshake of our own:
      // the engine knows only that it failed, and a certificate problem will not pass by waiting.
      const auto first_look = std::min(
          deadline, std::chrono::system_clock::now() + std::chrono::milliseconds(kTlsFirstLookMs));
      if (channel->WaitForConnected(first_look, &why)) continue;
      const tls::TlsDiagnosis diagnosis =
          tls::DiagnoseTlsFailure(target, credentials.tls, std::chrono::milliseconds(2000));
      if (diagnosis.kind == tls::TlsDiagnosis::Kind::kTls) {
        *error = "cannot reach " + target + " over TLS: " + diagnosis.cause;
        return {};
      }
    }
    if (!channel->WaitForConnected(deadline, &why)) {
      *error = "cannot reach " + target + ": not connected within " +
               std::to_string(timeout.count()) + " ms (" + why + ")";
      // Over plaintext, one look of our own names a target that is not a gRPC server.
      const auto index = static_cast<size_t>(&channel - channels.data());
      const std::string cause =
          credentials.tls.enabled || addresses.empty()
              ? ""
              : ProbeNonGrpcTarget(addresses[index % addresses.size()], kPlaintextProbeTimeout);
      if (!cause.empty()) *error += ": " + cause;
      return {};
    }
  }
  return channels;
}

}  // namespace streambench::runner
