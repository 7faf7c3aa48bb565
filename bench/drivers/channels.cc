#include "bench/drivers/channels.h"

#include <grpc/grpc.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "common/transport_channel_args.h"

namespace streambench::drivers {
namespace {

const char* StateName(grpc_connectivity_state state) {
  switch (state) {
    case GRPC_CHANNEL_IDLE:
      return "IDLE";
    case GRPC_CHANNEL_CONNECTING:
      return "CONNECTING";
    case GRPC_CHANNEL_READY:
      return "READY";
    case GRPC_CHANNEL_TRANSIENT_FAILURE:
      return "TRANSIENT_FAILURE";
    case GRPC_CHANNEL_SHUTDOWN:
      return "SHUTDOWN";
  }
  return "UNKNOWN";
}

}  // namespace

std::string ChannelTarget(const std::vector<std::string>& addresses) {
  if (addresses.size() == 1) return addresses[0];
  std::string target = "ipv4:";
  for (size_t i = 0; i < addresses.size(); ++i) {
    if (i > 0) target += ",";
    target += addresses[i];
  }
  return target;
}

std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(
    const scenario::Scenario& scenario, const std::vector<std::string>& addresses) {
  const std::string target = ChannelTarget(addresses);
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (uint32_t i = 0; i < scenario.connections; ++i) {
    grpc::ChannelArguments args;
    ApplyToChannelArguments(scenario.transport, args);
    // Without these, channels with equal arguments share a subchannel (one TCP connection).
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("streambench.channel_index", static_cast<int>(i));
    // gRPC's own reconnect backoff (1 s growing to 120 s by default) would keep a restarted
    // server unused for minutes; match the slots' backoff (reconnect_backoff.h) instead.
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    if (scenario.target.load_balancing == scenario::LoadBalancing::kRoundRobin) {
      args.SetServiceConfigJSON(R"({"loadBalancingConfig":[{"round_robin":{}}]})");
    }
    channels.push_back(grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
  }
  return channels;
}

bool WaitForChannels(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                     const std::string& target, std::chrono::milliseconds timeout,
                     std::string* error) {
  const auto deadline = std::chrono::system_clock::now() + timeout;
  for (const auto& channel : channels) {
    if (!channel->WaitForConnected(deadline)) {
      *error = "cannot reach " + target + ": not connected within " +
               std::to_string(timeout.count()) + " ms (channel state " +
               StateName(channel->GetState(false)) + ")";
      return false;
    }
  }
  return true;
}

}  // namespace streambench::drivers
