#include "server/behavior.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace streambench {
namespace {

grpc::Status Invalid(const std::string& message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
}

std::string ExceedsCap(const char* field, uint64_t value, uint64_t cap, const char* flag) {
  return "behavior." + std::string(field) + "=" + std::to_string(value) + " exceeds the cap " +
         std::to_string(cap) + " (" + flag + ")";
}

}  // namespace

grpc::Status ValidateBehavior(const v1::Behavior& b, const BehaviorCaps& caps,
                              uint64_t max_send_message_bytes) {
  if (b.response_size_bytes() > caps.max_response_bytes) {
    return Invalid(ExceedsCap("response_size_bytes", b.response_size_bytes(),
                              caps.max_response_bytes, "--max-response-bytes"));
  }
  if (max_send_message_bytes < kResponseOverheadBytes ||
      b.response_size_bytes() > max_send_message_bytes - kResponseOverheadBytes) {
    return Invalid("behavior.response_size_bytes=" + std::to_string(b.response_size_bytes()) +
                   " does not fit in the server's max send message size " +
                   std::to_string(max_send_message_bytes) + " bytes (--max-send-message)");
  }
  if (b.response_count() > caps.max_response_count) {
    return Invalid(ExceedsCap("response_count", b.response_count(), caps.max_response_count,
                              "--max-response-count"));
  }

  // Every single wait, then the whole stream of responses, must stay within max_duration_us.
  const uint64_t max_us =
      caps.max_duration_us > 0 ? static_cast<uint64_t>(caps.max_duration_us) : 0;
  struct Wait {
    const char* field;
    uint64_t value_us;
  };
  const Wait waits[] = {
      {"response_interval_us", b.response_interval_us()},
      {"first_response_delay_us", b.first_response_delay_us()},
      {"response_delay_us", b.response_delay_us()},
      {"read_stall.duration_us", b.read_stall().duration_us()},
  };
  for (const Wait& wait : waits) {
    if (wait.value_us > max_us) {
      return Invalid(ExceedsCap(wait.field, wait.value_us, max_us, "--max-duration"));
    }
  }
  // Overflow-safe: count * interval + first delay, compared without computing past max_us.
  const uint64_t budget_us = max_us - b.first_response_delay_us();
  if (b.response_interval_us() > 0 && b.response_count() > budget_us / b.response_interval_us()) {
    return Invalid("behavior.response_count*response_interval_us (" +
                   std::to_string(b.response_count()) + " * " +
                   std::to_string(b.response_interval_us()) + " us, plus first_response_delay_us " +
                   std::to_string(b.first_response_delay_us()) + ") exceeds the cap " +
                   std::to_string(max_us) + " us (--max-duration)");
  }

  if (!v1::Behavior::BidiMode_IsValid(b.bidi_mode())) {
    return Invalid("behavior.bidi_mode=" + std::to_string(b.bidi_mode()) +
                   " is not ECHO (0) or INDEPENDENT (1)");
  }

  const v1::FailureInjection& f = b.failure();
  if (f.code() < 0 || f.code() > 16) {
    return Invalid("behavior.failure.code=" + std::to_string(f.code()) +
                   " is not a gRPC status code (1..16; 0 = no failure)");
  }
  if (!(f.probability() >= 0.0 && f.probability() <= 1.0)) {  // also refuses NaN
    char value[32];
    std::snprintf(value, sizeof(value), "%g", f.probability());
    return Invalid("behavior.failure.probability=" + std::string(value) + " must be in [0,1]");
  }
  // The message travels in the grpc-message trailer, which gRPC caps with the metadata size
  // (8 KiB by default); a longer one would turn the injected status into an INTERNAL error.
  constexpr size_t kMaxFailureMessageBytes = 4096;
  if (f.message().size() > kMaxFailureMessageBytes) {
    return Invalid("behavior.failure.message is " + std::to_string(f.message().size()) +
                   " bytes, more than " + std::to_string(kMaxFailureMessageBytes));
  }
  return grpc::Status::OK;
}

}  // namespace streambench
