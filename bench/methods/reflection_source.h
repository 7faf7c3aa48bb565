// Descriptors from the target itself, by gRPC server reflection: grpc.reflection.v1 first, then
// grpc.reflection.v1alpha (what gRPC C++ before 1.54 and many deployed servers offer). The
// reflection messages are handled as dynamic messages too, so this client links no generated
// reflection code and cannot clash with a server library's copy in the same process.
// Thread-safety: free function; each call is independent and blocks until done or timed out.
#pragma once

#include <grpcpp/channel.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bench/methods/descriptor_set.h"

namespace streambench::methods {

struct ReflectionQuery {
  std::shared_ptr<grpc::Channel> channel;
  std::string target;  // for messages only, e.g. "127.0.0.1:50051"
  // Sent with every reflection call: real servers keep reflection behind the same auth.
  std::vector<std::pair<std::string, std::string>> metadata;
  // The services whose files (and their imports) are fetched; fully qualified names.
  std::vector<std::string> services;
  std::chrono::milliseconds timeout{10000};  // for the whole exchange, per protocol version
};

// The files defining `query.services` and everything they import. Errors: the target could not
// be reached or offers no reflection (kUnreachable, naming every version tried and its status), a
// service it does not know (kBadInput, listing the services it has), an answer that does not
// parse or build.
std::optional<DescriptorSet> LoadByReflection(const ReflectionQuery& query, SourceError* error);

}  // namespace streambench::methods
