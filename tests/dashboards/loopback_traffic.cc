#include "tests/dashboards/loopback_traffic.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "bench/common/clock.h"
#include "bench/stats/integrity.h"
#include "server/common/crc32c.h"
#include "server/common/payload.h"
#include "streambench/v1/streambench.grpc.pb.h"

namespace streambench::testing {
namespace {

int64_t NowNs() { return SteadyClock::Get().NowNs(); }

// Counts a round's outstanding calls; the driver thread waits for zero.
class Latch {
 public:
  void Add() {
    std::lock_guard<std::mutex> lock(mu_);
    ++pending_;
  }
  void Done() {
    std::lock_guard<std::mutex> lock(mu_);
    if (--pending_ == 0) cv_.notify_all();
  }
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return pending_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int pending_ = 0;
};

struct CallContext {
  stats::RecorderRegistry* registry;
  std::atomic<int64_t>* active_calls;
  Latch* latch;
  const PayloadSource* payloads;
};

// Closed-loop ping-pong: write message i, wait for its echo, write i+1. At most one write in
// flight (gRPC's rule), so a send due while the previous write is still completing is deferred
// to OnWriteDone; that deferral is what schedule lag measures here.
class PingPong final : public grpc::ClientBidiReactor<v1::Request, v1::Response> {
 public:
  PingPong(const CallContext& call, const LoopbackTrafficOptions& options)
      : call_(call), options_(options) {}

  void Begin(v1::StreamBench::Stub* stub) {
    context_.set_deadline(std::chrono::system_clock::now() +
                          std::chrono::milliseconds(options_.call_deadline_ms));
    stub->async()->Bidi(&context_, this);
    start_ns_ = NowNs();
    call_.registry->ForCurrentThread().AddCallStarted();
    call_.active_calls->fetch_add(1, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lock(mu_);
      SendLocked(start_ns_);
    }
    StartRead(&response_);
    StartCall();
  }

  void OnWriteDone(bool ok) override {
    const int64_t now = NowNs();
    stats::Recorder& rec = call_.registry->ForCurrentThread();
    std::lock_guard<std::mutex> lock(mu_);
    writing_ = false;
    if (!ok) return;
    rec.RecordLatencyNs(stats::Latency::kWriteBlocked, now - write_start_ns_);
    rec.AddSent(1, static_cast<uint64_t>(options_.payload_bytes));
    if (send_due_ns_ != 0) {
      const int64_t due = send_due_ns_;
      send_due_ns_ = 0;
      SendLocked(due);
    } else if (half_close_due_) {
      half_close_due_ = false;
      StartWritesDone();
    }
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;
    const int64_t now = NowNs();
    stats::Recorder& rec = call_.registry->ForCurrentThread();
    rec.AddReceived(1, response_.payload().size());
    rec.RecordLatencyNs(stats::Latency::kMessage, now - response_.client_send_time_ns());
    if (received_ == 0) rec.RecordLatencyNs(stats::Latency::kFirstMessage, now - start_ns_);
    integrity_.OnMessage(response_.seq(),
                         Crc32c(response_.payload()) == response_.payload_crc32c());
    ++received_;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (received_ < options_.messages_per_stream) {
        if (writing_) {
          send_due_ns_ = now;
        } else {
          SendLocked(now);
        }
      } else if (writing_) {
        half_close_due_ = true;
      } else {
        StartWritesDone();
      }
    }
    if (received_ < options_.messages_per_stream) StartRead(&response_);
  }

  void OnDone(const grpc::Status& status) override {
    stats::Recorder& rec = call_.registry->ForCurrentThread();
    rec.RecordLatencyNs(stats::Latency::kCall, NowNs() - start_ns_);
    rec.AddCallFinished(status.error_code());
    integrity_.Finish(static_cast<uint64_t>(options_.messages_per_stream));
    rec.AddIntegrity(integrity_.counts());
    call_.active_calls->fetch_sub(1, std::memory_order_relaxed);
    Latch* latch = call_.latch;
    delete this;
    latch->Done();
  }

 private:
  // `due_ns`: when this message should have gone out (the echo of the previous one arrived).
  void SendLocked(int64_t due_ns) {
    const int64_t now = NowNs();
    call_.registry->ForCurrentThread().RecordLatencyNs(stats::Latency::kScheduleLag, now - due_ns);
    request_.Clear();
    request_.set_seq(sent_);
    request_.set_client_send_time_ns(now);
    request_.set_intended_send_time_ns(due_ns);
    const std::string_view payload =
        call_.payloads->Slice(sent_, static_cast<size_t>(options_.payload_bytes));
    request_.set_payload(payload.data(), payload.size());
    request_.set_payload_crc32c(Crc32c(payload));
    if (sent_ == 0) request_.mutable_behavior()->set_bidi_mode(v1::Behavior::ECHO);
    ++sent_;
    writing_ = true;
    write_start_ns_ = now;
    StartWrite(&request_);
  }

