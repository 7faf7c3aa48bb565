// DescriptorSet: the protobuf descriptors of a user's service, from whichever source the scenario
// names (.proto files, a protoset, server reflection), and the lookup of one method in them.
// The generator drives a method it has no compiled stub for through these descriptors and
// dynamic messages.
// Thread-safety: immutable once made; lookups from any thread.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/descriptor_database.h>

#include <memory>
#include <string>
#include <vector>

namespace streambench::methods {

// Why descriptors could not be had, or a method not found. `kind` tells the CLI which exit code
// fits: a mistake in what the user gave (2) or a target that could not be asked (3).
struct SourceError {
  enum class Kind { kBadInput, kUnreachable };
  Kind kind = Kind::kBadInput;
  std::string message;  // one line, e.g. "protos/chat.proto:12:3: Expected \";\"."
};

// The four gRPC call shapes, from a method's client_streaming / server_streaming flags.
enum class CallShape { kUnary, kServerStream, kClientStream, kBidi };
CallShape ShapeOf(const google::protobuf::MethodDescriptor& method);
const char* CallShapeName(CallShape shape);  // "unary", "server_stream", "client_stream", "bidi"

class DescriptorSet {
 public:
  // Takes the descriptors of `files` (any order: each file is built when first needed, its
  // imports from the same set).
  explicit DescriptorSet(std::vector<google::protobuf::FileDescriptorProto> files);
  DescriptorSet(DescriptorSet&&) noexcept;
  DescriptorSet& operator=(DescriptorSet&&) noexcept;
  ~DescriptorSet();
  // Wraps a pool someone else built (e.g. by protobuf's compiler::Importer) holding `file_names`
  // (and their imports); `owner` keeps whatever the pool needs alive.
  DescriptorSet(const google::protobuf::DescriptorPool* pool, std::vector<std::string> file_names,
                std::shared_ptr<void> owner);

  const google::protobuf::DescriptorPool& pool() const { return *pool_; }

  // Builds every file of the set now (a set made from FileDescriptorProtos builds lazily), so a
  // broken set is reported at load time, where `source` ("reflection at HOST", a protoset's path)
  // names where it came from, rather than as a missing method later. True when all built.
  bool BuildAll(const std::string& source, SourceError* error) const;

  // The method `method` of the fully qualified `service` ("acme.chat.v1.ChatService"). Nullptr
  // with `error` set when either is unknown; the error lists what the descriptors do have (the
  // nearest name first) so a typo is one look away.
  const google::protobuf::MethodDescriptor* FindMethod(const std::string& service,
                                                       const std::string& method,
                                                       SourceError* error) const;

  // Every fully qualified service name in the set's files and their imports, sorted.
  std::vector<std::string> ServiceNames() const;

 private:
  class BuildErrors;

  std::vector<std::string> file_names_;
  std::unique_ptr<BuildErrors> build_errors_;  // what the pool said while building from database_
  std::unique_ptr<google::protobuf::SimpleDescriptorDatabase> database_;
  std::unique_ptr<google::protobuf::DescriptorPool> owned_pool_;
  const google::protobuf::DescriptorPool* pool_ = nullptr;
  std::shared_ptr<void> owner_;
};

}  // namespace streambench::methods
