#include "server/interop/test_service.h"

#include <grpcpp/alarm.h>

#include <atomic>
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
// (at most one write in flight), waiting interval_us on a grpc::Alarm before each so no gRPC
// thread ever sleeps. `Base` is a ServerWriteReactor or ServerBidiReactor of
// StreamingOutputCallResponse. All state is guarded by mu_ because reactions (and the alarm's
// callback) may run on different threads. Invariant: at most one of {read, write, alarm} is
// outstanding, and Finish is only called when no alarm is pending, so OnDone (which deletes the
// reactor) never races an alarm callback.
template <class Base>
class ResponseStreamer : public Base {
 public:
  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    metrics_.WriteCompleted(SteadyNowNs() - write_started_ns_);
    if (!ok || cancelled_) {
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "the client went away mid-stream"));
      return;
    }
    metrics_.MessageSent(response_.payload().body().size());
    ++next_parameter_;
    ContinueLocked();
  }

  void OnCancel() override {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    // The alarm's callback then runs with ok=false and finishes the call; a pending read or write
    // fails by itself and its reaction finishes the call.
    if (alarm_pending_) alarm_->Cancel();
  }

  void OnDone() override {
    metrics_.CallFinished(finish_code_);
    delete this;
  }

 protected:
  ResponseStreamer(grpc::CallbackServerContext* context, ServerMetrics::Method& metrics,
                   const BehaviorCaps& caps)
      : metrics_(metrics), caps_(caps) {
    metrics_.CallStarted();
    interop::EchoTestMetadata(context);
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

  // Finishes the call once; later calls are ignored. Requires mu_ and no pending alarm.
  void FinishLocked(grpc::Status status) {
    if (finished_) return;
    finished_ = true;
    finish_code_ = status.error_code();
    this->Finish(std::move(status));
  }

  std::mutex mu_;
  bool cancelled_ = false;  // guarded by mu_
  bool finished_ = false;   // guarded by mu_
  ServerMetrics::Method& metrics_;
  const BehaviorCaps caps_;

 private:
  void ContinueLocked() {
    if (cancelled_) {
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client"));
      return;
    }
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
    // A fresh Alarm per wait: an Alarm is set once; destroying a fired one is safe.
    alarm_ = std::make_unique<grpc::Alarm>();
    alarm_pending_ = true;
    alarm_->Set(std::chrono::system_clock::now() + std::chrono::microseconds(interval_us),
                [this](bool ok) { OnAlarm(ok); });
  }

  void OnAlarm(bool ok) {
    bool finish = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      alarm_pending_ = false;
      if (ok && !cancelled_) {
        WriteLocked();
      } else {
        finish = !finished_;
        finished_ = true;
        finish_code_ = grpc::StatusCode::CANCELLED;
      }
    }
    // Finish outside the lock and touch nothing afterwards: once Finish is called OnDone may
    // delete this reactor on another thread (gRPC does not wait for alarm callbacks).
    if (finish) {
      this->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client"));
    }
  }

  void WriteLocked() {
    interop::FillZeroPayload(serving_->response_parameters(next_parameter_).size(),
                             response_.mutable_payload());
    write_started_ns_ = SteadyNowNs();
    this->StartWrite(&response_);
  }

  const StreamingOutputCallRequest* serving_ = nullptr;  // guarded by mu_
  int next_parameter_ = 0;                               // guarded by mu_
  StreamingOutputCallResponse response_;                 // the one write in flight
  int64_t write_started_ns_ = 0;
  std::unique_ptr<grpc::Alarm> alarm_;
  bool alarm_pending_ = false;  // guarded by mu_
  grpc::StatusCode finish_code_ = grpc::StatusCode::UNKNOWN;
};

