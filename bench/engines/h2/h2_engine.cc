#include "bench/engines/h2/h2_engine.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "bench/engines/h2/event_loop.h"

namespace streambench::engines::h2 {
namespace {

using SteadyClock = std::chrono::steady_clock;

// One channel's connections, on its loop's thread: the current one, and those being replaced
// whose streams still run (after GOAWAY). Everything but connected_ belongs to the loop thread.
class ChannelCore {
 public:
  ChannelCore(EventLoop* loop, std::string address, ConnectionSettings settings,
              uint64_t max_send_message_bytes)
      : loop_(loop),
        address_(std::move(address)),
        settings_(std::move(settings)),
        max_send_message_bytes_(max_send_message_bytes) {}
  ~ChannelCore() {
    for (auto& c : draining_) loop_->Remove(c.get());
    if (current_) loop_->Remove(current_.get());
  }
  ChannelCore(const ChannelCore&) = delete;
  ChannelCore& operator=(const ChannelCore&) = delete;

  EventLoop* loop() const { return loop_; }
  uint64_t max_send_message_bytes() const { return max_send_message_bytes_; }
  bool connected() const { return connected_.load(std::memory_order_acquire); }

  // A connection that takes new streams: the current one (perhaps still connecting), or one
  // started now. Null with *error when the target cannot be reached at once.
  Connection* Acquire(std::string* error) {
    if (current_ && current_->accepting_streams()) return current_.get();
    // The old one is destroyed by Maintain, outside whatever the loop is inside now (this may
    // run from a callback of that very connection).
    Retire();
    if (address_.empty()) {
      *error = "the channel has no address";
      return nullptr;
    }
    std::string why;
    current_ = Connection::StartConnect(address_, settings_, &why);
    if (!current_) {
      *error = "failed to connect to " + why;
      return nullptr;
    }
    loop_->Add(current_.get());
    return current_.get();
  }

  // Calls `waiter` (on the loop thread) with whether the channel got connected and why not:
  // at once when it can tell, else from Maintain once the connect is over.
  void WhenConnected(std::function<void(bool connected, const std::string& why)> waiter) {
    std::string error;
    Connection* connection = Acquire(&error);
    if (connection == nullptr) {
      waiter(false, error);
    } else if (!connection->connecting()) {
      waiter(true, "");
    } else {
      waiters_.push_back(std::move(waiter));
    }
  }

  // WaitForConnected on the loop thread itself, which cannot wait for its own passes: waits in
  // poll for the handshake, for at most `timeout`.
  bool AwaitConnected(std::chrono::milliseconds timeout, std::string* why) {
    Connection* connection = Acquire(why);
    if (connection == nullptr) return false;
    if (connection->AwaitConnect(timeout)) return true;
    *why = connection->alive() ? "still connecting at the deadline" : connection->failure();
    return false;
  }

  // After each pass: what connected() says, the waiters of a connect that is over, and the
  // replaced connections whose streams are done are closed.
  void Maintain() {
    if (current_ && !current_->alive()) Retire();
    const bool up = current_ && !current_->connecting() && current_->accepting_streams();
    connected_.store(up, std::memory_order_release);
    if (!waiters_.empty() && (!current_ || !current_->connecting())) {
      const std::string why = up ? "" : (current_ ? current_->refusal() : last_failure_);
      auto waiters = std::move(waiters_);
      waiters_.clear();
      for (auto& waiter : waiters) waiter(up, why);
    }
    for (size_t i = 0; i < draining_.size();) {
      Connection* c = draining_[i].get();
      if (c->alive() && c->open_streams() > 0) {
        ++i;
        continue;
      }
      loop_->Remove(c);
      draining_[i] = std::move(draining_.back());
      draining_.pop_back();
    }
  }

 private:
  EventLoop* const loop_;
  const std::string address_;
  const ConnectionSettings settings_;
  const uint64_t max_send_message_bytes_;
  void Retire() {
    if (!current_) return;
    if (!current_->alive()) last_failure_ = current_->failure();
    draining_.push_back(std::move(current_));
  }

