// MetadataRecordingServer: a gRPC server on an ephemeral loopback port with one generic service
// that records the request metadata of every call (as gRPC C++ hands it to a server: keys lower
// case, "-bin" values decoded), reads the call's messages until the client half-closes and ends it
// OK with no response. The reference server echoes test metadata only in headers the engine
// interface does not expose, so this is how a test sees what an engine put on the wire.
// Thread-safety: all methods are thread-safe.
#pragma once

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/server.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace streambench::engines::testing {

class MetadataRecordingServer {
 public:
  using RecordedMetadata = std::multimap<std::string, std::string>;

  // nullptr with *error set when the server cannot listen.
  static std::unique_ptr<MetadataRecordingServer> Start(std::string* error);
  ~MetadataRecordingServer();

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // The metadata of each call started so far, in the order the calls arrived.
  std::vector<RecordedMetadata> calls() const;

 private:
  class RecordingService final : public grpc::CallbackGenericService {
   public:
    explicit RecordingService(MetadataRecordingServer* owner) : owner_(owner) {}
    grpc::ServerGenericBidiReactor* CreateReactor(
        grpc::GenericCallbackServerContext* context) override;

   private:
    MetadataRecordingServer* const owner_;
  };

  MetadataRecordingServer() : service_(this) {}

  RecordingService service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  mutable std::mutex mu_;
  std::vector<RecordedMetadata> calls_;  // guarded by mu_
};

}  // namespace streambench::engines::testing
