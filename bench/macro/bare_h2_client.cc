#include "bench/macro/bare_h2_client.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "bench/engines/h2/connection.h"
#include "bench/engines/h2/event_loop.h"
#include "bench/macro/process_cpu.h"
#include "bench/macro/sample_percentile.h"
#include "common/clock.h"
#include "grpc/testing/messages.pb.h"

namespace streambench::macro {
namespace {

namespace h2 = streambench::engines::h2;
using Clock = std::chrono::steady_clock;

constexpr char kStreamingCallPath[] = "/grpc.testing.BenchmarkService/StreamingCall";
constexpr char kUnaryCallPath[] = "/grpc.testing.BenchmarkService/UnaryCall";
// How long the calls may take to end after the stop before they are cancelled.
constexpr std::chrono::seconds kDrainTimeout{10};

grpc::testing::SimpleRequest BenchmarkRequest(uint64_t payload_bytes) {
  grpc::testing::SimpleRequest request;
  request.set_response_size(static_cast<int32_t>(payload_bytes));
  request.mutable_payload()->set_body(std::string(payload_bytes, '\0'));
  return request;
}

// The run's phase, set by the main thread and read by every worker.
struct Phase {
  std::atomic<bool> measuring{false};
  std::atomic<bool> stopping{false};
};

// A call the worker starts once; it runs until the stop (the handler of its streams).
class BenchCall : public h2::StreamHandler {
 public:
  virtual void Start() = 0;
};

// One event-loop thread: its connections, their calls and its figures. Everything but `measured`
// is touched only by the worker's thread once it runs.
class Worker {
 public:
  Worker(const BareH2Options& options, const Phase& phase, uint64_t max_rtt_samples)
      : options_(options), phase_(phase), request_(BenchmarkRequest(options.payload_bytes)) {
    rtt_ns_.reserve(max_rtt_samples);
  }

  void AddConnection(std::unique_ptr<h2::Connection> connection) {
    connections_.push_back(std::move(connection));
  }
  void AddCall(std::unique_ptr<BenchCall> call) { calls_.push_back(std::move(call)); }
  h2::Connection& connection(size_t i) { return *connections_[i]; }
  size_t connection_count() const { return connections_.size(); }

  void Run();

  // The request every call sends, serialized afresh for each message as a driver would.
  const std::string& SerializedRequest() {
    request_.SerializeToString(&request_bytes_);
    return request_bytes_;
  }
  // Parses a response and checks its payload size; counts a bad one.
  bool CheckResponse(std::string_view message) {
    const bool ok = response_.ParseFromArray(message.data(), static_cast<int>(message.size())) &&
                    response_.payload().body().size() == options_.payload_bytes;
    if (!ok) ++bad_responses_;
    return ok;
  }
  void RecordRoundTrip(int64_t rtt_ns) {
    if (!phase_.measuring.load(std::memory_order_relaxed)) return;
    measured.store(measured.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    if (rtt_ns_.size() < rtt_ns_.capacity()) rtt_ns_.push_back(rtt_ns);
  }
  void CountBadResponse() { ++bad_responses_; }
  void CallFailed() {
    if (!phase_.stopping.load(std::memory_order_relaxed)) ++calls_failed_;
  }
  void CallEnded() { --open_calls_; }
  void CallBegan() { ++open_calls_; }
  bool stopping() const { return phase_.stopping.load(std::memory_order_relaxed); }

  std::atomic<uint64_t> measured{0};  // round trips in the measured phase (one writer)
  std::vector<int64_t>& rtt_ns() { return rtt_ns_; }
  uint64_t calls_failed() const { return calls_failed_; }
  uint64_t bad_responses() const { return bad_responses_; }
  int calls_not_ended() const { return calls_not_ended_; }

 private:
  const BareH2Options& options_;
  const Phase& phase_;
  h2::EventLoop loop_;
  std::vector<std::unique_ptr<h2::Connection>> connections_;
  std::vector<std::unique_ptr<BenchCall>> calls_;
  grpc::testing::SimpleRequest request_;
  std::string request_bytes_;
  grpc::testing::SimpleResponse response_;
  std::vector<int64_t> rtt_ns_;
  int open_calls_ = 0;
  uint64_t calls_failed_ = 0;
  uint64_t bad_responses_ = 0;
  int calls_not_ended_ = 0;
};

// A StreamingCall with one request in flight: each response sends the next request; after the
// stop, the next response half-closes the stream instead.
class PingPongStream final : public BenchCall {
 public:
  PingPongStream(Worker& worker, h2::Connection& connection)
      : worker_(worker), connection_(connection) {}

