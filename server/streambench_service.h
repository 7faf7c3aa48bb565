// StreamBenchService: the reference server's own service (streambench.v1.StreamBench), every gRPC
// mode with the behaviour each request asks for (sizes, counts, intervals, delays, failure
// injection, read stalls; see proto/streambench/v1/streambench.proto, which is the spec).
//
// Callback-API reactors throughout: no thread per stream and no blocking on gRPC threads; delays,
// intervals and stalls are grpc::Alarm callbacks, so thousands of concurrent streams cost memory,
// not threads. Each stream has at most one write in flight; bidi echo responses wait in a bounded
// queue and the server stops reading while it is full, so a client that does not read gets
// backpressure rather than growing server memory. A client stream is counted and verified message
// by message, never buffered. A cancelled or vanished client leaves nothing behind: alarms are
// cancelled, and a reactor is deleted in OnDone once no alarm callback can still reach it.
// `x-grpc-test-echo-initial` / `x-grpc-test-echo-trailing-bin` request metadata are echoed as
// initial / trailing metadata, like the interop services.
//
// Thread-safety: the service object is immutable after construction and shared by gRPC's threads;
// each call's state lives in its own reactor, guarded by the reactor's mutex.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "common/behavior_caps.h"
#include "common/payload.h"
#include "server/live_calls.h"
#include "server/server_metrics.h"
#include "streambench/v1/streambench.grpc.pb.h"

namespace streambench {

class StreamBenchService final : public v1::StreamBench::CallbackService {
 public:
  // `metrics` must outlive the service. `caps` bound what one request may ask for;
  // `max_send_message_bytes` is the server's limit on a message it sends (UINT64_MAX = none), so a
  // response that could not be sent is refused up front with INVALID_ARGUMENT.
  StreamBenchService(ServerMetrics& metrics, const BehaviorCaps& caps,
                     uint64_t max_send_message_bytes);
  // Waits (up to 10 s) for every call's reactor to be deleted, so no late alarm callback or
  // reaction can reach a destroyed service. Destroy the grpc::Server (which cancels calls) first.
  ~StreamBenchService() override;

  // Reactors alive now (calls in progress plus finished ones whose OnDone or alarm callbacks are
  // still to run), and a wait for none; tests use it to prove that nothing leaks.
  LiveCalls& live_calls() { return live_calls_; }

  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* context, const v1::Request* request,
                                  v1::Response* response) override;
  grpc::ServerWriteReactor<v1::Response>* ServerStream(grpc::CallbackServerContext* context,
                                                       const v1::Request* request) override;
  grpc::ServerReadReactor<v1::Request>* ClientStream(grpc::CallbackServerContext* context,
                                                     v1::ClientStreamSummary* response) override;
  grpc::ServerBidiReactor<v1::Request, v1::Response>* Bidi(
      grpc::CallbackServerContext* context) override;

  // The full method names, as used for the `method` metric label.
  static constexpr const char* kUnaryMethod = "/streambench.v1.StreamBench/Unary";
  static constexpr const char* kServerStreamMethod = "/streambench.v1.StreamBench/ServerStream";
  static constexpr const char* kClientStreamMethod = "/streambench.v1.StreamBench/ClientStream";
  static constexpr const char* kBidiMethod = "/streambench.v1.StreamBench/Bidi";

 private:
  const BehaviorCaps caps_;
  const uint64_t max_send_message_bytes_;
  // Response payload bytes (sliced per message, never generated per message).
  const PayloadSource payloads_;
  // Metric handles resolved once here so a call never looks a method up.
  ServerMetrics::Method& unary_metrics_;
  ServerMetrics::Method& server_stream_metrics_;
  ServerMetrics::Method& client_stream_metrics_;
  ServerMetrics::Method& bidi_metrics_;

  LiveCalls live_calls_;
  // Calls that asked for integrity faults: streams (their number seeds their RNG) and unary calls
  // (their number is the n of "every nth").
  std::atomic<uint64_t> faulted_streams_{0};
  std::atomic<uint64_t> faulted_unary_calls_{0};
};

}  // namespace streambench
