// StandardTestService: gRPC's standard interop service (grpc.testing.TestService) with the
// semantics of gRPC's interop test descriptions, so any standard interop client of another gRPC
// implementation can drive the reference server. Every method is a callback-API reactor (no thread
// per stream, at most one write in flight, delays via grpc::Alarm callbacks, never a blocked gRPC
// thread). Every method echoes `x-grpc-test-echo-initial` in initial metadata and
// `x-grpc-test-echo-trailing-bin` in trailing metadata. UnimplementedCall is deliberately not
// overridden, so clients get UNIMPLEMENTED.
//
// Requests beyond the BehaviorCaps (a response larger than max_response_bytes, more responses than
// max_response_count, an interval longer than max_duration_us) or malformed (negative sizes or
// intervals) get INVALID_ARGUMENT naming the field. HalfDuplexCall buffers the client's requests
// until it half-closes; that buffer is bounded and a client going beyond it gets
// RESOURCE_EXHAUSTED.
//
// Thread-safety: the service object is immutable after construction and may be shared by all of
// gRPC's threads; each call's state lives in its own reactor.
#pragma once

#include <cstdint>

#include "common/behavior_caps.h"
#include "grpc/testing/empty.pb.h"
#include "grpc/testing/messages.pb.h"
#include "grpc/testing/test.grpc.pb.h"
#include "server/live_calls.h"
#include "server/server_metrics.h"

namespace streambench {

class StandardTestService final : public grpc::testing::TestService::CallbackService {
 public:
  // Default bound on what one HalfDuplexCall may buffer (serialized request bytes).
  static constexpr uint64_t kDefaultMaxHalfDuplexBufferedBytes = 64ull << 20;

  // `metrics` must outlive the service. `caps` bound what one request may ask for;
  // `max_half_duplex_buffered_bytes` bounds the requests one HalfDuplexCall holds before the
  // client half-closes.
  explicit StandardTestService(
      ServerMetrics& metrics, const BehaviorCaps& caps = BehaviorCaps{},
      uint64_t max_half_duplex_buffered_bytes = kDefaultMaxHalfDuplexBufferedBytes);
  // Waits (up to 10 s) for every streaming call's reactor to be deleted; destroy the grpc::Server
  // (which cancels calls) first.
  ~StandardTestService() override;

  // Streaming reactors alive now; back to 0 once every call has ended.
  LiveCalls& live_calls() { return live_calls_; }

  grpc::ServerUnaryReactor* EmptyCall(grpc::CallbackServerContext* context,
                                      const grpc::testing::Empty* request,
                                      grpc::testing::Empty* response) override;
  grpc::ServerUnaryReactor* UnaryCall(grpc::CallbackServerContext* context,
                                      const grpc::testing::SimpleRequest* request,
                                      grpc::testing::SimpleResponse* response) override;
  grpc::ServerUnaryReactor* CacheableUnaryCall(grpc::CallbackServerContext* context,
                                               const grpc::testing::SimpleRequest* request,
                                               grpc::testing::SimpleResponse* response) override;
  grpc::ServerWriteReactor<grpc::testing::StreamingOutputCallResponse>* StreamingOutputCall(
      grpc::CallbackServerContext* context,
      const grpc::testing::StreamingOutputCallRequest* request) override;
  grpc::ServerReadReactor<grpc::testing::StreamingInputCallRequest>* StreamingInputCall(
      grpc::CallbackServerContext* context,
      grpc::testing::StreamingInputCallResponse* response) override;
  grpc::ServerBidiReactor<grpc::testing::StreamingOutputCallRequest,
                          grpc::testing::StreamingOutputCallResponse>*
  FullDuplexCall(grpc::CallbackServerContext* context) override;
  grpc::ServerBidiReactor<grpc::testing::StreamingOutputCallRequest,
                          grpc::testing::StreamingOutputCallResponse>*
  HalfDuplexCall(grpc::CallbackServerContext* context) override;

 private:
  BehaviorCaps caps_;
  uint64_t max_half_duplex_buffered_bytes_;
  // Metric handles resolved once here so a call never looks a method up.
  ServerMetrics::Method& empty_call_metrics_;
  ServerMetrics::Method& unary_call_metrics_;
  ServerMetrics::Method& cacheable_unary_call_metrics_;
  ServerMetrics::Method& streaming_output_call_metrics_;
  ServerMetrics::Method& streaming_input_call_metrics_;
  ServerMetrics::Method& full_duplex_call_metrics_;
  ServerMetrics::Method& half_duplex_call_metrics_;
  LiveCalls live_calls_;
};

}  // namespace streambench