  std::unique_ptr<Connection> current_;
  std::vector<std::unique_ptr<Connection>> draining_;
  std::string last_failure_;  // why the last connection that died ended
  std::vector<std::function<void(bool, const std::string&)>> waiters_;
  std::atomic<bool> connected_{false};
};

// One call: the engine's Call, and the StreamHandler of its stream. Its state belongs to the
// loop thread; the Call methods run there directly when called on it with nothing of this call
// still queued, and are posted otherwise, so they take effect in the order they were called.
class H2Call final : public Call,
                     public StreamHandler,
                     public std::enable_shared_from_this<H2Call> {
 public:
  H2Call(std::shared_ptr<ChannelCore> core, CallObserver* observer)
      : core_(std::move(core)), loop_(core_->loop()), observer_(observer) {}

  // The engine's reference, held until OnClose has returned.
  void Hold(std::shared_ptr<H2Call> self) { self_ = std::move(self); }

  // Starts the stream; `deadline` = time_point::max() for none.
  void Start(std::string_view path, const Metadata& metadata, SteadyClock::time_point deadline) {
    std::string error;
    Connection* connection = core_->Acquire(&error);
    if (connection == nullptr) {
      OnClose(CallStatus{kUnavailable, error});
      return;
    }
    connection_ = connection;
    // On failure the connection has called OnClose already.
    stream_ = connection->StartCall(path, metadata, deadline, this);
  }

  void StartFromAnyThread(const CallSpec& spec) {
    const SteadyClock::time_point deadline =
        spec.timeout_us > 0 ? SteadyClock::now() + std::chrono::microseconds(spec.timeout_us)
                            : SteadyClock::time_point::max();
    static const Metadata kNone;
    const Metadata& metadata = spec.metadata != nullptr ? *spec.metadata : kNone;
    if (RunsHere()) {
      Start(spec.path, metadata, deadline);
      return;
    }
    Post([path = std::string(spec.path), metadata, deadline](H2Call& call) {
      call.Start(path, metadata, deadline);
    });
  }

  // --- Call ---
  void Write(std::string_view message) override {
    if (RunsHere()) {
      DoWrite(message);
      return;
    }
    Post([message = std::string(message)](H2Call& call) { call.DoWrite(message); });
  }
  void WritesDone() override {
    if (RunsHere()) {
      DoWritesDone();
      return;
    }
    Post([](H2Call& call) { call.DoWritesDone(); });
  }
  void Cancel() override {
    if (RunsHere()) {
      DoCancel();
      return;
    }
    Post([](H2Call& call) { call.DoCancel(); });
  }

  // --- StreamHandler (the connection's events, on the loop thread) ---
  void OnMessage(std::string_view message) override {
    // Straight from the socket's bytes: the connection calls this only from OnReadable, never
    // from inside a Call method.
    observer_->OnMessage(message);
  }
  void OnMessageSent() override {
    loop_->Defer([this] { DeliverWriteDone(true); });
  }
  void OnClose(const CallStatus& status) override {
    ended_ = true;
    status_ = status;
    connection_ = nullptr;
    stream_ = StreamHandle{};
    loop_->Defer([this] { DeliverEnd(); });
  }

 private:
  bool RunsHere() const {
    return posted_ops_.load(std::memory_order_acquire) == 0 && loop_->InLoopThread();
  }
  void Post(std::function<void(H2Call&)> op) {
    posted_ops_.fetch_add(1, std::memory_order_acq_rel);
    loop_->Post([self = shared_from_this(), op = std::move(op)] {
      self->posted_ops_.fetch_sub(1, std::memory_order_acq_rel);
      op(*self);
    });
  }

  void DoWrite(std::string_view message) {
    if (close_queued_) return;  // outside the contract: the call is over for the driver
    write_in_flight_ = true;
    if (ended_) {
      // Later, not inside Write: the end (or a write failed after it) reports it.
      if (end_delivered_) loop_->Defer([this] { DeliverWriteDone(false); });
      return;
    }
    if (writes_done_) return;  // outside the contract: it fails when the stream ends
    const uint64_t limit = core_->max_send_message_bytes();
    if (message.size() > limit) {
      // As gRPC's clients fail such a call (the write in flight fails with it).
      connection_->Reset(
          stream_, CallStatus{kResourceExhausted, "Sent message larger than max (" +
                                                      std::to_string(message.size()) + " vs. " +
                                                      std::to_string(limit) + ")"});
      return;
    }
    connection_->Write(stream_, message);
  }

  void DoWritesDone() {
    if (writes_done_) return;
    writes_done_ = true;
    if (!ended_) {
      connection_->WritesDone(stream_);
      return;
    }
    MaybeClose();
  }

  void DoCancel() {
    if (ended_) return;
    connection_->Cancel(stream_);
  }

  void DeliverWriteDone(bool ok) {
    if (!write_in_flight_) return;
    write_in_flight_ = false;
    observer_->OnWriteDone(ok);
  }

  void DeliverEnd() {
    end_delivered_ = true;
    DeliverWriteDone(false);
    observer_->OnReadsDone();
    MaybeClose();
  }

  // OnClose waits for the end to be delivered and for the driver's WritesDone (its hold).
  void MaybeClose() {
    if (!end_delivered_ || !writes_done_ || close_queued_) return;
    close_queued_ = true;
    loop_->Defer([this] {
      DeliverWriteDone(false);
      std::shared_ptr<H2Call> last = std::move(self_);  // may destroy this when it goes
      observer_->OnClose(
          grpc::Status(static_cast<grpc::StatusCode>(status_.code), status_.message));
    });
  }

  const std::shared_ptr<ChannelCore> core_;
  EventLoop* const loop_;
  CallObserver* const observer_;
  std::shared_ptr<H2Call> self_;
  std::atomic<int> posted_ops_{0};  // this call's operations posted and not yet run
  // The loop thread's:
  Connection* connection_ = nullptr;
  StreamHandle stream_;
  bool write_in_flight_ = false;
  bool writes_done_ = false;
  bool ended_ = false;          // the stream is over; status_ says how
  bool end_delivered_ = false;  // OnReadsDone was called
  bool close_queued_ = false;
  CallStatus status_;
};

class H2Channel final : public Channel {
 public:
  explicit H2Channel(std::shared_ptr<ChannelCore> core) : core_(std::move(core)) {}
  ~H2Channel() override {
    // Wakes the loop so it closes the connection once no call holds the channel.
    core_->loop()->Post([] {});
  }