  const CallContext call_;
  const LoopbackTrafficOptions& options_;
  grpc::ClientContext context_;
  v1::Request request_;
  v1::Response response_;
  stats::StreamIntegrity integrity_;
  int64_t start_ns_ = 0;
  int received_ = 0;  // only touched by the read path (one read in flight)
  std::mutex mu_;     // guards the write state below
  bool writing_ = false;
  int64_t send_due_ns_ = 0;
  bool half_close_due_ = false;
  uint64_t sent_ = 0;
  int64_t write_start_ns_ = 0;
};

struct UnaryCall {
  grpc::ClientContext context;
  v1::Request request;
  v1::Response response;
  int64_t start_ns = 0;
};

void StartUnary(v1::StreamBench::Stub* stub, const CallContext& call,
                const LoopbackTrafficOptions& options, uint64_t seq, bool fail) {
  auto* u = new UnaryCall;
  u->context.set_deadline(std::chrono::system_clock::now() +
                          std::chrono::milliseconds(options.call_deadline_ms));
  u->start_ns = NowNs();
  u->request.set_seq(seq);
  u->request.set_client_send_time_ns(u->start_ns);
  u->request.set_intended_send_time_ns(u->start_ns);
  const std::string_view payload = call.payloads->Slice(seq, options.payload_bytes);
  u->request.set_payload(payload.data(), payload.size());
  u->request.set_payload_crc32c(Crc32c(payload));
  if (fail) {
    auto* failure = u->request.mutable_behavior()->mutable_failure();
    failure->set_code(grpc::StatusCode::UNAVAILABLE);
    failure->set_message("injected by the dashboards integration test");
    failure->set_after_messages(0);
  }
  stats::Recorder& rec = call.registry->ForCurrentThread();
  rec.AddCallStarted();
  rec.AddSent(1, payload.size());
  call.active_calls->fetch_add(1, std::memory_order_relaxed);
  stub->async()->Unary(&u->context, &u->request, &u->response, [u, call](grpc::Status status) {
    const int64_t elapsed = NowNs() - u->start_ns;
    stats::Recorder& r = call.registry->ForCurrentThread();
    if (status.ok()) {
      r.AddReceived(1, u->response.payload().size());
      r.RecordLatencyNs(stats::Latency::kMessage, elapsed);
    }
    r.RecordLatencyNs(stats::Latency::kCall, elapsed);
    r.AddCallFinished(status.error_code());
    call.active_calls->fetch_sub(1, std::memory_order_relaxed);
    Latch* latch = call.latch;
    delete u;
    latch->Done();
  });
}

}  // namespace

struct LoopbackTraffic::Shared {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::StreamBench::Stub> stub;
  PayloadSource payloads{64 * 1024};
};

LoopbackTraffic::LoopbackTraffic(LoopbackTrafficOptions options, stats::RecorderRegistry* registry)
    : options_(std::move(options)), registry_(registry), shared_(std::make_shared<Shared>()) {
  shared_->channel = grpc::CreateChannel(options_.target, grpc::InsecureChannelCredentials());
  shared_->stub = v1::StreamBench::NewStub(shared_->channel);
}

LoopbackTraffic::~LoopbackTraffic() { Stop(); }

void LoopbackTraffic::Start() {
  thread_ = std::thread([this] { Run(); });
}

void LoopbackTraffic::Stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

void LoopbackTraffic::Run() {
  uint64_t unary_seq = 0;
  while (!stop_.load() && rounds_.load() < options_.max_rounds) {
    Latch latch;
    const CallContext call{registry_, &active_calls_, &latch, &shared_->payloads};
    for (int i = 0; i < options_.streams_per_round; ++i) {
      latch.Add();
      (new PingPong(call, options_))->Begin(shared_->stub.get());
    }
    for (int i = 0; i < options_.unary_per_round; ++i) {
      latch.Add();
      StartUnary(shared_->stub.get(), call, options_, unary_seq++,
                 i < options_.failing_unary_per_round);
    }
    latch.Wait();  // every call ends by its deadline
    rounds_.fetch_add(1);
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.round_pause_ms));
  }
}

}  // namespace streambench::testing
