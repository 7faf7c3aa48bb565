// The h2 engine through the engine interface (bench/engines/engine.h): calls against the
// reference server's grpc.testing.TestService and, for what it cannot do (hold its flow-control
// window, end a stream whose write is blocked, GOAWAY), the scripted HTTP/2 server. Each test
// holds the engine to one clause of the contract: threads, write completion, the driver's hold,
// cancellation, deadlines, connection failures and reconnects.
#include "bench/engines/h2/h2_engine.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "grpc/testing/messages.pb.h"
#include "tests/bench/engines/h2/scripted_h2_server.h"
#include "tests/server/interop/interop_server_fixture.h"
#include "tests/server/refusing_port.h"

namespace streambench::engines::h2 {
namespace {

using std::chrono::seconds;

// True while this thread is inside one of the engine's Call or Channel methods (the tests call
// them through InMethod): a callback that finds it set ran inside the method.
thread_local bool tls_in_engine_method = false;

template <typename F>
auto InMethod(F&& f) {
  struct Reset {
    ~Reset() { tls_in_engine_method = false; }
  } reset;
  tls_in_engine_method = true;
  return f();
}

// Records one call's callbacks (thread-safe) and checks the contract's order as they come: no
// callback inside an engine method, every callback on one thread (the loop's), no message after
// OnReadsDone, OnWriteDone only for a write in flight, nothing after OnClose. Hooks let a test act
// from inside a callback, as a driver does.
class RecordingObserver : public CallObserver {
 public:
  ~RecordingObserver() = default;

  void OnMessage(std::string_view message) override {
    std::function<void(std::string_view)> hook;
    {
      std::lock_guard<std::mutex> lock(mu_);
      Check("OnMessage");
      if (reads_done_) violations_.push_back("OnMessage after OnReadsDone");
      messages_.emplace_back(message);
      hook = on_message;
    }
    if (hook) hook(message);
    cv_.notify_all();
  }
  void OnWriteDone(bool ok) override {
    std::function<void(bool)> hook;
    {
      std::lock_guard<std::mutex> lock(mu_);
      Check("OnWriteDone");
      if (!write_in_flight_) violations_.push_back("OnWriteDone without a write in flight");
      write_in_flight_ = false;
      write_dones_.push_back(ok);
      hook = on_write_done;
    }
    if (hook) hook(ok);
    cv_.notify_all();
  }
  void OnReadsDone() override {
    std::function<void()> hook;
    {
      std::lock_guard<std::mutex> lock(mu_);
      Check("OnReadsDone");
      if (reads_done_) violations_.push_back("OnReadsDone twice");
      reads_done_ = true;
      hook = on_reads_done;
    }
    if (hook) hook();
    cv_.notify_all();
  }
  void OnClose(const grpc::Status& status) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      Check("OnClose");
      if (write_in_flight_) violations_.push_back("OnClose with a write in flight");
      closed_ = true;
      status_ = status;
    }
    cv_.notify_all();
  }

  // The test says a Write was issued (before calling it), so OnWriteDone can be checked.
  void WriteIssued() {
    std::lock_guard<std::mutex> lock(mu_);
    if (write_in_flight_) violations_.push_back("a second write in flight (test bug)");
    write_in_flight_ = true;
  }

