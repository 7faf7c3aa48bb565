// TokenAuth: the check behind `--require-token`: a call whose `authorization` metadata is not
// "Bearer <token>" ends UNAUTHENTICATED before any service sees it, and is counted in
// streambench_server_unauthenticated_calls_total. A gRPC AuthMetadataProcessor, so it runs on
// TLS servers only: gRPC C++ attaches processors to secure credentials alone, and a token sent
// over plaintext would be readable on the way anyway (server_flags refuses the combination).
// Thread-safety: Process may run on several threads at once.
#pragma once

#include <grpcpp/security/auth_metadata_processor.h>

#include <string>

#include "server/server_metrics.h"

namespace streambench {

class TokenAuth final : public grpc::AuthMetadataProcessor {
 public:
  // `token` is the secret itself; `metrics` must outlive this object.
  TokenAuth(std::string token, ServerMetrics* metrics)
      : expected_("Bearer " + token), metrics_(metrics) {}

  // Cheap and never blocks: gRPC may run it on its own thread.
  bool IsBlocking() const override { return false; }

  grpc::Status Process(const InputMetadata& auth_metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

 private:
  const std::string expected_;
  ServerMetrics* const metrics_;
};

}  // namespace streambench
