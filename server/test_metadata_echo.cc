#include "server/test_metadata_echo.h"

#include <string>

namespace streambench {

void EchoTestMetadata(grpc::CallbackServerContext* context) {
  const auto& client_metadata = context->client_metadata();
  auto it = client_metadata.find(kEchoInitialMetadataKey);
  if (it != client_metadata.end()) {
    context->AddInitialMetadata(kEchoInitialMetadataKey,
                                std::string(it->second.data(), it->second.size()));
  }
  it = client_metadata.find(kEchoTrailingBinMetadataKey);
  if (it != client_metadata.end()) {
    // Binary ("-bin") values arrive decoded; AddTrailingMetadata re-encodes them.
    context->AddTrailingMetadata(kEchoTrailingBinMetadataKey,
                                 std::string(it->second.data(), it->second.size()));
  }
}

}  // namespace streambench
