// The one table of gRPC status code names ("OK", "CANCELLED", ... "UNAUTHENTICATED"), by number.
// It lives here, without any gRPC dependency, so the server (server/status_code_name.h wraps it
// for grpc::StatusCode), the generator's report and the scenario validator (both built without
// gRPC in the standalone fuzz build) all read the same names.
// Thread-safety: pure functions over immutable data.
#pragma once

#include <string_view>

namespace streambench {

// Number of gRPC status codes (OK = 0 ... UNAUTHENTICATED = 16).
inline constexpr int kStatusCodeCount = 17;

// The canonical name of `code` for 0..16, nullptr for any other value: callers choose their own
// fallback (the server labels such codes "UNKNOWN", as gRPC treats them; the report keeps the
// number, "CODE_<n>").
const char* CanonicalStatusCodeName(int code);

// The code whose canonical name is exactly `name` (case-sensitive, like gRPC's), or -1.
int StatusCodeFromCanonicalName(std::string_view name);

}  // namespace streambench
