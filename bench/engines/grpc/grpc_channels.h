// gRPC channels for a run's connections: the scenario's client transport settings, one TCP
// connection per channel, the load-balancing policy across several addresses, and gRPC's
// reconnect backoff matched to the drivers'. The grpc engine's channels are these; the run's
// prepare phase (server reflection) uses one too, whichever engine the run uses.
// Thread-safety: free functions; the returned channels are thread-safe (gRPC).
#pragma once

#include <grpcpp/channel.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bench/engines/engine.h"

namespace streambench::engines::grpc_engine {

// The gRPC target for `addresses`: one address as given; several as "ipv4:a:1,b:2" (gRPC's
// static address list, which the load-balancing policy then spreads over).
std::string ChannelTarget(const std::vector<std::string>& addresses);

// A channel for `options`: plaintext, or TLS as `options.tls` says, with the bearer token on every
// call when there is one. Channels of different `index` never share a TCP connection.
std::shared_ptr<grpc::Channel> MakeGrpcChannel(const ChannelOptions& options);

// "IDLE", "CONNECTING", "READY", "TRANSIENT_FAILURE" or "SHUTDOWN".
const char* ChannelStateName(const grpc::Channel& channel);

}  // namespace streambench::engines::grpc_engine
