#include "server/status_code_name.h"

namespace streambench {
namespace {

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

const char* StatusCodeName(int code) {
  return code >= 0 && code < kStatusCodeCount ? kNames[code] : "UNKNOWN";
}

std::optional<grpc::StatusCode> StatusCodeFromName(std::string_view name) {
  for (int code = 0; code < kStatusCodeCount; ++code) {
    if (name == kNames[code]) return static_cast<grpc::StatusCode>(code);
  }
  return std::nullopt;
}

}  // namespace streambench
