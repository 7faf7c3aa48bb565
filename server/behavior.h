// Validation of the behaviour a streambench.v1 request asks of the server, against BehaviorCaps
// and the server's max send message size, so a malformed or excessive request is refused with
// INVALID_ARGUMENT (naming the field and why) before the server allocates or waits anything.
// Thread-safety: pure function.
#pragma once

#include <grpcpp/support/status.h>

#include <cstdint>

#include "common/behavior_caps.h"
#include "streambench/v1/streambench.pb.h"

namespace streambench {

// Bytes a Response adds around its payload (tags, varints, fixed32), rounded up: a response of
// response_size_bytes must fit in max_send_message_bytes together with this.
inline constexpr uint64_t kResponseOverheadBytes = 96;

// OK, or INVALID_ARGUMENT with a message such as
// "behavior.response_size_bytes=33554432 exceeds the cap 16777216 (--max-response-bytes)".
// `max_send_message_bytes`: the server's limit on one message it sends (UINT64_MAX = none).
grpc::Status ValidateBehavior(const v1::Behavior& behavior, const BehaviorCaps& caps,
                              uint64_t max_send_message_bytes);

}  // namespace streambench
