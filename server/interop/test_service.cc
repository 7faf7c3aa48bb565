#include "server/interop/test_service.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "common/clock.h"
#include "server/interop/interop_support.h"
#include "server/lifecycle_reactor.h"
#include "server/test_metadata_echo.h"

namespace streambench {
namespace {

using grpc::testing::StreamingInputCallRequest;
using grpc::testing::StreamingInputCallResponse;
using grpc::testing::StreamingOutputCallRequest;
using grpc::testing::StreamingOutputCallResponse;

constexpr char kServiceName[] = "/grpc.testing.TestService/";

// Finishes a unary call on the context's default reactor and counts it.
grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* context,
                                      ServerMetrics::Method& metrics, grpc::Status status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  metrics.CallFinished(status.error_code());
  reactor->Finish(std::move(status));
  return reactor;
}

// Validates one StreamingOutputCallRequest against the caps.
grpc::Status CheckOutputRequest(const StreamingOutputCallRequest& request,
                                const BehaviorCaps& caps) {
  grpc::Status status = interop::CheckEchoStatus(request.response_status());
  if (!status.ok()) return status;
  return interop::CheckResponseParameters(request.response_parameters(), caps);
}

// Writes the responses a StreamingOutputCallRequest's response_parameters ask for, one at a time
// (at most one write in flight), waiting interval_us on the lifecycle's alarm before each so no
// gRPC thread ever sleeps. `GrpcReactor` is a ServerWriteReactor or ServerBidiReactor of
// StreamingOutputCallResponse. mu_ guards the state, since reactions and the alarm's callback may
// run on different threads.
template <class GrpcReactor>
class ResponseStreamer : public LifecycleReactor<ResponseStreamer<GrpcReactor>, GrpcReactor, 1> {
  using Lifecycle = LifecycleReactor<ResponseStreamer<GrpcReactor>, GrpcReactor, 1>;

 public:
  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(this->mu_);
    if (!this->TimedWriteDoneLocked(ok) || this->finished_) return;
    this->metrics_.MessageSent(response_.payload().body().size());
    ++next_parameter_;
    ContinueLocked();
  }

 protected:
  ResponseStreamer(grpc::CallbackServerContext* context, ServerMetrics::Method& metrics,
                   LiveCalls& live_calls, const BehaviorCaps& caps)
      : Lifecycle(metrics, live_calls), caps_(caps) {
    EchoTestMetadata(context);
  }

  // Called with mu_ held once every response `request` asked for has been written.
  virtual void OnRequestServedLocked(const StreamingOutputCallRequest& request) = 0;

  // Starts writing the responses of `request`, which must stay valid until
  // OnRequestServedLocked(request). Requires mu_.
  void ServeLocked(const StreamingOutputCallRequest* request) {
    serving_ = request;
    next_parameter_ = 0;
    ContinueLocked();
  }

  const BehaviorCaps& caps_;  // the service's, which outlives its reactors

 private:
  friend Lifecycle;  // calls OnAlarmLocked
  static constexpr int kIntervalAlarm = 0;

  void ContinueLocked() {
    if (next_parameter_ == serving_->response_parameters_size()) {
      const StreamingOutputCallRequest* served = serving_;
      serving_ = nullptr;
      OnRequestServedLocked(*served);
      return;
    }
    const int64_t interval_us = serving_->response_parameters(next_parameter_).interval_us();
    if (interval_us <= 0) {
      WriteLocked();
      return;
    }
    this->ArmInLocked(kIntervalAlarm, interval_us * 1000);
  }

  void OnAlarmLocked(int /*slot*/) { WriteLocked(); }

  void WriteLocked() {
    interop::FillZeroPayload(serving_->response_parameters(next_parameter_).size(),
                             response_.mutable_payload());
    this->StartTimedWriteLocked(&response_);
  }

  const StreamingOutputCallRequest* serving_ = nullptr;  // guarded by mu_
  int next_parameter_ = 0;                               // guarded by mu_
  StreamingOutputCallResponse response_;                 // the one write in flight
};

// StreamingOutputCall: the responses of the one request, then its response_status.
class StreamingOutputReactor final
    : public ResponseStreamer<grpc::ServerWriteReactor<StreamingOutputCallResponse>> {
 public:
  StreamingOutputReactor(grpc::CallbackServerContext* context,
                         const StreamingOutputCallRequest* request, ServerMetrics::Method& metrics,
                         LiveCalls& live_calls, const BehaviorCaps& caps)
      : ResponseStreamer(context, metrics, live_calls, caps) {
    std::lock_guard<std::mutex> lock(mu_);
    metrics_.MessageReceived(request->payload().body().size());
    grpc::Status status = CheckOutputRequest(*request, caps_);
    if (!status.ok()) {
      FinishLocked(std::move(status));
      return;
    }
    ServeLocked(request);  // `request` is owned by gRPC and valid until OnDone.
  }

 private:
  void OnRequestServedLocked(const StreamingOutputCallRequest& request) override {
    FinishLocked(interop::EchoedStatus(request.response_status()));
  }
};