// StreamingOutputCall: the responses of the one request, then its response_status.
class StreamingOutputReactor final
    : public ResponseStreamer<grpc::ServerWriteReactor<StreamingOutputCallResponse>> {
 public:
  StreamingOutputReactor(grpc::CallbackServerContext* context,
                         const StreamingOutputCallRequest* request, ServerMetrics::Method& metrics,
                         const BehaviorCaps& caps)
      : ResponseStreamer(context, metrics, caps) {
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
                const BehaviorCaps& caps, bool half_duplex, uint64_t max_buffered_bytes)
      : ResponseStreamer(context, metrics, caps),
        half_duplex_(half_duplex),
        max_buffered_bytes_(max_buffered_bytes) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!ok) {  // the client half-closed, or the call is over
      if (cancelled_) {
        FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client"));
      } else if (half_duplex_) {
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
class StreamingInputReactor final : public grpc::ServerReadReactor<StreamingInputCallRequest> {
 public:
  StreamingInputReactor(grpc::CallbackServerContext* context, StreamingInputCallResponse* response,
                        ServerMetrics::Method& metrics)
      : response_(response), metrics_(metrics) {
    metrics_.CallStarted();
    interop::EchoTestMetadata(context);
    StartRead(&request_);
  }

  // Only one read is ever outstanding, so reactions other than OnCancel never overlap.
  void OnReadDone(bool ok) override {
    if (!ok) {
      if (cancelled_.load()) {
        FinishWith(grpc::StatusCode::CANCELLED, "cancelled by the client");
        return;
      }
      response_->set_aggregated_payload_size(static_cast<int32_t>(total_bytes_));
      FinishWith(grpc::StatusCode::OK, "");
      return;
    }
    const uint64_t bytes = request_.payload().body().size();
    metrics_.MessageReceived(bytes);
    total_bytes_ += bytes;
    if (total_bytes_ > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
      FinishWith(grpc::StatusCode::OUT_OF_RANGE,
                 "aggregated_payload_size is an int32; the stream's payloads exceed 2^31-1 bytes");
      return;
    }
    StartRead(&request_);
  }

  void OnCancel() override { cancelled_.store(true); }

  void OnDone() override {
    metrics_.CallFinished(finish_code_);
    delete this;
  }

 private:
  void FinishWith(grpc::StatusCode code, const std::string& message) {
    finish_code_ = code;
    Finish(grpc::Status(code, message));
  }

  StreamingInputCallResponse* response_;
  ServerMetrics::Method& metrics_;
  StreamingInputCallRequest request_;
  uint64_t total_bytes_ = 0;
  std::atomic<bool> cancelled_{false};
  grpc::StatusCode finish_code_ = grpc::StatusCode::UNKNOWN;
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

grpc::ServerUnaryReactor* StandardTestService::EmptyCall(grpc::CallbackServerContext* context,
                                                         const grpc::testing::Empty* /*request*/,
                                                         grpc::testing::Empty* /*response*/) {
  empty_call_metrics_.CallStarted();
  interop::EchoTestMetadata(context);
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
  interop::EchoTestMetadata(context);
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
  return new StreamingOutputReactor(context, request, streaming_output_call_metrics_, caps_);
}

grpc::ServerReadReactor<StreamingInputCallRequest>* StandardTestService::StreamingInputCall(
    grpc::CallbackServerContext* context, StreamingInputCallResponse* response) {
  return new StreamingInputReactor(context, response, streaming_input_call_metrics_);
}

grpc::ServerBidiReactor<StreamingOutputCallRequest, StreamingOutputCallResponse>*
StandardTestService::FullDuplexCall(grpc::CallbackServerContext* context) {
  return new DuplexReactor(context, full_duplex_call_metrics_, caps_, /*half_duplex=*/false,
                           max_half_duplex_buffered_bytes_);
}

grpc::ServerBidiReactor<StreamingOutputCallRequest, StreamingOutputCallResponse>*
StandardTestService::HalfDuplexCall(grpc::CallbackServerContext* context) {
  return new DuplexReactor(context, half_duplex_call_metrics_, caps_, /*half_duplex=*/true,
                           max_half_duplex_buffered_bytes_);
}

}  // namespace streambench
