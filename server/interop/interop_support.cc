#include "server/interop/interop_support.h"

#include <string>

namespace streambench::interop {

void FillZeroPayload(int64_t size_bytes, grpc::testing::Payload* payload) {
  payload->set_type(grpc::testing::COMPRESSABLE);
  payload->mutable_body()->assign(static_cast<size_t>(size_bytes > 0 ? size_bytes : 0), '\0');
}

grpc::Status CheckResponseSize(const std::string& field, int64_t size_bytes,
                               const BehaviorCaps& caps) {
  if (size_bytes < 0) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        field + " must not be negative (got " + std::to_string(size_bytes) + ")");
  }
  if (static_cast<uint64_t>(size_bytes) > caps.max_response_bytes) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        field + " " + std::to_string(size_bytes) +
                            " bytes is above the server's cap of " +
                            std::to_string(caps.max_response_bytes) + " bytes");
  }
  return grpc::Status::OK;
}

grpc::Status CheckIntervalUs(const std::string& field, int64_t interval_us,
                             const BehaviorCaps& caps) {
  if (interval_us < 0) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        field + " must not be negative (got " + std::to_string(interval_us) + ")");
  }
  if (interval_us > caps.max_duration_us) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        field + " " + std::to_string(interval_us) +
                            " us is above the server's cap of " +
                            std::to_string(caps.max_duration_us) + " us");
  }
  return grpc::Status::OK;
}

grpc::Status CheckResponseParameters(
    const google::protobuf::RepeatedPtrField<grpc::testing::ResponseParameters>& parameters,
    const BehaviorCaps& caps) {
  if (static_cast<uint64_t>(parameters.size()) > caps.max_response_count) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "response_parameters asks for " + std::to_string(parameters.size()) +
                            " responses, above the server's cap of " +
                            std::to_string(caps.max_response_count));
  }
  int64_t total_interval_us = 0;
  for (int i = 0; i < parameters.size(); ++i) {
    const std::string prefix = "response_parameters[" + std::to_string(i) + "].";
    grpc::Status status = CheckResponseSize(prefix + "size", parameters[i].size(), caps);
    if (!status.ok()) return status;
    status = CheckIntervalUs(prefix + "interval_us", parameters[i].interval_us(), caps);
    if (!status.ok()) return status;
    total_interval_us += parameters[i].interval_us();
  }
  if (total_interval_us > caps.max_duration_us) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "response_parameters intervals add up to " +
                            std::to_string(total_interval_us) + " us, above the server's cap of " +
                            std::to_string(caps.max_duration_us) + " us");
  }
  return grpc::Status::OK;
}

bool WantsEchoedStatus(const grpc::testing::EchoStatus& status) { return status.code() != 0; }

grpc::Status CheckEchoStatus(const grpc::testing::EchoStatus& status) {
  if (status.code() < 0 || status.code() > grpc::StatusCode::UNAUTHENTICATED) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "response_status.code " + std::to_string(status.code()) +
                            " is not a gRPC status code (0..16)");
  }
  return grpc::Status::OK;
}

grpc::Status EchoedStatus(const grpc::testing::EchoStatus& status) {
  if (status.code() == 0) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), status.message());
}

}  // namespace streambench::interop
