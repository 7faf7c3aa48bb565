// Names of gRPC status codes as Prometheus labels and logs use them ("OK", "DEADLINE_EXCEEDED").
// Thread-safety: pure functions.
#pragma once

#include <grpcpp/support/status.h>

#include <optional>
#include <string_view>

namespace streambench {

// Number of gRPC status codes (OK = 0 ... UNAUTHENTICATED = 16).
inline constexpr int kStatusCodeCount = 17;

// "OK", "CANCELLED", ...; "UNKNOWN" for a value outside 0..16 (gRPC treats those as UNKNOWN).
const char* StatusCodeName(int code);
inline const char* StatusCodeName(grpc::StatusCode code) {
  return StatusCodeName(static_cast<int>(code));
}

// The code named `name` (exact upper-case name), or nullopt.
std::optional<grpc::StatusCode> StatusCodeFromName(std::string_view name);

}  // namespace streambench
