#include "bench/engines/grpc/grpc_channels.h"

#include <grpc/grpc.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "common/transport_channel_args.h"

namespace streambench::engines::grpc_engine {

std::string ChannelTarget(const std::vector<std::string>& addresses) {
  if (addresses.size() == 1) return addresses[0];
  std::string target = "ipv4:";
  for (size_t i = 0; i < addresses.size(); ++i) {
    if (i > 0) target += ",";
    target += addresses[i];
  }
  return target;
}

std::shared_ptr<grpc::Channel> MakeGrpcChannel(const ChannelOptions& options) {
  grpc::ChannelArguments args;
  ApplyToChannelArguments(options.transport, args);
  // Without these, channels with equal arguments share a subchannel (one TCP connection).
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt("streambench.channel_index", options.index);
  // gRPC's own reconnect backoff (1 s growing to 120 s by default) would keep a restarted
  // server unused for minutes; match the slots' backoff (bench/drivers/reconnect_backoff.h).
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  if (options.round_robin) {
    args.SetServiceConfigJSON(R"({"loadBalancingConfig":[{"round_robin":{}}]})");
  }
  return grpc::CreateCustomChannel(ChannelTarget(options.addresses),
                                   grpc::InsecureChannelCredentials(), args);
}

const char* ChannelStateName(const grpc::Channel& channel) {
  switch (const_cast<grpc::Channel&>(channel).GetState(/*try_to_connect=*/false)) {
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

}  // namespace streambench::engines::grpc_engine