// FullDuplexCall and HalfDuplexCall. Full duplex serves each request as it arrives and reads the
// next one only when its responses are written, so a fast client meets HTTP/2 flow control rather
// than a growing server buffer. Half duplex buffers requests (bounded) until the client
// half-closes, then serves them in order.
class DuplexReactor final
    : public ResponseStreamer<
          grpc::ServerBidiReactor<StreamingOutputCallRequest, StreamingOutputCallResponse>> {
 public:
  DuplexReactor(grpc::CallbackServerContext* context, ServerMetrics::Method& metrics,
                LiveCalls& live_calls, const BehaviorCaps& caps, bool half_duplex,
                uint64_t max_buffered_bytes)
      : ResponseStreamer(context, metrics, live_calls, caps),
        half_duplex_(half_duplex),
        max_buffered_bytes_(max_buffered_bytes) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    if (!ok) {  // the client half-closed (a cancellation has finished the call already)
      if (half_duplex_) {
        ServeNextBufferedLocked();
      } else {
        FinishLocked(grpc::Status::OK);
      }
      return;
    }
    metrics_.MessageReceived(request_.payload().body().size());
    grpc::Status status = CheckOutputRequest(request_, caps_);
    if (status.ok()) {
      responses_requested_ += static_cast<uint64_t>(request_.response_parameters_size());
      if (responses_requested_ > caps_.max_response_count) {
        status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                              "response_parameters over the stream ask for " +
                                  std::to_string(responses_requested_) +
                                  " responses, above the server's cap of " +
                                  std::to_string(caps_.max_response_count));
      }
    }
    if (!status.ok()) {
      FinishLocked(std::move(status));
      return;
    }
    if (!half_duplex_) {
      ServeLocked(&request_);
      return;
    }
    buffered_bytes_ += request_.ByteSizeLong();
    if (buffered_bytes_ > max_buffered_bytes_) {
      FinishLocked(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                "HalfDuplexCall buffers requests until the client half-closes; "
                                "they exceeded the server's cap of " +
                                    std::to_string(max_buffered_bytes_) + " bytes"));
      return;
    }
    buffered_.push_back(std::move(request_));
    request_.Clear();
    StartRead(&request_);
  }

 private:
  void OnRequestServedLocked(const StreamingOutputCallRequest& request) override {
    if (interop::WantsEchoedStatus(request.response_status())) {
      FinishLocked(interop::EchoedStatus(request.response_status()));
      return;
    }
    if (half_duplex_) {
      buffered_.pop_front();  // `request` is buffered_.front(); not used after this
      ServeNextBufferedLocked();
    } else {
      StartRead(&request_);
    }
  }

  void ServeNextBufferedLocked() {
    if (buffered_.empty()) {
      FinishLocked(grpc::Status::OK);
    } else {
      ServeLocked(&buffered_.front());
    }
  }

  const bool half_duplex_;
  const uint64_t max_buffered_bytes_;
  StreamingOutputCallRequest request_;               // target of the one read in flight
  std::deque<StreamingOutputCallRequest> buffered_;  // half duplex only; guarded by mu_
  uint64_t buffered_bytes_ = 0;                      // serialized size of buffered_
  uint64_t responses_requested_ = 0;                 // over the whole stream
};

// StreamingInputCall: sums the payload sizes of every request; answers when the client
// half-closes. Keeps only the running sum, never the stream.
class StreamingInputReactor final
    : public LifecycleReactor<StreamingInputReactor,
                              grpc::ServerReadReactor<StreamingInputCallRequest>> {
 public:
  StreamingInputReactor(grpc::CallbackServerContext* context, StreamingInputCallResponse* response,
                        ServerMetrics::Method& metrics, LiveCalls& live_calls)
      : LifecycleReactor(metrics, live_calls), response_(response) {
    EchoTestMetadata(context);
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    if (!ok) {  // half-close (a cancellation has finished the call already)
      response_->set_aggregated_payload_size(static_cast<int32_t>(total_bytes_));
      FinishLocked(grpc::Status::OK);
      return;
    }
    const uint64_t bytes = request_.payload().body().size();
    metrics_.MessageReceived(bytes);
    total_bytes_ += bytes;
    if (total_bytes_ > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
      FinishLocked(grpc::Status(
          grpc::StatusCode::OUT_OF_RANGE,
          "aggregated_payload_size is an int32; the stream's payloads exceed 2^31-1 bytes"));
      return;
    }
    StartRead(&request_);
  }

 private:
  StreamingInputCallResponse* response_;
  StreamingInputCallRequest request_;
  uint64_t total_bytes_ = 0;
};

}  // namespace

