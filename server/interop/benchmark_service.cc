#include "server/interop/benchmark_service.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>

#include "common/clock.h"
#include "server/interop/interop_support.h"

namespace streambench {
namespace {

using grpc::testing::SimpleRequest;
using grpc::testing::SimpleResponse;

constexpr char kServiceName[] = "/grpc.testing.BenchmarkService/";

grpc::Status CheckRequest(const SimpleRequest& request, const BehaviorCaps& caps) {
  return interop::CheckResponseSize("response_size", request.response_size(), caps);
}

// Bookkeeping every streaming reactor here shares: metrics, the status it finished with, and the
// client's cancellation (OnCancel may run concurrently with the one outstanding operation).
class CallRecord {
 public:
  CallRecord(grpc::CallbackServerContext* context, ServerMetrics::Method& metrics)
      : metrics_(metrics) {
    metrics_.CallStarted();
    interop::EchoTestMetadata(context);
  }
  ServerMetrics::Method& metrics() { return metrics_; }
  void set_cancelled() { cancelled_.store(true); }
  bool cancelled() const { return cancelled_.load(); }
  // Returns the status to finish with (CANCELLED when the client cancelled) and remembers its code.
  grpc::Status Finishing(grpc::Status status) {
    if (cancelled() && status.ok()) {
      status = grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client");
    }
    finish_code_ = status.error_code();
    return status;
  }
  void Done() { metrics_.CallFinished(finish_code_); }

 private:
  ServerMetrics::Method& metrics_;
  std::atomic<bool> cancelled_{false};
  grpc::StatusCode finish_code_ = grpc::StatusCode::UNKNOWN;
};

// The base of every streaming reactor here: its CallRecord and caps, and the cancellation and
// deletion they all handle alike.
template <typename GrpcReactor>
class RecordedReactor : public GrpcReactor {
 public:
  void OnCancel() override { record_.set_cancelled(); }
  void OnDone() override {
    record_.Done();
    delete this;
  }

 protected:
  RecordedReactor(grpc::CallbackServerContext* context, ServerMetrics::Method& metrics,
                  const BehaviorCaps& caps)
      : record_(context, metrics), caps_(caps) {}

  CallRecord record_;
  const BehaviorCaps caps_;
};

// StreamingCall: ping-pong. Reads one request, writes one response, then reads again; one
// operation outstanding at a time.
class PingPongReactor final
    : public RecordedReactor<grpc::ServerBidiReactor<SimpleRequest, SimpleResponse>> {
 public:
  PingPongReactor(grpc::CallbackServerContext* context, ServerMetrics::Method& metrics,
                  const BehaviorCaps& caps)
      : RecordedReactor(context, metrics, caps) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // half-close or cancellation
      Finish(record_.Finishing(grpc::Status::OK));
      return;
    }
    record_.metrics().MessageReceived(request_.payload().body().size());
    grpc::Status status = CheckRequest(request_, caps_);
    if (!status.ok()) {
      Finish(record_.Finishing(std::move(status)));
      return;
    }
    interop::FillZeroPayload(request_.response_size(), response_.mutable_payload());
    write_started_ns_ = SteadyNowNs();
    StartWrite(&response_);
  }

  void OnWriteDone(bool ok) override {
    record_.metrics().WriteCompleted(SteadyNowNs() - write_started_ns_);
    if (!ok) {
      Finish(record_.Finishing(
          grpc::Status(grpc::StatusCode::CANCELLED, "the client went away mid-stream")));
      return;
    }
    record_.metrics().MessageSent(response_.payload().body().size());
    StartRead(&request_);
  }

 private:
  SimpleRequest request_;
  SimpleResponse response_;
  int64_t write_started_ns_ = 0;
};

// StreamingFromClient: reads every request (keeping none), then answers once with the
// response_size of the last request.
class FromClientReactor final : public RecordedReactor<grpc::ServerReadReactor<SimpleRequest>> {
 public:
  FromClientReactor(grpc::CallbackServerContext* context, SimpleResponse* response,
                    ServerMetrics::Method& metrics, const BehaviorCaps& caps)
      : RecordedReactor(context, metrics, caps), response_(response) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      interop::FillZeroPayload(response_size_bytes_, response_->mutable_payload());
      if (!record_.cancelled()) record_.metrics().MessageSent(response_size_bytes_);
      Finish(record_.Finishing(grpc::Status::OK));
      return;
    }
    record_.metrics().MessageReceived(request_.payload().body().size());
    grpc::Status status = CheckRequest(request_, caps_);
    if (!status.ok()) {
      Finish(record_.Finishing(std::move(status)));
      return;
    }
    response_size_bytes_ = request_.response_size();
    StartRead(&request_);
  }

 private:
  SimpleResponse* response_;
  SimpleRequest request_;
  int64_t response_size_bytes_ = 0;
};

// StreamingFromServer: the same response back-to-back, one write in flight, until a write fails
// (the client cancelled or the deadline passed) or max_response_count responses were sent.
class FromServerReactor final : public RecordedReactor<grpc::ServerWriteReactor<SimpleResponse>> {
 public:
  FromServerReactor(grpc::CallbackServerContext* context, const SimpleRequest* request,
                    ServerMetrics::Method& metrics, const BehaviorCaps& caps)
      : RecordedReactor(context, metrics, caps) {
    record_.metrics().MessageReceived(request->payload().body().size());
    grpc::Status status = CheckRequest(*request, caps_);
    if (!status.ok()) {
      Finish(record_.Finishing(std::move(status)));
      return;
    }
    interop::FillZeroPayload(request->response_size(), response_.mutable_payload());
    Write();
  }

