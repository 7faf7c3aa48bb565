// Helpers shared by the standard interop and benchmark services (StandardTestService,
// StandardBenchmarkService): zero-filled payloads, and the checks that turn a request beyond the
// BehaviorCaps or malformed into INVALID_ARGUMENT naming the field (the metadata echo is in
// server/test_metadata_echo.h).
// Thread-safety: free functions without shared state; safe from any thread.
#pragma once

#include <google/protobuf/repeated_field.h>
#include <grpcpp/support/status.h>

#include <cstdint>
#include <string>

#include "common/behavior_caps.h"
#include "grpc/testing/messages.pb.h"

namespace streambench::interop {

// Sets `payload` to `size_bytes` zero bytes of type COMPRESSABLE (what interop clients check).
void FillZeroPayload(int64_t size_bytes, grpc::testing::Payload* payload);

// OK when 0 <= size_bytes <= caps.max_response_bytes, else INVALID_ARGUMENT naming `field`.
grpc::Status CheckResponseSize(const std::string& field, int64_t size_bytes,
                               const BehaviorCaps& caps);

// OK when 0 <= interval_us <= caps.max_duration_us, else INVALID_ARGUMENT naming `field`.
grpc::Status CheckIntervalUs(const std::string& field, int64_t interval_us,
                             const BehaviorCaps& caps);

// Checks every entry's size and interval, the number of entries against max_response_count and the
// sum of intervals against max_duration_us.
grpc::Status CheckResponseParameters(
    const google::protobuf::RepeatedPtrField<grpc::testing::ResponseParameters>& parameters,
    const BehaviorCaps& caps);

// True when the request asks for a non-OK final status (code != 0).
bool WantsEchoedStatus(const grpc::testing::EchoStatus& status);

// OK for code 0..16, else INVALID_ARGUMENT (a status outside gRPC's codes cannot be echoed).
grpc::Status CheckEchoStatus(const grpc::testing::EchoStatus& status);

// The status the client asked for: code and message unchanged (message bytes are passed through
// untouched, so whitespace and non-ASCII survive).
grpc::Status EchoedStatus(const grpc::testing::EchoStatus& status);

}  // namespace streambench::interop
