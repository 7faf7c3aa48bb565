#include "bench/macro/bare_grpc_client.h"

#include <grpc/grpc.h>
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>
#include <grpcpp/support/client_callback.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "bench/macro/process_cpu.h"
#include "bench/macro/sample_percentile.h"
#include "common/clock.h"
#include "common/crc32c.h"
#include "common/payload.h"
#include "streambench/v1/streambench.grpc.pb.h"

namespace streambench::macro {
namespace {

using streambench::v1::Behavior;
using streambench::v1::Request;
using streambench::v1::Response;
using streambench::v1::StreamBench;

// One stream's (or call slot's) counters, on its own cache line so streams never share one.
struct alignas(64) Counters {
  std::atomic<uint64_t> sent{0}, received{0}, bytes_sent{0}, bytes_received{0};
};

struct Totals {
  uint64_t sent = 0, received = 0, bytes_sent = 0, bytes_received = 0;
};

// State shared by every stream of the run.
class Shared {
 public:
  explicit Shared(const BareClientOptions& options)
      : options(options),
        payload(options.payload_bytes),
        rtt_ns(options.record_rtt ? options.max_rtt_samples : 0) {}

  void Began() { active_.fetch_add(1); }
  void Ended() {
    std::lock_guard<std::mutex> lock(mu_);
    --active_;
    cv_.notify_all();
  }
  bool WaitAllEnded(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [this] { return active_.load() == 0; });
  }
  void RecordRtt(int64_t rtt) {
    if (!measuring.load(std::memory_order_relaxed)) return;
    const uint64_t i = rtt_count.fetch_add(1, std::memory_order_relaxed);
    if (i < rtt_ns.size()) rtt_ns[i] = rtt;
  }

  const BareClientOptions options;  // a copy: callbacks may outlive the caller's (see Run)
  const PayloadSource payload;
  std::atomic<bool> stopping{false};
  std::atomic<bool> measuring{false};
  std::atomic<uint64_t> failed{0};
  std::vector<int64_t> rtt_ns;  // allocated up front; slots written by index
  std::atomic<uint64_t> rtt_count{0};

 private:
  std::mutex mu_;  // only for the end-of-run wait, never per message
  std::condition_variable cv_;
  std::atomic<int> active_{0};
};

// Fills the per-message fields the streambench.v1 protocol requires.
void FillRequest(const PayloadSource& payload, uint64_t key, uint64_t seq, size_t size,
                 Request* req) {
  const int64_t now = SteadyNowNs();
  const std::string_view slice = payload.Slice(key, size);
  req->set_seq(seq);
  req->set_client_send_time_ns(now);
  req->set_intended_send_time_ns(now);
  req->set_payload(slice.data(), slice.size());
  req->set_payload_crc32c(Crc32c(slice));
}

// Bidi ping-pong: the next request goes out when both the previous write and its echo are done
// (gRPC may report them in either order, on different threads).
class BidiPingPong final : public grpc::ClientBidiReactor<Request, Response> {
 public:
  BidiPingPong(StreamBench::Stub* stub, Shared& shared, Counters& counters, uint64_t key)
      : stub_(stub), shared_(shared), counters_(counters), key_(key) {}

  void Start() {
    shared_.Began();
    Behavior* behavior = req_.mutable_behavior();
    behavior->set_bidi_mode(Behavior::ECHO);
    behavior->set_response_size_bytes(0);  // echo the request's size
    stub_->async()->Bidi(&ctx_, this);
    Send();
    StartCall();
  }

  void OnWriteDone(bool ok) override {
    if (ok) {
      counters_.sent.fetch_add(1, std::memory_order_relaxed);
      counters_.bytes_sent.fetch_add(req_.payload().size(), std::memory_order_relaxed);
    } else {
      failed_ = true;
    }
    Step();
  }

  void OnReadDone(bool ok) override {
    if (ok) {
      counters_.received.fetch_add(1, std::memory_order_relaxed);
      counters_.bytes_received.fetch_add(resp_.payload().size(), std::memory_order_relaxed);
      if (!shared_.rtt_ns.empty()) shared_.RecordRtt(SteadyNowNs() - send_ns_);
    } else {
      failed_ = true;
    }
    Step();
  }

  void OnDone(const grpc::Status& status) override {
    if (!status.ok()) shared_.failed.fetch_add(1);
    shared_.Ended();
  }

  grpc::ClientContext& context() { return ctx_; }

 private:
  void Send() {
    pending_.store(2, std::memory_order_relaxed);
    if (seq_ == 1) req_.clear_behavior();  // only the first request carries it
    FillRequest(shared_.payload, key_ + seq_, seq_, shared_.options.payload_bytes, &req_);
    ++seq_;
    send_ns_ = req_.client_send_time_ns();
    StartRead(&resp_);
    StartWrite(&req_);
  }

