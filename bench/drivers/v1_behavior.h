// Conversion of a scenario's server_behavior into the streambench.v1 Behavior message that the
// first request of every call or stream carries.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "bench/scenario/scenario.h"
#include "streambench/v1/streambench.pb.h"

namespace streambench::drivers {

// gRPC status code for a name ("UNAVAILABLE"), or -1.
int StatusCodeForName(const std::string& name);

// False with *error naming the key when the behaviour cannot be expressed (unknown status name).
bool BuildV1Behavior(const scenario::BehaviorSpec& spec, streambench::v1::Behavior* out,
                     std::string* error);

}  // namespace streambench::drivers