  std::shared_ptr<Call> StartCall(const CallSpec& spec, CallObserver* observer) override {
    auto call = std::make_shared<H2Call>(core_, observer);
    call->Hold(call);
    call->StartFromAnyThread(spec);
    return call;
  }

  bool connected() const override { return core_->connected(); }

  bool WaitForConnected(std::chrono::system_clock::time_point deadline, std::string* why) override {
    if (core_->loop()->InLoopThread()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::system_clock::now());
      return core_->AwaitConnected(std::max(std::chrono::milliseconds(0), left), why);
    }
    struct Outcome {
      std::mutex mu;
      std::condition_variable cv;
      bool done = false;
      bool connected = false;
      std::string why;
    };
    auto outcome = std::make_shared<Outcome>();
    core_->loop()->Post([core = core_, outcome] {
      core->WhenConnected([outcome](bool connected, const std::string& why) {
        std::lock_guard<std::mutex> lock(outcome->mu);
        outcome->done = true;
        outcome->connected = connected;
        outcome->why = why;
        outcome->cv.notify_all();
      });
    });
    std::unique_lock<std::mutex> lock(outcome->mu);
    if (!outcome->cv.wait_until(lock, deadline, [&] { return outcome->done; })) {
      *why = "still connecting at the deadline";
      return false;
    }
    if (!outcome->connected) *why = outcome->why;
    return outcome->connected;
  }

 private:
  const std::shared_ptr<ChannelCore> core_;
};

// One event loop, its thread and the channels on it.
class LoopThread {
 public:
  LoopThread() : thread_([this] { Run(); }) {}
  ~LoopThread() {
    stop_.store(true, std::memory_order_release);
    loop_.Post([] {});
    thread_.join();
    // Every call has closed (the engine's contract), so no stream is open on these.
    cores_.clear();
  }
  LoopThread(const LoopThread&) = delete;
  LoopThread& operator=(const LoopThread&) = delete;

