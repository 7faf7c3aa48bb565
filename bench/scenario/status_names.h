// The canonical gRPC status code names ("OK", "CANCELLED", ... "UNAUTHENTICATED"), used to
// validate `expect.statuses` and `server_behavior.failure.code`.
// Thread-safety: immutable data.
#pragma once

#include <string>
#include <vector>

namespace streambench::scenario {

// All 17 names, in code order (index == numeric code).
const std::vector<std::string>& StatusNames();
// The numeric code for a canonical name, or -1.
int StatusCodeFromName(const std::string& name);

}  // namespace streambench::scenario
