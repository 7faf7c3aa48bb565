// Names of gRPC status codes as Prometheus labels and logs use them ("OK", "DEADLINE_EXCEEDED"),
// for grpc::StatusCode: thin wrappers over the one table in server/common/status_code_names.h.
// Thread-safety: pure functions.
#pragma once

#include <grpcpp/support/status.h>

#include <optional>
#include <string_view>

#include "server/common/status_code_names.h"

namespace streambench {

// "OK", "CANCELLED", ...; "UNKNOWN" for a value outside 0..16 (gRPC treats those as UNKNOWN).
inline const char* StatusCodeName(int code) {
  const char* name = CanonicalStatusCodeName(code);
  return name != nullptr ? name : "UNKNOWN";
}
inline const char* StatusCodeName(grpc::StatusCode code) {
  return StatusCodeName(static_cast<int>(code));
}

// The code named `name` (exact upper-case name), or nullopt.
inline std::optional<grpc::StatusCode> StatusCodeFromName(std::string_view name) {
  const int code = StatusCodeFromCanonicalName(name);
  if (code < 0) return std::nullopt;
  return static_cast<grpc::StatusCode>(code);
}

}  // namespace streambench