  void OnWriteDone(bool ok) override {
    record_.metrics().WriteCompleted(SteadyNowNs() - write_started_ns_);
    if (!ok) {
      Finish(record_.Finishing(
          grpc::Status(grpc::StatusCode::CANCELLED, "the client went away mid-stream")));
      return;
    }
    record_.metrics().MessageSent(response_.payload().body().size());
    if (++responses_sent_ >= caps_.max_response_count) {
      Finish(record_.Finishing(grpc::Status::OK));
      return;
    }
    Write();
  }

 private:
  void Write() {
    write_started_ns_ = SteadyNowNs();
    StartWrite(&response_);
  }

  SimpleResponse response_;  // written again and again, never modified while in flight
  uint64_t responses_sent_ = 0;
  int64_t write_started_ns_ = 0;
};

// StreamingBothWays: once the first request arrives, responses of its response_size are written
// continuously (one in flight) while requests keep being read and discarded; the call ends when
// the client half-closes (after the write in flight completes), cancels, or max_response_count
// responses were sent. Reads and writes overlap, so state is guarded by mu_.
class BothWaysReactor final
    : public RecordedReactor<grpc::ServerBidiReactor<SimpleRequest, SimpleResponse>> {
 public:
  BothWaysReactor(grpc::CallbackServerContext* context, ServerMetrics::Method& metrics,
                  const BehaviorCaps& caps)
      : RecordedReactor(context, metrics, caps) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!ok) {
      read_done_ = true;
      if (!write_in_flight_) FinishLocked(grpc::Status::OK);
      return;
    }
    record_.metrics().MessageReceived(request_.payload().body().size());
    if (!writing_) {
      grpc::Status status = CheckRequest(request_, caps_);
      if (!status.ok()) {
        FinishLocked(std::move(status));
        return;
      }
      interop::FillZeroPayload(request_.response_size(), response_.mutable_payload());
      writing_ = true;
      WriteLocked();
    }
    if (!finished_) StartRead(&request_);
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    write_in_flight_ = false;
    record_.metrics().WriteCompleted(SteadyNowNs() - write_started_ns_);
    if (!ok) {
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "the client went away mid-stream"));
      return;
    }
    record_.metrics().MessageSent(response_.payload().body().size());
    if (read_done_ || record_.cancelled() || ++responses_sent_ >= caps_.max_response_count) {
      FinishLocked(grpc::Status::OK);
      return;
    }
    WriteLocked();
  }

 private:
  void WriteLocked() {
    write_in_flight_ = true;
    write_started_ns_ = SteadyNowNs();
    StartWrite(&response_);
  }

  // Never called with a write in flight; a pending read simply fails once the call is over.
  void FinishLocked(grpc::Status status) {
    if (finished_) return;
    finished_ = true;
    Finish(record_.Finishing(std::move(status)));
  }

  std::mutex mu_;
  SimpleRequest request_;    // target of the one read in flight
  SimpleResponse response_;  // the one write in flight; fixed once writing starts
  bool writing_ = false;     // guarded by mu_
  bool write_in_flight_ = false;
  bool read_done_ = false;
  bool finished_ = false;
  uint64_t responses_sent_ = 0;
  int64_t write_started_ns_ = 0;
};

}  // namespace

StandardBenchmarkService::StandardBenchmarkService(ServerMetrics& metrics, const BehaviorCaps& caps)
    : caps_(caps),
      unary_call_metrics_(metrics.ForMethod(std::string(kServiceName) + "UnaryCall")),
      streaming_call_metrics_(metrics.ForMethod(std::string(kServiceName) + "StreamingCall")),
      streaming_from_client_metrics_(
          metrics.ForMethod(std::string(kServiceName) + "StreamingFromClient")),
      streaming_from_server_metrics_(
          metrics.ForMethod(std::string(kServiceName) + "StreamingFromServer")),
      streaming_both_ways_metrics_(
          metrics.ForMethod(std::string(kServiceName) + "StreamingBothWays")) {}

grpc::ServerUnaryReactor* StandardBenchmarkService::UnaryCall(grpc::CallbackServerContext* context,
                                                              const SimpleRequest* request,
                                                              SimpleResponse* response) {
  unary_call_metrics_.CallStarted();
  interop::EchoTestMetadata(context);
  unary_call_metrics_.MessageReceived(request->payload().body().size());
  grpc::Status status = CheckRequest(*request, caps_);
  if (status.ok()) {
    interop::FillZeroPayload(request->response_size(), response->mutable_payload());
    unary_call_metrics_.MessageSent(response->payload().body().size());
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  unary_call_metrics_.CallFinished(status.error_code());
  reactor->Finish(std::move(status));
  return reactor;
}

grpc::ServerBidiReactor<SimpleRequest, SimpleResponse>* StandardBenchmarkService::StreamingCall(
    grpc::CallbackServerContext* context) {
  return new PingPongReactor(context, streaming_call_metrics_, caps_);
}

grpc::ServerReadReactor<SimpleRequest>* StandardBenchmarkService::StreamingFromClient(
    grpc::CallbackServerContext* context, SimpleResponse* response) {
  return new FromClientReactor(context, response, streaming_from_client_metrics_, caps_);
}

grpc::ServerWriteReactor<SimpleResponse>* StandardBenchmarkService::StreamingFromServer(
    grpc::CallbackServerContext* context, const SimpleRequest* request) {
  return new FromServerReactor(context, request, streaming_from_server_metrics_, caps_);
}

grpc::ServerBidiReactor<SimpleRequest, SimpleResponse>* StandardBenchmarkService::StreamingBothWays(
    grpc::CallbackServerContext* context) {
  return new BothWaysReactor(context, streaming_both_ways_metrics_, caps_);
}

}  // namespace streambench