  // Waits (at most 20 s) until `ready` holds of the observer; false when it did not.
  bool WaitUntil(const std::function<bool(const RecordingObserver&)>& ready) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, seconds(20), [&] { return ready(*this); });
  }
  bool WaitForClose() {
    return WaitUntil([](const RecordingObserver& o) { return o.closed_; });
  }
  bool WaitForReadsDone() {
    return WaitUntil([](const RecordingObserver& o) { return o.reads_done_; });
  }

  // Read with the lock held (inside WaitUntil) or once the call is over.
  size_t message_count() const { return messages_.size(); }
  const std::vector<std::string>& messages() const { return messages_; }
  const std::vector<bool>& write_dones() const { return write_dones_; }
  bool reads_done() const { return reads_done_; }
  bool closed() const { return closed_; }
  const grpc::Status& status() const { return status_; }
  std::thread::id callback_thread() const { return callback_thread_; }

  std::vector<std::string> violations() {
    std::lock_guard<std::mutex> lock(mu_);
    return violations_;
  }
  bool closed_now() {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_;
  }
  size_t write_dones_now() {
    std::lock_guard<std::mutex> lock(mu_);
    return write_dones_.size();
  }

  // Set before the call starts.
  std::function<void(std::string_view)> on_message;
  std::function<void(bool)> on_write_done;
  std::function<void()> on_reads_done;

 private:
  void Check(const char* what) {
    if (tls_in_engine_method) violations_.push_back(std::string(what) + " inside an engine method");
    if (closed_) violations_.push_back(std::string(what) + " after OnClose");
    if (callback_thread_ == std::thread::id()) {
      callback_thread_ = std::this_thread::get_id();
    } else if (callback_thread_ != std::this_thread::get_id()) {
      violations_.push_back(std::string(what) + " on another thread than the call's loop");
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> messages_;
  std::vector<bool> write_dones_;
  bool write_in_flight_ = false;
  bool reads_done_ = false;
  bool closed_ = false;
  grpc::Status status_;
  std::thread::id callback_thread_;
  std::vector<std::string> violations_;
};

std::string PingRequest(int response_size) {
  grpc::testing::StreamingOutputCallRequest request;
  request.add_response_parameters()->set_size(response_size);
  return request.SerializeAsString();
}

std::string EchoStatusRequest(int code, const std::string& message) {
  grpc::testing::StreamingOutputCallRequest request;
  request.mutable_response_status()->set_code(code);
  request.mutable_response_status()->set_message(message);
  return request.SerializeAsString();
}

// A loopback listener whose accept queue is full (backlog 0, one connection never accepted), so
// the kernel drops further SYNs: a connect to it stays in progress until it times out, or until
// Close() makes the next SYN retransmission meet a refusal.
class StalledListener {
 public:
  StalledListener() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listen_fd_, 0) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return;
    }
    filler_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (filler_fd_ < 0 || ::connect(filler_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
      return;
    }
    target_ = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  }
  ~StalledListener() {
    Close();
    if (filler_fd_ >= 0) ::close(filler_fd_);
  }
  StalledListener(const StalledListener&) = delete;
  StalledListener& operator=(const StalledListener&) = delete;

  const std::string& target() const { return target_; }  // empty when it could not be set up
  void Close() {
    if (listen_fd_ >= 0) ::close(listen_fd_);
    listen_fd_ = -1;
  }

 private:
  int listen_fd_ = -1;
  int filler_fd_ = -1;
  std::string target_;
};

