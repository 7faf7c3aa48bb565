// The grpc engine: the engine interface (bench/engines/engine.h) on gRPC C++'s callback API.
// Each call is one generic bidi call (ByteBuffers: the drivers serialise their messages); each
// channel is a grpc::Channel with its own TCP connection (grpc_channels.h). gRPC runs the
// callbacks on its own threads, reads and writes on different ones. gRPC may run a reaction
// inline, on the thread that started the operation, when the operation completes at once (a
// call that already failed); the engine hands such a reaction to a gRPC timer thread instead, so
// the contract's "never inside a Call method" holds here too.
// Thread-safety: as engine.h.
#pragma once

#include <memory>

#include "bench/engines/engine.h"

namespace streambench::engines::grpc_engine {

std::unique_ptr<Engine> MakeGrpcEngine();

}  // namespace streambench::engines::grpc_engine