  EventLoop* loop() { return &loop_; }
  void Adopt(std::shared_ptr<ChannelCore> core) {
    loop_.Post([this, core = std::move(core)]() mutable { cores_.push_back(std::move(core)); });
  }

 private:
  void Run() {
    while (!stop_.load(std::memory_order_acquire)) {
      loop_.RunOnce(std::chrono::milliseconds(1000));
      for (size_t i = 0; i < cores_.size();) {
        // Held by nobody else (no channel, no call): nothing can reach it any more.
        if (cores_[i].use_count() == 1) {
          cores_[i] = std::move(cores_.back());
          cores_.pop_back();
          continue;
        }
        cores_[i]->Maintain();
        ++i;
      }
    }
  }

  EventLoop loop_;
  std::atomic<bool> stop_{false};
  std::vector<std::shared_ptr<ChannelCore>> cores_;  // the loop thread's
  std::thread thread_;                               // last: starts once the rest is built
};

class H2Engine final : public Engine {
 public:
  explicit H2Engine(const H2EngineOptions& options)
      : options_(options),
        max_loops_(options.loop_threads > 0
                       ? options.loop_threads
                       : std::max(1, static_cast<int>(std::thread::hardware_concurrency()))) {}

  std::shared_ptr<Channel> MakeChannel(const ChannelOptions& options) override {
    LoopThread* loop_thread;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (static_cast<int>(loops_.size()) < max_loops_) {
        loops_.push_back(std::make_unique<LoopThread>());
      }
      loop_thread = loops_[next_loop_++ % loops_.size()].get();
    }
    const std::string address =
        options.addresses.empty()
            ? std::string()
            : options.addresses[static_cast<size_t>(std::max(0, options.index)) %
                                options.addresses.size()];
    ConnectionSettings settings = ConnectionSettingsFor(options.transport, options_);
    settings.tls = options.tls;
    if (!options.bearer_token.empty()) settings.authorization = "Bearer " + options.bearer_token;
    auto core = std::make_shared<ChannelCore>(
        loop_thread->loop(), address, std::move(settings),
        options.transport.max_send_message_bytes.value_or(UINT64_MAX));
    loop_thread->Adopt(core);
    return std::make_shared<H2Channel>(std::move(core));
  }

 private:
  const H2EngineOptions options_;
  const int max_loops_;
  std::mutex mu_;
  std::vector<std::unique_ptr<LoopThread>> loops_;  // guarded by mu_
  size_t next_loop_ = 0;                            // guarded by mu_
};

}  // namespace

std::unique_ptr<Engine> MakeH2Engine(const H2EngineOptions& options) {
  return std::make_unique<H2Engine>(options);
}

ConnectionSettings ConnectionSettingsFor(const TransportSettings& transport,
                                         const H2EngineOptions& options) {
  ConnectionSettings settings;
  settings.connect_timeout = std::chrono::milliseconds(options.connect_timeout_ms);
  constexpr uint64_t kMaxWindowBytes = (1u << 31) - 1;  // HTTP/2's largest window
  if (transport.stream_window_bytes) {
    settings.initial_stream_window_bytes =
        static_cast<uint32_t>(std::min(*transport.stream_window_bytes, kMaxWindowBytes));
  }
  settings.initial_connection_window_bytes =
      std::max(settings.initial_connection_window_bytes, settings.initial_stream_window_bytes);
  if (transport.max_frame_size_bytes) {
    constexpr uint64_t kMinFrameBytes = 16384, kMaxFrameBytes = (1u << 24) - 1;
    settings.max_frame_size_bytes = static_cast<uint32_t>(
        std::clamp(*transport.max_frame_size_bytes, kMinFrameBytes, kMaxFrameBytes));
  }
  if (transport.max_receive_message_bytes) {
    settings.max_receive_message_bytes = static_cast<size_t>(*transport.max_receive_message_bytes);
  }
  return settings;
}

}  // namespace streambench::engines::h2
