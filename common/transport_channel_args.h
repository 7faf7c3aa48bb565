// TransportSettings applied to gRPC: to a server being built and to a client channel's arguments.
// Both go through one mapping, so a setting given to the reference server (flags) and to the
// generator's channels (a scenario's `transport`) means the same HTTP/2 or gRPC argument.
// Thread-safety: pure functions (they modify only the builder or arguments passed in).
#pragma once

#include "common/transport_settings.h"

namespace grpc {
class ServerBuilder;
class ChannelArguments;
}  // namespace grpc

namespace streambench {

// Applies the settings to a server being built.
void ApplyToServerBuilder(const TransportSettings& settings, grpc::ServerBuilder& builder);
// Applies the settings to a client channel's arguments.
void ApplyToChannelArguments(const TransportSettings& settings, grpc::ChannelArguments& args);

}  // namespace streambench
