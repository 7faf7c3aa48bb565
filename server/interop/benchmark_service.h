// StandardBenchmarkService: gRPC's standard qps benchmark service (grpc.testing.BenchmarkService)
// with the semantics of gRPC's qps server, so gRPC's own benchmark clients (and streambench's
// drivers) can load the reference server:
//   UnaryCall           one SimpleResponse with a payload of response_size bytes;
//   StreamingCall       ping-pong, one response per request;
//   StreamingFromClient reads every request, one response when the client half-closes;
//   StreamingFromServer after the one request, responses back-to-back until the client cancels;
//   StreamingBothWays   responses written continuously while requests are read and discarded,
//                       until the client half-closes or cancels.
// A response_size that is negative or above BehaviorCaps::max_response_bytes gets INVALID_ARGUMENT
// naming the field. Callback-API reactors throughout: no thread per stream, at most one write in
// flight, the shared reactor lifecycle (server/lifecycle_reactor.h). Metadata is echoed as in
// StandardTestService.
//
// Thread-safety: the service object is immutable after construction and may be shared by all of
// gRPC's threads; each call's state lives in its own reactor.
#pragma once

#include "common/behavior_caps.h"
#include "grpc/testing/benchmark_service.grpc.pb.h"
#include "grpc/testing/messages.pb.h"
#include "server/live_calls.h"
#include "server/server_metrics.h"

namespace streambench {

class StandardBenchmarkService final : public grpc::testing::BenchmarkService::CallbackService {
 public:
  // `metrics` must outlive the service.
  StandardBenchmarkService(ServerMetrics& metrics, const BehaviorCaps& caps);
  // Waits (up to 10 s) for every streaming call's reactor to be deleted; destroy the grpc::Server
  // (which cancels calls) first.
  ~StandardBenchmarkService() override;

  // Streaming reactors alive now; back to 0 once every call has ended.
  LiveCalls& live_calls() { return live_calls_; }

  grpc::ServerUnaryReactor* UnaryCall(grpc::CallbackServerContext* context,
                                      const grpc::testing::SimpleRequest* request,
                                      grpc::testing::SimpleResponse* response) override;
  grpc::ServerBidiReactor<grpc::testing::SimpleRequest, grpc::testing::SimpleResponse>*
  StreamingCall(grpc::CallbackServerContext* context) override;
  grpc::ServerReadReactor<grpc::testing::SimpleRequest>* StreamingFromClient(
      grpc::CallbackServerContext* context, grpc::testing::SimpleResponse* response) override;
  grpc::ServerWriteReactor<grpc::testing::SimpleResponse>* StreamingFromServer(
      grpc::CallbackServerContext* context, const grpc::testing::SimpleRequest* request) override;
  grpc::ServerBidiReactor<grpc::testing::SimpleRequest, grpc::testing::SimpleResponse>*
  StreamingBothWays(grpc::CallbackServerContext* context) override;

 private:
  BehaviorCaps caps_;
  // Metric handles resolved once here so a call never looks a method up.
  ServerMetrics::Method& unary_call_metrics_;
  ServerMetrics::Method& streaming_call_metrics_;
  ServerMetrics::Method& streaming_from_client_metrics_;
  ServerMetrics::Method& streaming_from_server_metrics_;
  ServerMetrics::Method& streaming_both_ways_metrics_;
  LiveCalls live_calls_;
};

}  // namespace streambench
