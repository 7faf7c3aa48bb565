#include "server/common/status_code_names.h"

namespace streambench {
namespace {

// Index == numeric code, as grpc::StatusCode and the gRPC spec number them.
constexpr const char* kNames[kStatusCodeCount] = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
};

}  // namespace

const char* CanonicalStatusCodeName(int code) {
  return code >= 0 && code < kStatusCodeCount ? kNames[code] : nullptr;
}

int StatusCodeFromCanonicalName(std::string_view name) {
  for (int code = 0; code < kStatusCodeCount; ++code) {
    if (name == kNames[code]) return code;
  }
  return -1;
}

}  // namespace streambench
