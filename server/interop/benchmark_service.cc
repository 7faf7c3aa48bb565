#include "server/interop/benchmark_service.h"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>

#include "common/clock.h"
#include "server/interop/interop_support.h"
#include "server/lifecycle_reactor.h"
#include "server/test_metadata_echo.h"

namespace streambench {
namespace {

using grpc::testing::SimpleRequest;
using grpc::testing::SimpleResponse;

constexpr char kServiceName[] = "/grpc.testing.BenchmarkService/";

grpc::Status CheckRequest(const SimpleRequest& request, const BehaviorCaps& caps) {
  return interop::CheckResponseSize("response_size", request.response_size(), caps);
}

// The base of every streaming reactor here: the shared lifecycle (no alarms), the caps, the
// metadata echo, and the request and write steps they all take alike.
template <typename Derived, typename GrpcReactor>
class BenchmarkReactor : public LifecycleReactor<Derived, GrpcReactor> {
 protected:
  BenchmarkReactor(grpc::CallbackServerContext* context, ServerMetrics::Method& metrics,
                   LiveCalls& live_calls, const BehaviorCaps& caps)
      : LifecycleReactor<Derived, GrpcReactor>(metrics, live_calls), caps_(caps) {
    EchoTestMetadata(context);
  }

  // Counts `request` and checks it against the caps; fills `response` with its response_size
  // zero bytes, or finishes the call (INVALID_ARGUMENT) and returns false.
  bool AcceptLocked(const SimpleRequest& request, SimpleResponse& response) {
    this->metrics_.MessageReceived(request.payload().body().size());
    const grpc::Status status = CheckRequest(request, caps_);
    if (!status.ok()) {
      this->FinishLocked(status);
      return false;
    }
    interop::FillZeroPayload(request.response_size(), response.mutable_payload());
    return true;
  }

  // At the top of OnWriteDone: counts `response` when its write went through; true when the call
  // goes on.
  bool WriteDoneLocked(bool ok, const SimpleResponse& response) {
    if (!this->TimedWriteDoneLocked(ok)) return false;
    this->metrics_.MessageSent(response.payload().body().size());
    return !this->finished_;
  }

  const BehaviorCaps& caps_;  // the service's, which outlives its reactors
};

// The bidi reactors (StreamingCall, StreamingBothWays): a read outstanding from the start.
template <typename Derived>
class BidiBenchmarkReactor
    : public BenchmarkReactor<Derived, grpc::ServerBidiReactor<SimpleRequest, SimpleResponse>> {
 public:
  BidiBenchmarkReactor(grpc::CallbackServerContext* context, ServerMetrics::Method& metrics,
                       LiveCalls& live_calls, const BehaviorCaps& caps)
      : BenchmarkReactor<Derived, grpc::ServerBidiReactor<SimpleRequest, SimpleResponse>>(
            context, metrics, live_calls, caps) {
    this->StartRead(&request_);
  }

 protected:
  SimpleRequest request_;    // target of the one read in flight
  SimpleResponse response_;  // the one write in flight
};

// StreamingCall: ping-pong. Reads one request, writes one response, then reads again; one
// operation outstanding at a time.
class PingPongReactor final : public BidiBenchmarkReactor<PingPongReactor> {
 public:
  using BidiBenchmarkReactor::BidiBenchmarkReactor;

