#include "tests/bench/engines/metadata_recording_server.h"

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

namespace streambench::engines::testing {
namespace {

// Reads until the half-close, then ends the call OK; deletes itself when gRPC is done with it.
class DrainingReactor final : public grpc::ServerGenericBidiReactor {
 public:
  DrainingReactor() { StartRead(&request_); }
  void OnReadDone(bool ok) override {
    if (ok) {
      StartRead(&request_);
    } else {
      Finish(grpc::Status::OK);
    }
  }
  void OnDone() override { delete this; }

 private:
  grpc::ByteBuffer request_;
};

}  // namespace

grpc::ServerGenericBidiReactor* MetadataRecordingServer::RecordingService::CreateReactor(
    grpc::GenericCallbackServerContext* context) {
  RecordedMetadata metadata;
  for (const auto& [key, value] : context->client_metadata()) {
    metadata.emplace(std::string(key.data(), key.size()), std::string(value.data(), value.size()));
  }
  {
    std::lock_guard<std::mutex> lock(owner_->mu_);
    owner_->calls_.push_back(std::move(metadata));
  }
  return new DrainingReactor();
}

std::unique_ptr<MetadataRecordingServer> MetadataRecordingServer::Start(std::string* error) {
  std::unique_ptr<MetadataRecordingServer> server(new MetadataRecordingServer());
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &server->port_);
  builder.RegisterCallbackGenericService(&server->service_);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    *error = "the metadata recording server cannot listen on 127.0.0.1";
    return nullptr;
  }
  return server;
}

MetadataRecordingServer::~MetadataRecordingServer() {
  if (server_ != nullptr) server_->Shutdown();
}

std::vector<MetadataRecordingServer::RecordedMetadata> MetadataRecordingServer::calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

}  // namespace streambench::engines::testing
