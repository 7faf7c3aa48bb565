// The one table of gRPC status code names ("OK", "CANCELLED", ... "UNAUTHENTICATED"), by number,
// and the one convention for codes outside it, for every output of the server and the generator
// (results JSON, console, CSV, gate metric names, Prometheus labels, scenario validation).
//
// Out-of-range codes (a misbehaving peer may send any integer):
//   - StatusCodeName names them "CODE_<n>", keeping the number, so a name never loses information
//     (the results JSON, console and gate use it as is);
//   - where a code must be one of the 17 (counters indexed by code, Prometheus labels), callers
//     first map it with StatusCodeOrUnknown to UNKNOWN, as gRPC itself reads such a code.
// No gRPC dependency: the standalone fuzz build links it.
// Thread-safety: all functions are safe to call from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace streambench {

// Number of gRPC status codes (OK = 0 ... UNAUTHENTICATED = 16).
inline constexpr int kStatusCodeCount = 17;
// gRPC's UNKNOWN, which any code outside 0..16 is read as.
inline constexpr int kStatusCodeUnknown = 2;

// Whether `code` is one of gRPC's 17 codes (0..16).
constexpr bool IsStatusCodeInRange(int code) { return code >= 0 && code < kStatusCodeCount; }

// `code` if in range, else UNKNOWN (2).
constexpr int StatusCodeOrUnknown(int code) {
  return IsStatusCodeInRange(code) ? code : kStatusCodeUnknown;
}

// "OK", "CANCELLED", ... for 0..16; "CODE_<n>" for any other value. The pointer stays valid for
// the life of the process.
const char* StatusCodeName(int code);

// The code whose canonical name is exactly `name` (case-sensitive, like gRPC's), or -1 (also for
// "CODE_<n>": only the 17 names are accepted as input).
int StatusCodeFromName(std::string_view name);

// The 17 canonical names in code order (index == code), e.g. for "did you mean" suggestions.
const std::vector<std::string>& StatusCodeNames();

}  // namespace streambench
