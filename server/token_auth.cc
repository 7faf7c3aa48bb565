#include "server/token_auth.h"

namespace streambench {
namespace {

// Compares in time that depends on the length only, so the time taken does not tell a caller how
// much of a guessed token was right.
bool EqualInConstantTime(grpc::string_ref a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    difference |= static_cast<unsigned char>(a.data()[i] ^ b[i]);
  }
  return difference == 0;
}

}  // namespace

grpc::Status TokenAuth::Process(const InputMetadata& auth_metadata, grpc::AuthContext* /*context*/,
                                OutputMetadata* consumed_auth_metadata,
                                OutputMetadata* /*response_metadata*/) {
  const auto found = auth_metadata.find("authorization");
  const bool ok = found != auth_metadata.end() && EqualInConstantTime(found->second, expected_);
  if (!ok) {
    metrics_->CallUnauthenticated();
    // The message names no token: neither the expected one nor what was sent.
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, found == auth_metadata.end()
                                                               ? "missing bearer token"
                                                               : "wrong bearer token");
  }
  // Consumed: the services never see the secret.
  consumed_auth_metadata->insert(
      {"authorization", std::string(found->second.data(), found->second.size())});
  return grpc::Status::OK;
}

}  // namespace streambench