  void Start() override {
    worker_.CallBegan();
    id_ = connection_.StartCall(kStreamingCallPath, {}, Clock::time_point::max(), this);
    if (id_.valid()) Send();
  }

  void OnMessage(std::string_view message) override {
    const int64_t rtt_ns = SteadyNowNs() - send_ns_;
    if (worker_.CheckResponse(message)) worker_.RecordRoundTrip(rtt_ns);
    if (worker_.stopping()) {
      connection_.WritesDone(id_);
    } else {
      Send();
    }
  }

  void OnClose(const h2::CallStatus& status) override {
    if (status.code != h2::kOk) worker_.CallFailed();
    worker_.CallEnded();
  }

 private:
  void Send() {
    send_ns_ = SteadyNowNs();
    connection_.Write(id_, worker_.SerializedRequest());
  }

  Worker& worker_;
  h2::Connection& connection_;
  h2::StreamHandle id_;
  int64_t send_ns_ = 0;
};

// One UnaryCall in flight: when a call ends OK, the next starts; a failed call ends the slot (so
// a dead connection cannot spin it).
class UnarySlot final : public BenchCall {
 public:
  UnarySlot(Worker& worker, h2::Connection& connection)
      : worker_(worker), connection_(connection) {}

  void Start() override {
    worker_.CallBegan();
    Next();
  }

  void OnMessage(std::string_view message) override {
    ++responses_;
    response_ok_ = worker_.CheckResponse(message);
  }

  void OnClose(const h2::CallStatus& status) override {
    if (status.code != h2::kOk) {
      worker_.CallFailed();
      worker_.CallEnded();
      return;
    }
    if (responses_ != 1) {
      worker_.CountBadResponse();  // an OK unary call answers exactly once
    } else if (response_ok_) {
      worker_.RecordRoundTrip(SteadyNowNs() - start_ns_);
    }
    if (worker_.stopping()) {
      worker_.CallEnded();
      return;
    }
    Next();
  }

 private:
  void Next() {
    responses_ = 0;
    response_ok_ = false;
    start_ns_ = SteadyNowNs();
    const h2::StreamHandle id =
        connection_.StartCall(kUnaryCallPath, {}, Clock::time_point::max(), this);
    if (!id.valid()) return;  // OnClose has ended the slot
    connection_.Write(id, worker_.SerializedRequest());
    connection_.WritesDone(id);
  }

  Worker& worker_;
  h2::Connection& connection_;
  int64_t start_ns_ = 0;
  int responses_ = 0;
  bool response_ok_ = false;
};

void Worker::Run() {
  for (auto& connection : connections_) loop_.Add(connection.get());
  for (auto& call : calls_) call->Start();
  Clock::time_point drain_deadline = Clock::time_point::max();
  while (open_calls_ > 0) {
    if (drain_deadline == Clock::time_point::max() && stopping()) {
      drain_deadline = Clock::now() + kDrainTimeout;
    }
    if (Clock::now() >= drain_deadline) break;
    loop_.RunOnce(std::chrono::milliseconds(20));
  }
  calls_not_ended_ = open_calls_;
  for (auto& connection : connections_) loop_.Remove(connection.get());
  connections_.clear();  // ends what is still open (UNAVAILABLE), before the calls go
}

}  // namespace

bool RunBareH2Client(const BareH2Options& options, BareH2Result* result, std::string* error) {
  if (options.connections < 1 || options.streams_per_connection < 1 || options.threads < 1) {
    *error = "connections, streams and threads must be >= 1";
    return false;
  }
  const int threads = std::min(options.threads, options.connections);
  Phase phase;
  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < threads; ++t) {
    workers.push_back(std::make_unique<Worker>(options, phase, options.max_rtt_samples / threads));
  }
  for (int c = 0; c < options.connections; ++c) {
    h2::ConnectionSettings settings;
    auto connection = h2::Connection::Connect(options.target, settings, error);
    if (connection == nullptr) return false;
    Worker& worker = *workers[c % threads];
    worker.AddConnection(std::move(connection));
    h2::Connection& added = worker.connection(worker.connection_count() - 1);
    for (int s = 0; s < options.streams_per_connection; ++s) {
      if (options.mode == BareH2Mode::kBidiPingPong) {
        worker.AddCall(std::make_unique<PingPongStream>(worker, added));
      } else {
        worker.AddCall(std::make_unique<UnarySlot>(worker, added));
      }
    }
  }