  void OnReadDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    if (!ok) {  // half-close (a cancellation has finished the call already)
      FinishLocked(grpc::Status::OK);
      return;
    }
    if (AcceptLocked(request_, response_)) StartTimedWriteLocked(&response_);
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (WriteDoneLocked(ok, response_)) StartRead(&request_);
  }
};

// StreamingFromClient: reads every request (keeping none), then answers once with the
// response_size of the last request.
class FromClientReactor final
    : public BenchmarkReactor<FromClientReactor, grpc::ServerReadReactor<SimpleRequest>> {
 public:
  FromClientReactor(grpc::CallbackServerContext* context, SimpleResponse* response,
                    ServerMetrics::Method& metrics, LiveCalls& live_calls, const BehaviorCaps& caps)
      : BenchmarkReactor(context, metrics, live_calls, caps), response_(response) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    if (!ok) {  // half-close (a cancellation has finished the call already)
      interop::FillZeroPayload(response_size_bytes_, response_->mutable_payload());
      metrics_.MessageSent(response_size_bytes_);
      FinishLocked(grpc::Status::OK);
      return;
    }
    metrics_.MessageReceived(request_.payload().body().size());
    const grpc::Status status = CheckRequest(request_, caps_);
    if (!status.ok()) {
      FinishLocked(status);
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
class FromServerReactor final
    : public BenchmarkReactor<FromServerReactor, grpc::ServerWriteReactor<SimpleResponse>> {
 public:
  FromServerReactor(grpc::CallbackServerContext* context, const SimpleRequest* request,
                    ServerMetrics::Method& metrics, LiveCalls& live_calls, const BehaviorCaps& caps)
      : BenchmarkReactor(context, metrics, live_calls, caps) {
    std::lock_guard<std::mutex> lock(mu_);
    if (AcceptLocked(*request, response_)) StartTimedWriteLocked(&response_);
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!WriteDoneLocked(ok, response_)) return;
    if (++responses_sent_ >= caps_.max_response_count) {
      FinishLocked(grpc::Status::OK);
      return;
    }
    StartTimedWriteLocked(&response_);
  }

 private:
  SimpleResponse response_;  // written again and again, never modified while in flight
  uint64_t responses_sent_ = 0;
};

// StreamingBothWays: once the first request arrives, responses of its response_size are written
// continuously (one in flight) while requests keep being read and discarded; the call ends when
// the client half-closes (after the write in flight completes), cancels, or max_response_count
// responses were sent. Reads and writes overlap; mu_ guards the state.
class BothWaysReactor final : public BidiBenchmarkReactor<BothWaysReactor> {
 public:
  using BidiBenchmarkReactor::BidiBenchmarkReactor;

  void OnReadDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    if (!ok) {
      read_done_ = true;
      if (!write_in_flight_) FinishLocked(grpc::Status::OK);
      return;
    }
    if (responding_) {
      metrics_.MessageReceived(request_.payload().body().size());
    } else {
      if (!AcceptLocked(request_, response_)) return;
      responding_ = true;
      StartTimedWriteLocked(&response_);
    }
    StartRead(&request_);
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!WriteDoneLocked(ok, response_)) return;
    if (read_done_ || ++responses_sent_ >= caps_.max_response_count) {
      FinishLocked(grpc::Status::OK);
      return;
    }
    StartTimedWriteLocked(&response_);
  }

 private:
  bool responding_ = false;  // the first request arrived; response_ is fixed from then on
  bool read_done_ = false;
  uint64_t responses_sent_ = 0;
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

StandardBenchmarkService::~StandardBenchmarkService() {
  live_calls_.WaitUntilIdle(std::chrono::seconds(10));
}

grpc::ServerUnaryReactor* StandardBenchmarkService::UnaryCall(grpc::CallbackServerContext* context,
                                                              const SimpleRequest* request,
                                                              SimpleResponse* response) {
  unary_call_metrics_.CallStarted();
  EchoTestMetadata(context);
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
  return new PingPongReactor(context, streaming_call_metrics_, live_calls_, caps_);
}

grpc::ServerReadReactor<SimpleRequest>* StandardBenchmarkService::StreamingFromClient(
    grpc::CallbackServerContext* context, SimpleResponse* response) {
  return new FromClientReactor(context, response, streaming_from_client_metrics_, live_calls_,
                               caps_);
}

grpc::ServerWriteReactor<SimpleResponse>* StandardBenchmarkService::StreamingFromServer(
    grpc::CallbackServerContext* context, const SimpleRequest* request) {
  return new FromServerReactor(context, request, streaming_from_server_metrics_, live_calls_,
                               caps_);
}

grpc::ServerBidiReactor<SimpleRequest, SimpleResponse>* StandardBenchmarkService::StreamingBothWays(
    grpc::CallbackServerContext* context) {
  return new BothWaysReactor(context, streaming_both_ways_metrics_, live_calls_, caps_);
}

}  // namespace streambench