  // The last of a round's two completions starts the next round (acq_rel orders failed_).
  void Step() {
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    if (failed_ || shared_.stopping.load(std::memory_order_relaxed)) {
      StartWritesDone();
      return;
    }
    Send();
  }

  StreamBench::Stub* stub_;
  Shared& shared_;
  Counters& counters_;
  const uint64_t key_;
  grpc::ClientContext ctx_;
  Request req_;
  Response resp_;
  uint64_t seq_ = 0;
  int64_t send_ns_ = 0;
  bool failed_ = false;
  std::atomic<int> pending_{0};
};

class ServerStreamSlot;

// One ServerStream call; deletes itself in OnDone and tells its slot to start the next.
class ServerStreamCall final : public grpc::ClientReadReactor<Response> {
 public:
  ServerStreamCall(ServerStreamSlot& slot, StreamBench::Stub* stub, Shared& shared,
                   Counters& counters, uint64_t key)
      : slot_(slot), shared_(shared), counters_(counters) {
    const BareClientOptions& o = shared.options;
    Behavior* behavior = req_.mutable_behavior();
    behavior->set_response_size_bytes(static_cast<uint32_t>(o.response_bytes));
    behavior->set_response_count(o.response_count);
    FillRequest(shared.payload, key, 0, o.payload_bytes, &req_);
    counters_.sent.fetch_add(1, std::memory_order_relaxed);
    counters_.bytes_sent.fetch_add(o.payload_bytes, std::memory_order_relaxed);
    stub->async()->ServerStream(&ctx_, &req_, this);
    StartRead(&resp_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows
    counters_.received.fetch_add(1, std::memory_order_relaxed);
    counters_.bytes_received.fetch_add(resp_.payload().size(), std::memory_order_relaxed);
    StartRead(&resp_);
  }

  void OnDone(const grpc::Status& status) override;

 private:
  ServerStreamSlot& slot_;
  Shared& shared_;
  Counters& counters_;
  grpc::ClientContext ctx_;
  Request req_;
  Response resp_;
};

// Keeps one ServerStream call in flight until the run stops.
class ServerStreamSlot {
 public:
  ServerStreamSlot(StreamBench::Stub* stub, Shared& shared, Counters& counters, uint64_t key)
      : stub_(stub), shared_(shared), counters_(counters), key_(key) {}

  void Start() {
    shared_.Began();
    Next();
  }

  void CallDone(bool ok) {
    if (!ok) shared_.failed.fetch_add(1);
    if (!ok || shared_.stopping.load()) {
      shared_.Ended();
      return;
    }
    Next();
  }

 private:
  void Next() { new ServerStreamCall(*this, stub_, shared_, counters_, key_ + calls_++); }

  StreamBench::Stub* stub_;
  Shared& shared_;
  Counters& counters_;
  const uint64_t key_;
  uint64_t calls_ = 0;
};

void ServerStreamCall::OnDone(const grpc::Status& status) {
  ServerStreamSlot& slot = slot_;
  delete this;
  slot.CallDone(status.ok());
}

// Everything one run owns. Leaked on purpose when its calls do not end (gRPC may still call
// into it), so a failed run never frees memory a callback could touch.
struct Run {
  Run(const BareClientOptions& options, size_t slots)
      : shared(options), slot_count(slots), counters(std::make_unique<Counters[]>(slots)) {}

  Totals Sum() const {
    Totals t;
    for (size_t i = 0; i < slot_count; ++i) {
      const Counters& c = counters[i];
      t.sent += c.sent.load(std::memory_order_relaxed);
      t.received += c.received.load(std::memory_order_relaxed);
      t.bytes_sent += c.bytes_sent.load(std::memory_order_relaxed);
      t.bytes_received += c.bytes_received.load(std::memory_order_relaxed);
    }
    return t;
  }