// Waits (at most 20 s) until the scripted server received `bytes` on its held streams; false when
// it did not, or received more.
bool WaitForHeldBytes(const ScriptedH2Server& server, uint64_t bytes) {
  const auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (server.held_bytes() < bytes && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  return server.held_bytes() == bytes;
}

constexpr char kFullDuplex[] = "/grpc.testing.TestService/FullDuplexCall";

class H2EngineTest : public testing::InteropServerTest {
 protected:
  void SetUp() override {
    InteropServerTest::SetUp();
    engine_ = MakeH2Engine(H2EngineOptions{});
  }
  void TearDown() override {
    channels_.clear();
    engine_.reset();
    InteropServerTest::TearDown();
  }

  Channel& MakeChannel(const std::string& address, TransportSettings transport = {}) {
    ChannelOptions options;
    options.addresses = {address};
    options.index = static_cast<int>(channels_.size());
    options.transport = transport;
    channels_.push_back(engine_->MakeChannel(options));
    return *channels_.back();
  }
  Channel& ServerChannel() { return MakeChannel(server_->address()); }

  static std::shared_ptr<Call> Start(Channel& channel, const char* path,
                                     RecordingObserver* observer, int64_t timeout_us = 20'000'000) {
    CallSpec spec;
    spec.path = path;
    spec.timeout_us = timeout_us;
    return InMethod([&] { return channel.StartCall(spec, observer); });
  }
  static void Write(Call& call, RecordingObserver& observer, const std::string& message) {
    observer.WriteIssued();
    InMethod([&] { call.Write(message); });
  }
  static void WritesDone(Call& call) {
    InMethod([&] { call.WritesDone(); });
  }
  static void Cancel(Call& call) {
    InMethod([&] { call.Cancel(); });
  }
  static void ExpectNoViolations(RecordingObserver& observer) {
    for (const std::string& violation : observer.violations()) ADD_FAILURE() << violation;
  }

  std::unique_ptr<Engine> engine_;
  std::vector<std::shared_ptr<Channel>> channels_;
};

// Ping-pong driven from a thread that is not the loop's: every Write and WritesDone is posted to
// the loop, each write completes, each answer comes back, and every callback runs on the loop.
TEST_F(H2EngineTest, PingPongFromAWorkerThread) {
  Channel& channel = ServerChannel();
  RecordingObserver observer;
  auto call = Start(channel, kFullDuplex, &observer);
  for (size_t i = 0; i < 5; ++i) {
    Write(*call, observer, PingRequest(100 + static_cast<int>(i)));
    ASSERT_TRUE(observer.WaitUntil([i](const RecordingObserver& o) {
      return o.closed() || (o.message_count() == i + 1 && o.write_dones().size() == i + 1);
    }));
    ASSERT_FALSE(observer.closed_now()) << observer.status().error_message();
  }
  EXPECT_TRUE(channel.connected());
  WritesDone(*call);
  ASSERT_TRUE(observer.WaitForClose());
  EXPECT_TRUE(observer.status().ok()) << observer.status().error_message();
  EXPECT_EQ(observer.write_dones(), std::vector<bool>(5, true));
  ASSERT_EQ(observer.messages().size(), 5u);
  grpc::testing::StreamingOutputCallResponse last;
  ASSERT_TRUE(last.ParseFromString(observer.messages()[4]));
  EXPECT_EQ(last.payload().body().size(), 104u);
  EXPECT_TRUE(observer.reads_done());
  EXPECT_NE(observer.callback_thread(), std::this_thread::get_id());
  ExpectNoViolations(observer);
}

// Ping-pong driven from inside the callbacks, on the loop thread (the closed-loop hot path): the
// next request goes once the answer came and the last write completed, as a driver's pump does;
// the half-close comes from inside the last OnMessage.
TEST_F(H2EngineTest, PingPongFromInsideOnMessage) {
  constexpr size_t kRounds = 50;
  Channel& channel = ServerChannel();
  RecordingObserver observer;
  std::shared_ptr<Call> call;
  std::mutex mu;  // the hooks' state; the loop thread takes it, the test reads it at the end
  size_t answers = 0, writes_done = 0, sent = 1;
  auto pump = [&] {
    // Called with `mu` held, on the loop thread.
    if (answers == sent && writes_done == sent) {
      if (sent == kRounds) {
        WritesDone(*call);
      } else {
        ++sent;
        Write(*call, observer, PingRequest(10));
      }
    }
  };
  observer.on_message = [&](std::string_view) {
    std::lock_guard<std::mutex> lock(mu);
    ++answers;
    pump();
  };
  observer.on_write_done = [&](bool ok) {
    std::lock_guard<std::mutex> lock(mu);
    if (ok) ++writes_done;
    pump();
  };
  {
    std::lock_guard<std::mutex> lock(mu);  // the hooks wait until the first write is issued
    call = Start(channel, kFullDuplex, &observer);
    Write(*call, observer, PingRequest(10));
  }
  ASSERT_TRUE(observer.WaitForClose());
  EXPECT_TRUE(observer.status().ok()) << observer.status().error_message();
  EXPECT_EQ(observer.messages().size(), kRounds);
  EXPECT_EQ(observer.write_dones(), std::vector<bool>(kRounds, true));
  ExpectNoViolations(observer);
}

// OnWriteDone(true) means the message's last byte left under flow control: a message larger than
// the window, to a server that does not read, completes only once the server reads.
TEST_F(H2EngineTest, WriteDoneWaitsForTheServersFlowControlWindow) {
  ScriptedH2Server scripted;
  ASSERT_FALSE(scripted.target().empty());
  Channel& channel = MakeChannel(scripted.target());
  RecordingObserver held;
  auto call = Start(channel, "/window/hold", &held);
  constexpr size_t kMessageBytes = 200'000;  // above the 65535-byte default windows
  Write(*call, held, std::string(kMessageBytes, 'x'));
  // The client has sent all that the windows allow...
  ASSERT_TRUE(WaitForHeldBytes(scripted, 65535));
  // ...and a call on the same connection, queued behind it, has been answered, so the loop has
  // run passes since: the write is still not done.
  RecordingObserver other;
  auto other_call = Start(channel, "/message", &other);
  WritesDone(*other_call);
  ASSERT_TRUE(other.WaitForClose());
  EXPECT_EQ(held.write_dones_now(), 0u) << "OnWriteDone before the server read the message";

  RecordingObserver release;
  auto release_call = Start(channel, "/window/release", &release);
  WritesDone(*release_call);
  ASSERT_TRUE(release.WaitForClose());
  ASSERT_TRUE(held.WaitUntil([](const RecordingObserver& o) { return !o.write_dones().empty(); }));
  EXPECT_EQ(held.write_dones(), std::vector<bool>{true});
  // Taken into DATA frames is not yet received: the server's count catches up.
  EXPECT_TRUE(WaitForHeldBytes(scripted, kMessageBytes + kMessagePrefixBytes));
  WritesDone(*call);
  ASSERT_TRUE(held.WaitForClose());
  EXPECT_TRUE(held.status().ok()) << held.status().error_message();
  ExpectNoViolations(held);
  ExpectNoViolations(other);
  ExpectNoViolations(release);
}

// The server ends the call while a write is blocked by flow control and before the half-close:
// the write fails, OnReadsDone comes, and OnClose (with the server's status) waits for
// WritesDone, which comes from inside OnReadsDone as a driver's would.
TEST_F(H2EngineTest, ServerEndFailsTheBlockedWriteAndHoldsTheCloseUntilWritesDone) {
  ScriptedH2Server scripted;
  ASSERT_FALSE(scripted.target().empty());
  Channel& channel = MakeChannel(scripted.target());
  RecordingObserver held;
  std::shared_ptr<Call> call;
  bool close_seen_in_reads_done = true;
  held.on_reads_done = [&] {
    close_seen_in_reads_done = held.closed_now();
    WritesDone(*call);
  };
  call = Start(channel, "/window/hold", &held);
  Write(*call, held, std::string(100'000, 'x'));
  ASSERT_TRUE(WaitForHeldBytes(scripted, 65535));  // all that the windows allow
  RecordingObserver end;
  auto end_call = Start(channel, "/window/end", &end);
  WritesDone(*end_call);
  ASSERT_TRUE(held.WaitForClose());
  EXPECT_EQ(held.write_dones(), std::vector<bool>{false});
  EXPECT_TRUE(held.reads_done());
  EXPECT_FALSE(close_seen_in_reads_done);
  EXPECT_EQ(held.status().error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(held.status().error_message(), "ended by the script");
  ASSERT_TRUE(end.WaitForClose());
  ExpectNoViolations(held);
}

// The server ends the call (a status) before the driver half-closed: OnReadsDone, then nothing
// until WritesDone, however long the loop runs meanwhile; then OnClose with the server's status.
TEST_F(H2EngineTest, ServerEndBeforeWritesDoneHoldsTheClose) {
  Channel& channel = ServerChannel();
  RecordingObserver observer;
  auto call = Start(channel, kFullDuplex, &observer);
  Write(*call, observer, EchoStatusRequest(6, "already there"));
  ASSERT_TRUE(observer.WaitForReadsDone());
  // A whole call on the same channel (the same loop) starts and ends meanwhile.
  RecordingObserver second;
  auto second_call = Start(channel, kFullDuplex, &second);
  Write(*second_call, second, PingRequest(1));
  ASSERT_TRUE(second.WaitUntil([](const RecordingObserver& o) { return o.message_count() == 1; }));
  WritesDone(*second_call);
  ASSERT_TRUE(second.WaitForClose());
  EXPECT_FALSE(observer.closed_now()) << "OnClose before WritesDone";

  WritesDone(*call);
  ASSERT_TRUE(observer.WaitForClose());
  EXPECT_EQ(observer.status().error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(observer.status().error_message(), "already there");
  ExpectNoViolations(observer);
  ExpectNoViolations(second);
}

// Cancel from a thread that is not the loop's: the call ends CANCELLED (the server sees it), the
// close still waits for WritesDone, and a Cancel after the close (observer gone) does nothing.
TEST_F(H2EngineTest, CancelFromAnotherThreadThenAfterTheClose) {
  Channel& channel = ServerChannel();
  auto observer = std::make_unique<RecordingObserver>();
  auto call = Start(channel, kFullDuplex, observer.get());
  Write(*call, *observer, PingRequest(1));
  ASSERT_TRUE(
      observer->WaitUntil([](const RecordingObserver& o) { return o.message_count() == 1; }));
  std::thread canceller([&] { Cancel(*call); });
  canceller.join();
  ASSERT_TRUE(observer->WaitForReadsDone());
  EXPECT_FALSE(observer->closed_now());
  WritesDone(*call);
  ASSERT_TRUE(observer->WaitForClose());
  EXPECT_EQ(observer->status().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(WaitForNoActiveStreams(kFullDuplex));  // the server saw the reset
  ExpectNoViolations(*observer);

  // The observer may go from OnClose on; the driver's Call stays valid for late cancels.
  observer.reset();
  Cancel(*call);
  std::thread late([&] { Cancel(*call); });
  late.join();
  // The channel still works (and the late cancels, run on the loop first, touched nothing).
  RecordingObserver next;
  auto next_call = Start(channel, kFullDuplex, &next);
  WritesDone(*next_call);
  ASSERT_TRUE(next.WaitForClose());
  EXPECT_TRUE(next.status().ok()) << next.status().error_message();
}

// timeout_us is the call's deadline: a call the server never answers ends DEADLINE_EXCEEDED, not
// before its time.
TEST_F(H2EngineTest, DeadlineEndsTheCall) {
  Channel& channel = ServerChannel();
  RecordingObserver observer;
  const auto start = std::chrono::steady_clock::now();
  auto call = Start(channel, kFullDuplex, &observer, /*timeout_us=*/200'000);
  ASSERT_TRUE(observer.WaitForReadsDone());
  // The server enforces the sent grpc-timeout too, on gRPC's millisecond clock: it may end the
  // call (DEADLINE_EXCEEDED in its trailers) a fraction of a millisecond before the client would.
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(199));
  WritesDone(*call);
  ASSERT_TRUE(observer.WaitForClose());
  EXPECT_EQ(observer.status().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << observer.status().error_message();
  ExpectNoViolations(observer);
}

// No connection: the call ends UNAVAILABLE through the observer (after WritesDone, never inside a
// method), the channel is not connected and says why.
TEST_F(H2EngineTest, RefusedPortEndsCallsUnavailable) {
  testing::RefusingPort refusing;
  ASSERT_TRUE(refusing.ok());
  Channel& channel = MakeChannel(refusing.target());
  RecordingObserver observer;
  auto call = Start(channel, kFullDuplex, &observer);
  Write(*call, observer, PingRequest(1));  // on a call that fails
  ASSERT_TRUE(observer.WaitForReadsDone());
  EXPECT_FALSE(observer.closed_now());
  WritesDone(*call);
  ASSERT_TRUE(observer.WaitForClose());
  EXPECT_EQ(observer.status().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(observer.status().error_message().find("refused"), std::string::npos)
      << observer.status().error_message();
  EXPECT_EQ(observer.write_dones(), std::vector<bool>{false});
  EXPECT_FALSE(channel.connected());
  std::string why;
  EXPECT_FALSE(InMethod([&] {
    return channel.WaitForConnected(std::chrono::system_clock::now() + seconds(20), &why);
  }));
  EXPECT_NE(why.find("refused"), std::string::npos) << why;
  ExpectNoViolations(observer);
}

// After the server went away, the channel is not connected; once a server listens on the port
// again, the next call connects anew and succeeds.
TEST_F(H2EngineTest, ReconnectsAfterTheServerRestarts) {
  Channel& channel = ServerChannel();
  std::string why;
  ASSERT_TRUE(channel.WaitForConnected(std::chrono::system_clock::now() + seconds(20), &why))
      << why;
  EXPECT_TRUE(channel.connected());
  ServerOptions options = server_->options();
  options.port = server_->port();
  server_.reset();
  const auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (channel.connected() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_FALSE(channel.connected());

  std::string error;
  server_ = ReferenceServer::Start(options, &error);
  ASSERT_NE(server_, nullptr) << error;
  RecordingObserver observer;
  auto call = Start(channel, kFullDuplex, &observer);
  Write(*call, observer, PingRequest(3));
  WritesDone(*call);
  ASSERT_TRUE(observer.WaitForClose());
  EXPECT_TRUE(observer.status().ok()) << observer.status().error_message();
  EXPECT_EQ(observer.messages().size(), 1u);
  EXPECT_TRUE(channel.connected());
  ExpectNoViolations(observer);
}

// GOAWAY: the stream it lets finish finishes on the old connection, the channel reports itself
// not connected, and the next call goes on a new connection.
TEST_F(H2EngineTest, GoawayMovesTheNextCallToANewConnection) {
  ScriptedH2Server scripted;
  ASSERT_FALSE(scripted.target().empty());
  Channel& channel = MakeChannel(scripted.target());
  RecordingObserver held, trigger;
  auto held_call = Start(channel, "/hold", &held);
  auto trigger_call = Start(channel, "/goaway", &trigger);
  WritesDone(*held_call);
  WritesDone(*trigger_call);
  ASSERT_TRUE(held.WaitForClose());
  ASSERT_TRUE(trigger.WaitForClose());
  EXPECT_TRUE(held.status().ok()) << held.status().error_message();
  EXPECT_EQ(trigger.status().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_FALSE(channel.connected());

  RecordingObserver after;
  auto after_call = Start(channel, "/message", &after);
  WritesDone(*after_call);
  ASSERT_TRUE(after.WaitForClose());
  // The script's answer, not the old connection's refusal.
  EXPECT_EQ(after.status().error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(after.status().error_message(), kScriptedGrpcMessageDecoded);
  EXPECT_TRUE(channel.connected());
}

// A connect in progress does not hold up its loop: with one loop thread, a call on another
// channel goes all the way round while the first channel's connect is still unanswered; the first
// call then ends UNAVAILABLE once the connect is refused.
TEST_F(H2EngineTest, ConnectInProgressDoesNotStallTheLoop) {
  StalledListener stalled;
  ASSERT_FALSE(stalled.target().empty());
  H2EngineOptions options;
  options.loop_threads = 1;
  options.connect_timeout_ms = 60'000;
  engine_ = MakeH2Engine(options);
  Channel& stalled_channel = MakeChannel(stalled.target());
  Channel& server_channel = ServerChannel();
  RecordingObserver waiting;
  auto waiting_call = Start(stalled_channel, kFullDuplex, &waiting);
  Write(*waiting_call, waiting, PingRequest(1));

  RecordingObserver passing;
  auto passing_call = Start(server_channel, kFullDuplex, &passing);
  Write(*passing_call, passing, PingRequest(1));
  WritesDone(*passing_call);
  ASSERT_TRUE(passing.WaitForClose());
  EXPECT_TRUE(passing.status().ok()) << passing.status().error_message();
  EXPECT_FALSE(waiting.closed_now());
  EXPECT_EQ(waiting.write_dones_now(), 0u);
  EXPECT_FALSE(stalled_channel.connected());

  stalled.Close();  // the next SYN is refused
  ASSERT_TRUE(waiting.WaitForReadsDone());
  WritesDone(*waiting_call);
  ASSERT_TRUE(waiting.WaitForClose());
  EXPECT_EQ(waiting.status().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(waiting.status().error_message().find("refused"), std::string::npos)
      << waiting.status().error_message();
  EXPECT_EQ(waiting.write_dones(), std::vector<bool>{false});
  ExpectNoViolations(waiting);
  ExpectNoViolations(passing);
}

// connect_timeout_ms bounds a connect that gets no answer: its calls end UNAVAILABLE, not before,
// and WaitForConnected says why.
TEST_F(H2EngineTest, ConnectTimeoutEndsCallsUnavailable) {
  StalledListener stalled;
  ASSERT_FALSE(stalled.target().empty());
  H2EngineOptions options;
  options.connect_timeout_ms = 300;
  engine_ = MakeH2Engine(options);
  Channel& channel = MakeChannel(stalled.target());
  RecordingObserver observer;
  const auto start = std::chrono::steady_clock::now();
  auto call = Start(channel, kFullDuplex, &observer, /*timeout_us=*/0);
  ASSERT_TRUE(observer.WaitForReadsDone());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
  WritesDone(*call);
  ASSERT_TRUE(observer.WaitForClose());
  EXPECT_EQ(observer.status().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(observer.status().error_message().find("no answer within 300 ms"), std::string::npos)
      << observer.status().error_message();
  std::string why;
  EXPECT_FALSE(channel.WaitForConnected(std::chrono::system_clock::now() + seconds(20), &why));
  EXPECT_NE(why.find("no answer within 300 ms"), std::string::npos) << why;
  ExpectNoViolations(observer);
}

// A cancel or a deadline during the handshake ends the call then, not when the connect is over
// (here not for a minute): nothing of the call has left, so nothing waits for the wire.
TEST_F(H2EngineTest, CancelAndDeadlineWhileConnectingEndTheCallAtOnce) {
  StalledListener stalled;
  ASSERT_FALSE(stalled.target().empty());
  H2EngineOptions options;
  options.connect_timeout_ms = 60'000;
  engine_ = MakeH2Engine(options);
  Channel& channel = MakeChannel(stalled.target());
  RecordingObserver cancelled, expired;
  auto cancelled_call = Start(channel, kFullDuplex, &cancelled);
  Write(*cancelled_call, cancelled, PingRequest(1));
  auto expired_call = Start(channel, kFullDuplex, &expired, /*timeout_us=*/100'000);
  Cancel(*cancelled_call);
  ASSERT_TRUE(cancelled.WaitForReadsDone());
  WritesDone(*cancelled_call);
  ASSERT_TRUE(cancelled.WaitForClose());
  EXPECT_EQ(cancelled.status().error_code(), grpc::StatusCode::CANCELLED)
      << cancelled.status().error_message();
  EXPECT_EQ(cancelled.write_dones(), std::vector<bool>{false});
  ASSERT_TRUE(expired.WaitForReadsDone());
  WritesDone(*expired_call);
  ASSERT_TRUE(expired.WaitForClose());
  EXPECT_EQ(expired.status().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << expired.status().error_message();
  EXPECT_FALSE(channel.connected());
  ExpectNoViolations(cancelled);
  ExpectNoViolations(expired);
}

// Several addresses: a channel dials addresses[index % n] (no per-call balancing).
TEST_F(H2EngineTest, ChannelIndexPicksTheAddress) {
  testing::RefusingPort refusing;
  ASSERT_TRUE(refusing.ok());
  for (int index : {0, 1, 2, 3}) {
    SCOPED_TRACE(index);
    ChannelOptions options;
    options.addresses = {refusing.target(), server_->address()};
    options.index = index;
    auto channel = engine_->MakeChannel(options);
    std::string why;
    EXPECT_EQ(channel->WaitForConnected(std::chrono::system_clock::now() + seconds(20), &why),
              index % 2 == 1)
        << why;
  }
}

// max_send_message_bytes fails a larger write's call RESOURCE_EXHAUSTED, as gRPC's clients do.
TEST_F(H2EngineTest, MessageOverTheSendLimitFailsTheCall) {
  TransportSettings transport;
  transport.max_send_message_bytes = 1000;
  Channel& channel = MakeChannel(server_->address(), transport);
  RecordingObserver observer;
  auto call = Start(channel, kFullDuplex, &observer);
  Write(*call, observer, std::string(1001, 'x'));
  ASSERT_TRUE(observer.WaitForReadsDone());
  WritesDone(*call);
  ASSERT_TRUE(observer.WaitForClose());
  EXPECT_EQ(observer.status().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(observer.write_dones(), std::vector<bool>{false});
  ExpectNoViolations(observer);
}

// Every way a call can end at once or after its end, driven from inside the callbacks on the
// loop thread: a write after the end fails later (OnWriteDone(false) outside Write), a WritesDone
// after the end closes later, a Cancel after the end does nothing.
TEST_F(H2EngineTest, NoCallbackRunsInsideACallMethod) {
  Channel& channel = ServerChannel();
  RecordingObserver observer;
  std::shared_ptr<Call> call;
  observer.on_reads_done = [&] {
    Cancel(*call);
    Write(*call, observer, PingRequest(1));
  };
  observer.on_write_done = [&](bool ok) {
    if (!ok) WritesDone(*call);
  };
  call = Start(channel, kFullDuplex, &observer);
  Write(*call, observer, EchoStatusRequest(5, "gone"));
  ASSERT_TRUE(observer.WaitForClose());
  EXPECT_EQ(observer.status().error_code(), grpc::StatusCode::NOT_FOUND);
  // The status request's write, then the write after the end.
  EXPECT_EQ(observer.write_dones(), (std::vector<bool>{true, false}));
  ExpectNoViolations(observer);
}

// The engine's destructor joins its loops with channels that never called, connected and idle,
// or were released: nothing is left running.
TEST_F(H2EngineTest, EngineDestroyedWithIdleChannels) {
  H2EngineOptions engine_options;
  engine_options.loop_threads = 2;
  auto engine = MakeH2Engine(engine_options);
  std::vector<std::shared_ptr<Channel>> channels;
  for (int i = 0; i < 4; ++i) {
    ChannelOptions options;
    options.addresses = {server_->address()};
    options.index = i;
    channels.push_back(engine->MakeChannel(options));
  }
  std::string why;
  ASSERT_TRUE(channels[0]->WaitForConnected(std::chrono::system_clock::now() + seconds(20), &why));
  ASSERT_TRUE(channels[1]->WaitForConnected(std::chrono::system_clock::now() + seconds(20), &why));
  channels[1].reset();  // released while connected
  channels.clear();
  engine.reset();
}

TEST(H2EngineSettingsTest, TransportSettingsMapToTheConnection) {
  TransportSettings transport;
  transport.stream_window_bytes = 1 << 20;
  transport.max_frame_size_bytes = 1 << 30;  // above HTTP/2's limit
  transport.max_receive_message_bytes = 12345;
  const ConnectionSettings settings = ConnectionSettingsFor(transport, H2EngineOptions{});
  EXPECT_EQ(settings.initial_stream_window_bytes, 1u << 20);
  EXPECT_EQ(settings.initial_connection_window_bytes, 1u << 20);
  EXPECT_EQ(settings.max_frame_size_bytes, (1u << 24) - 1);
  EXPECT_EQ(settings.max_receive_message_bytes, 12345u);
  EXPECT_EQ(ConnectionSettingsFor({}, H2EngineOptions{}).initial_connection_window_bytes, 65535u);
}

}  // namespace
}  // namespace streambench::engines::h2
