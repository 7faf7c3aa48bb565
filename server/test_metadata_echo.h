// The metadata echo of gRPC's interop tests, which every service of the reference server honours:
// `x-grpc-test-echo-initial` comes back in the initial metadata and
// `x-grpc-test-echo-trailing-bin` (binary) in the trailing metadata.
// Thread-safety: a free function without shared state; call it from the call's reactor.
#pragma once

#include <grpcpp/server_context.h>

namespace streambench {

inline constexpr char kEchoInitialMetadataKey[] = "x-grpc-test-echo-initial";
inline constexpr char kEchoTrailingBinMetadataKey[] = "x-grpc-test-echo-trailing-bin";

// Adds the echoed metadata to `context`. Must be called before initial metadata is sent (i.e. when
// the reactor is created).
void EchoTestMetadata(grpc::CallbackServerContext* context);

}  // namespace streambench
