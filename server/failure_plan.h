// FailurePlan: what a call's FailureInjection resolves to, decided once at the start of the call
// (the probability is drawn then, with a thread-local RNG, so no lock and no shared state).
// Thread-safety: PlanFailure is thread-safe; a FailurePlan is a plain value owned by one call.
#pragma once

#include <grpcpp/support/status.h>

#include <cstdint>
#include <string>

#include "streambench/v1/streambench.pb.h"

namespace streambench {

struct FailurePlan {
  bool active = false;  // this call fails
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;
  // Fail once this many messages have gone by (responses sent for server_stream; requests
  // received for client_stream and bidi); 0 = at the start, before any message.
  uint64_t after_messages = 0;

  // True when the failure fires now, `messages` messages having gone by.
  bool FiresAt(uint64_t messages) const { return active && messages >= after_messages; }
  grpc::Status status() const { return grpc::Status(code, message); }
};

// Resolves `failure` (already validated) for one call. code 0 = no failure. probability 0 means
// "not given": every call fails (as the scenario's FailureSpec documents); otherwise a call fails
// with that probability. `uniform01` (for tests) replaces the draw when >= 0.
FailurePlan PlanFailure(const v1::FailureInjection& failure, double uniform01 = -1.0);

}  // namespace streambench
