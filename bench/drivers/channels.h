// Channels: the `connections` gRPC channels of a run, each with its own TCP connection, the
// scenario's client transport settings, and its load-balancing policy across several addresses.
// Thread-safety: free functions; the returned channels are thread-safe (gRPC).
#pragma once

#include <grpcpp/channel.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bench/scenario/scenario.h"

namespace streambench::drivers {

// The gRPC target for `addresses`: one address as given; several as "ipv4:a:1,b:2" (gRPC's
// static address list, which the load-balancing policy then spreads over).
std::string ChannelTarget(const std::vector<std::string>& addresses);

// `scenario.connections` insecure channels to `addresses`. Each channel gets a unique argument
// and a local subchannel pool so gRPC does not share one TCP connection between them.
std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const scenario::Scenario& scenario,
                                                         const std::vector<std::string>& addresses);

// Waits until every channel is connected, or `timeout` passes. On failure returns false with
// *error = "cannot reach TARGET: ...".
bool WaitForChannels(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                     const std::string& target, std::chrono::milliseconds timeout,
                     std::string* error);

}  // namespace streambench::drivers