  std::vector<std::thread> running;
  for (auto& worker : workers) running.emplace_back([&worker] { worker->Run(); });

  auto measured = [&] {
    uint64_t sum = 0;
    for (const auto& worker : workers) sum += worker->measured.load(std::memory_order_relaxed);
    return sum;
  };
  std::this_thread::sleep_for(std::chrono::microseconds(options.warmup_us));
  const double cpu_before = ProcessCpuSeconds();
  const int64_t start_ns = SteadyNowNs();
  phase.measuring.store(true);
  // The phase ends at its duration or its round-trip budget, whichever comes first; checking the
  // budget every few milliseconds costs the workers nothing.
  const int64_t end_by_ns = start_ns + options.duration_us * 1000;
  for (int64_t now = start_ns; now < end_by_ns && measured() < options.max_round_trips;
       now = SteadyNowNs()) {
    std::this_thread::sleep_for(
        std::min(std::chrono::nanoseconds(end_by_ns - now), std::chrono::nanoseconds(5'000'000)));
  }
  phase.measuring.store(false);
  const int64_t end_ns = SteadyNowNs();
  const double cpu_after = ProcessCpuSeconds();
  phase.stopping.store(true);
  for (std::thread& thread : running) thread.join();

  *result = BareH2Result{};
  result->duration_s = (end_ns - start_ns) / 1e9;
  result->cpu_seconds = cpu_after - cpu_before;
  std::vector<int64_t> rtt_ns;
  int not_ended = 0;
  for (const auto& worker : workers) {
    result->round_trips += worker->measured.load();
    result->calls_failed += worker->calls_failed();
    result->bad_responses += worker->bad_responses();
    rtt_ns.insert(rtt_ns.end(), worker->rtt_ns().begin(), worker->rtt_ns().end());
    not_ended += worker->calls_not_ended();
  }
  result->bytes_sent = result->round_trips * options.payload_bytes;
  result->bytes_received = result->round_trips * options.payload_bytes;
  result->rtt_samples = rtt_ns.size();
  result->rtt_p50_us = SamplePercentile(rtt_ns, 0.50) / 1e3;
  result->rtt_p99_us = SamplePercentile(rtt_ns, 0.99) / 1e3;
  if (not_ended > 0) {
    *error = std::to_string(not_ended) + " calls did not end within " +
             std::to_string(kDrainTimeout.count()) + " s of the stop";
    return false;
  }
  return true;
}

std::string FramedBenchmarkRequest(uint64_t payload_bytes) {
  std::string framed;
  engines::h2::AppendFramedMessage(BenchmarkRequest(payload_bytes).SerializeAsString(), &framed);
  return framed;
}

std::string BareH2ResultJson(const BareH2Options& options, const BareH2Result& result) {
  nlohmann::json j;
  j["tool"] = "bare_h2_client";
  j["mode"] = options.mode == BareH2Mode::kBidiPingPong ? "bidi" : "unary";
  j["connections"] = options.connections;
  j["streams_per_connection"] = options.streams_per_connection;
  j["threads"] = std::min(options.threads, options.connections);
  j["payload_bytes"] = options.payload_bytes;
  j["duration_s"] = result.duration_s;
  j["round_trips"] = result.round_trips;
  j["round_trips_per_s"] = result.round_trips_per_s();
  // As the other bare clients count them: a round trip is one message each way.
  j["messages_sent"] = result.round_trips;
  j["messages_received"] = result.round_trips;
  j["messages_per_s"] = 2 * result.round_trips_per_s();
  j["bytes_sent"] = result.bytes_sent;
  j["bytes_received"] = result.bytes_received;
  j["bytes_received_per_s"] = result.duration_s > 0 ? result.bytes_received / result.duration_s : 0;
  j["cpu_seconds"] = result.cpu_seconds;
  j["cpu_s_per_100k_round_trips"] = result.cpu_s_per_100k_round_trips();
  j["rtt_samples"] = result.rtt_samples;
  j["rtt_us"] = {{"p50", result.rtt_p50_us}, {"p99", result.rtt_p99_us}};
  j["calls_failed"] = result.calls_failed;
  j["bad_responses"] = result.bad_responses;
  return j.dump();
}

}  // namespace streambench::macro