  Shared shared;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<StreamBench::Stub>> stubs;
  const size_t slot_count;
  std::unique_ptr<Counters[]> counters;  // one per stream slot
  std::vector<std::unique_ptr<BidiPingPong>> bidi;
  std::vector<std::unique_ptr<ServerStreamSlot>> server_stream;
};

}  // namespace

bool RunBareClient(const BareClientOptions& options, BareClientResult* result, std::string* error) {
  if (options.connections < 1 || options.streams_per_connection < 1) {
    *error = "connections and streams must be >= 1";
    return false;
  }
  const size_t slots = static_cast<size_t>(options.connections) * options.streams_per_connection;
  auto run = std::make_unique<Run>(options, slots);

  // Same channel setup as the generator (bench/engines/grpc/grpc_channels.cc): a local subchannel
  // pool and a distinct argument per channel, so every channel has its own TCP connection.
  for (int i = 0; i < options.connections; ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("streambench.channel_index", i);
    run->channels.push_back(
        grpc::CreateCustomChannel(options.target, grpc::InsecureChannelCredentials(), args));
  }
  const auto connect_deadline = std::chrono::system_clock::now() + std::chrono::seconds(5);
  for (const auto& channel : run->channels) {
    if (!channel->WaitForConnected(connect_deadline)) {
      *error = "cannot reach " + options.target + " within 5 s";
      return false;
    }
    run->stubs.push_back(StreamBench::NewStub(channel));
  }

  size_t index = 0;
  for (int c = 0; c < options.connections; ++c) {
    for (int s = 0; s < options.streams_per_connection; ++s, ++index) {
      const uint64_t key = (index + 1) << 32;
      Counters& counters = run->counters[index];
      if (options.mode == BareMode::kBidiPingPong) {
        run->bidi.push_back(
            std::make_unique<BidiPingPong>(run->stubs[c].get(), run->shared, counters, key));
      } else {
        run->server_stream.push_back(
            std::make_unique<ServerStreamSlot>(run->stubs[c].get(), run->shared, counters, key));
      }
    }
  }
  for (auto& stream : run->bidi) stream->Start();
  for (auto& slot : run->server_stream) slot->Start();

  std::this_thread::sleep_for(std::chrono::microseconds(options.warmup_us));
  const Totals before = run->Sum();
  const double cpu_before = ProcessCpuSeconds();
  const int64_t start_ns = SteadyNowNs();
  run->shared.measuring.store(true);
  std::this_thread::sleep_for(std::chrono::microseconds(options.duration_us));
  run->shared.measuring.store(false);
  const Totals after = run->Sum();
  const double cpu_after = ProcessCpuSeconds();
  const int64_t end_ns = SteadyNowNs();

  run->shared.stopping.store(true);
  if (!run->shared.WaitAllEnded(std::chrono::seconds(10))) {
    for (auto& stream : run->bidi) stream->context().TryCancel();
    if (!run->shared.WaitAllEnded(std::chrono::seconds(5))) {
      run.release();  // see Run
      *error = "calls did not end within 15 s of the stop";
      return false;
    }
  }

  result->duration_s = (end_ns - start_ns) / 1e9;
  result->messages_sent = after.sent - before.sent;
  result->messages_received = after.received - before.received;
  result->bytes_sent = after.bytes_sent - before.bytes_sent;
  result->bytes_received = after.bytes_received - before.bytes_received;
  result->cpu_seconds = cpu_after - cpu_before;
  result->calls_failed = run->shared.failed.load();
  if (options.record_rtt) {
    std::vector<int64_t>& rtt = run->shared.rtt_ns;
    rtt.resize(std::min<uint64_t>(run->shared.rtt_count.load(), rtt.size()));
    result->rtt_samples = rtt.size();
    result->rtt_p50_us = SamplePercentile(rtt, 0.50) / 1e3;
    result->rtt_p99_us = SamplePercentile(rtt, 0.99) / 1e3;
  }
  return true;
}

std::string BareClientResultJson(const BareClientOptions& options, const BareClientResult& result) {
  nlohmann::json j;
  j["tool"] = "bare_client";
  j["mode"] = options.mode == BareMode::kBidiPingPong ? "bidi" : "server_stream";
  j["connections"] = options.connections;
  j["streams_per_connection"] = options.streams_per_connection;
  j["payload_bytes"] = options.payload_bytes;
  if (options.mode == BareMode::kServerStream) {
    j["response_bytes"] = options.response_bytes;
    j["response_count"] = options.response_count;
  }
  j["duration_s"] = result.duration_s;
  j["messages_sent"] = result.messages_sent;
  j["messages_received"] = result.messages_received;
  j["bytes_sent"] = result.bytes_sent;
  j["bytes_received"] = result.bytes_received;
  j["messages_per_s"] = result.messages_per_s();
  j["messages_received_per_s"] = result.messages_received_per_s();
  j["bytes_received_per_s"] = result.bytes_received_per_s();
  j["cpu_seconds"] = result.cpu_seconds;
  j["calls_failed"] = result.calls_failed;
  if (options.record_rtt) {
    j["rtt_samples"] = result.rtt_samples;
    j["rtt_us"] = {{"p50", result.rtt_p50_us}, {"p99", result.rtt_p99_us}};
  }
  return j.dump();
}

}  // namespace streambench::macro