StandardTestService::StandardTestService(ServerMetrics& metrics, const BehaviorCaps& caps,
                                         uint64_t max_half_duplex_buffered_bytes)
    : caps_(caps),
      max_half_duplex_buffered_bytes_(max_half_duplex_buffered_bytes),
      empty_call_metrics_(metrics.ForMethod(std::string(kServiceName) + "EmptyCall")),
      unary_call_metrics_(metrics.ForMethod(std::string(kServiceName) + "UnaryCall")),
      cacheable_unary_call_metrics_(
          metrics.ForMethod(std::string(kServiceName) + "CacheableUnaryCall")),
      streaming_output_call_metrics_(
          metrics.ForMethod(std::string(kServiceName) + "StreamingOutputCall")),
      streaming_input_call_metrics_(
          metrics.ForMethod(std::string(kServiceName) + "StreamingInputCall")),
      full_duplex_call_metrics_(metrics.ForMethod(std::string(kServiceName) + "FullDuplexCall")),
      half_duplex_call_metrics_(metrics.ForMethod(std::string(kServiceName) + "HalfDuplexCall")) {}

StandardTestService::~StandardTestService() { live_calls_.WaitUntilIdle(std::chrono::seconds(10)); }

grpc::ServerUnaryReactor* StandardTestService::EmptyCall(grpc::CallbackServerContext* context,
                                                         const grpc::testing::Empty* /*request*/,
                                                         grpc::testing::Empty* /*response*/) {
  empty_call_metrics_.CallStarted();
  EchoTestMetadata(context);
  empty_call_metrics_.MessageReceived(0);
  empty_call_metrics_.MessageSent(0);
  return FinishUnary(context, empty_call_metrics_, grpc::Status::OK);
}

namespace {

// UnaryCall and CacheableUnaryCall: a zero-filled payload of response_size bytes, or the
// response_status the client asked for.
grpc::ServerUnaryReactor* AnswerSimpleRequest(grpc::CallbackServerContext* context,
                                              const grpc::testing::SimpleRequest& request,
                                              grpc::testing::SimpleResponse* response,
                                              ServerMetrics::Method& metrics,
                                              const BehaviorCaps& caps) {
  metrics.CallStarted();
  EchoTestMetadata(context);
  metrics.MessageReceived(request.payload().body().size());
  grpc::Status status = interop::CheckEchoStatus(request.response_status());
  if (status.ok())
    status = interop::CheckResponseSize("response_size", request.response_size(), caps);
  if (!status.ok()) return FinishUnary(context, metrics, std::move(status));
  if (request.has_response_compressed()) {
    context->set_compression_level(request.response_compressed().value()
                                       ? GRPC_COMPRESS_LEVEL_HIGH
                                       : GRPC_COMPRESS_LEVEL_NONE);
  }
  if (interop::WantsEchoedStatus(request.response_status())) {
    return FinishUnary(context, metrics, interop::EchoedStatus(request.response_status()));
  }
  interop::FillZeroPayload(request.response_size(), response->mutable_payload());
  metrics.MessageSent(response->payload().body().size());
  return FinishUnary(context, metrics, grpc::Status::OK);
}

}  // namespace

grpc::ServerUnaryReactor* StandardTestService::UnaryCall(
    grpc::CallbackServerContext* context, const grpc::testing::SimpleRequest* request,
    grpc::testing::SimpleResponse* response) {
  return AnswerSimpleRequest(context, *request, response, unary_call_metrics_, caps_);
}

grpc::ServerUnaryReactor* StandardTestService::CacheableUnaryCall(
    grpc::CallbackServerContext* context, const grpc::testing::SimpleRequest* request,
    grpc::testing::SimpleResponse* response) {
  // Lets a caching proxy between client and server serve the response (the interop
  // cacheable_unary case); the response itself is UnaryCall's.
  context->AddInitialMetadata("cache-control", "max-age=60, public");
  return AnswerSimpleRequest(context, *request, response, cacheable_unary_call_metrics_, caps_);
}

grpc::ServerWriteReactor<StreamingOutputCallResponse>* StandardTestService::StreamingOutputCall(
    grpc::CallbackServerContext* context, const StreamingOutputCallRequest* request) {
  return new StreamingOutputReactor(context, request, streaming_output_call_metrics_, live_calls_,
                                    caps_);
}

grpc::ServerReadReactor<StreamingInputCallRequest>* StandardTestService::StreamingInputCall(
    grpc::CallbackServerContext* context, StreamingInputCallResponse* response) {
  return new StreamingInputReactor(context, response, streaming_input_call_metrics_, live_calls_);
}

grpc::ServerBidiReactor<StreamingOutputCallRequest, StreamingOutputCallResponse>*
StandardTestService::FullDuplexCall(grpc::CallbackServerContext* context) {
  return new DuplexReactor(context, full_duplex_call_metrics_, live_calls_, caps_,
                           /*half_duplex=*/false, max_half_duplex_buffered_bytes_);
}

grpc::ServerBidiReactor<StreamingOutputCallRequest, StreamingOutputCallResponse>*
StandardTestService::HalfDuplexCall(grpc::CallbackServerContext* context) {
  return new DuplexReactor(context, half_duplex_call_metrics_, live_calls_, caps_,
                           /*half_duplex=*/true, max_half_duplex_buffered_bytes_);
}

}  // namespace streambench
