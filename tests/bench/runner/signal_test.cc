// Ctrl-C / SIGTERM to the real `streambench` binary at several moments: during warm-up,
// mid-run, and right at the end of the measured phase (while it drains and writes results). Each
// must leave a complete, valid results file: `interrupted: true` when the signal cut the run
// short, and otherwise either the complete old file or the complete new one (results are written
// to a temp file and renamed). An interrupted run exits 128 + the signal (130 / 143); with
// --push-gateway, the metrics are still pushed.
// The signal is sent once the moment is observed, not after a fixed sleep: the run's messages
// counted on its /metrics endpoint (metrics_probe.h), or its handler installed (/proc SigCgt).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/runner/child_process.h"
#include "tests/bench/runner/metrics_probe.h"

namespace streambench {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using testing::ChildProcess;

class SignalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("streambench_signal_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  std::string WriteScenario(const std::string& text) {
    const std::string p = Path("s.yaml");
    std::ofstream(p) << text;
    return p;
  }
  std::string ReadFile(const std::string& name) const {
    std::ifstream in(Path(name));
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  // Runs the generator with `args` and --metrics-port 0; once `ready(sent)` holds for the
  // messages its /metrics endpoint counts as sent, sends `signo`. Returns its exit code.
  int RunAndSignalWhen(std::vector<std::string> args,
                       const std::function<bool(uint64_t sent)>& ready, int signo) {
    args.insert(args.end(), {"--metrics-port", "0"});
    ChildProcess child(STREAMBENCH_BINARY, args, Path("stderr.txt"));
    EXPECT_GT(child.pid(), 0);
    const auto running = [&child] { return child.Running(); };
    int port = 0;
    const auto give_up = std::chrono::steady_clock::now() + kHungAfter;
    while (port == 0 && running() && std::chrono::steady_clock::now() < give_up) {
      port = testing::MetricsPortIn(ReadFile("stderr.txt"));
      if (port == 0) std::this_thread::sleep_for(milliseconds(10));
    }
    EXPECT_GT(port, 0) << ReadFile("stderr.txt");
    // Messages counted means the run is under way, so its stop handler is installed.
    EXPECT_TRUE(port > 0 && testing::WaitForMessagesSent(port, ready, running, kHungAfter))
        << ReadFile("stderr.txt");
    return SignalAndWait(child, signo);
  }

  // Runs the generator with `args`; sends `signo` `after` its stop handler is installed.
  int RunAndSignalAfterHandler(std::vector<std::string> args, milliseconds after, int signo) {
    ChildProcess child(STREAMBENCH_BINARY, args, Path("stderr.txt"));
    EXPECT_GT(child.pid(), 0);
    const auto give_up = std::chrono::steady_clock::now() + kHungAfter;
    while (!testing::ProcessCatchesSignal(child.pid(), signo) && child.Running() &&
           std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(milliseconds(2));
    }
    EXPECT_TRUE(testing::ProcessCatchesSignal(child.pid(), signo)) << ReadFile("stderr.txt");
    std::this_thread::sleep_for(after);
    return SignalAndWait(child, signo);
  }

  int SignalAndWait(ChildProcess& child, int signo) {
    child.Signal(signo);
    const int code = child.Wait(kHungAfter);
    stderr_ = ReadFile("stderr.txt");
    return code;
  }

  // Only a hung test waits this long.
  static constexpr milliseconds kHungAfter{60000};

  fs::path dir_;
  std::string stderr_;
};

// A closed-loop bidi run long enough that only a signal ends it in time.
std::string LongRun(const std::string& warmup) {
  return "name: long\nmode: bidi\nconnections: 1\nstreams_per_connection: 2\n"
         "load: {type: closed, outstanding: 1}\nwarmup: " +
         warmup + "\nduration: 60s\n";
}

TEST_F(SignalTest, SigintDuringWarmupWritesInterruptedResultsAndExits130) {
  // Warm-up outlasts any wait for the first messages (kHungAfter), so the signal lands in it.
  const std::string scenario = WriteScenario(LongRun("120s"));
  const int code = RunAndSignalWhen(
      {"run", scenario, "--quiet", "--out", Path("r.json")}, [](uint64_t sent) { return sent > 0; },
      SIGINT);
  EXPECT_EQ(code, 130) << stderr_;
  const nlohmann::json j = nlohmann::json::parse(ReadFile("r.json"));  // throws if invalid
  EXPECT_EQ(j["interrupted"], true);
  ASSERT_EQ(j["runs"].size(), 1u);
  EXPECT_EQ(j["runs"][0]["interrupted"], true);
  // Interrupted in warm-up: what was recorded so far is reported rather than nothing.
  EXPECT_GT(j["runs"][0]["messages"]["sent"].get<uint64_t>(), 0u);
  EXPECT_FALSE(fs::exists(Path("r.json.tmp")));
}

TEST_F(SignalTest, SigtermMidRunWritesInterruptedResultsAndExits143) {
  const std::string scenario = WriteScenario(LongRun("200ms"));
  // The counters move once a second, from the first tick on (after the 200 ms warm-up): a count
  // above the first one seen was sent between two ticks, in the measured phase.
  uint64_t first_seen = 0;
  const int code = RunAndSignalWhen(
      {"run", scenario, "--quiet", "--out", Path("r.json"), "--csv", Path("r.csv")},
      [&first_seen](uint64_t sent) {
        if (first_seen == 0) first_seen = sent;
        return first_seen > 0 && sent > first_seen;
      },
      SIGTERM);
  EXPECT_EQ(code, 143) << stderr_;
  const nlohmann::json j = nlohmann::json::parse(ReadFile("r.json"));
  EXPECT_EQ(j["interrupted"], true);
  EXPECT_EQ(j["runs"][0]["interrupted"], true);
  // Two ticks came after the warm-up's end: at least a second was measured.
  EXPECT_GT(j["runs"][0]["duration_s"].get<double>(), 0.5);
  const uint64_t sent = j["runs"][0]["messages"]["sent"].get<uint64_t>();
  EXPECT_GT(sent, 0u);
  // The drain collects the echoes, up to one message in flight per stream (2 streams) at either
  // boundary: echoes of requests sent in warm-up arrive in the measured phase, and a stream's
  // last write can still be in flight when the signal cuts the drain short.
  const uint64_t received = j["runs"][0]["messages"]["received"].get<uint64_t>();
  EXPECT_GE(received + 2, sent) << "the drain still collects the echoes";
  EXPECT_LE(received, sent + 2) << "at most one in-flight echo per stream crosses warm-up's end";
  EXPECT_FALSE(ReadFile("r.csv").empty());
}

// The signal lands around the end of the measured phase: during the last moments of load, the
// drain, or the writing of the results. Whatever the moment, the file on disk is complete JSON:
// the old one (if the process never got to write) or a complete new one. The moment is the
// variable here, so each is an offset from the handler's installation (the run starts right
// after it); any outcome is checked, so a loaded machine shifts the moments without failing.
TEST_F(SignalTest, SignalAroundTheEndLeavesACompleteFile) {
  const std::string scenario = WriteScenario(
      "name: short\nmode: unary\nconnections: 1\nload: {type: closed, outstanding: 2}\n"
      "warmup: 0s\nduration: 1s\n");
  const std::string old_contents = "{\"old\": true}";
  for (const int offset_ms : {900, 1000, 1100, 1300}) {
    SCOPED_TRACE("signal at " + std::to_string(offset_ms) + " ms");
    std::ofstream(Path("r.json")) << old_contents;
    const int code = RunAndSignalAfterHandler({"run", scenario, "--quiet", "--out", Path("r.json")},
                                              milliseconds(offset_ms), SIGINT);
    EXPECT_TRUE(code == 0 || code == 130) << code << " " << stderr_;
    const std::string text = ReadFile("r.json");
    const nlohmann::json j = nlohmann::json::parse(text);  // complete, whichever it is
    if (text == old_contents) continue;
    ASSERT_TRUE(j.contains("runs")) << text;
    EXPECT_EQ(j["interrupted"].get<bool>(), code == 130) << "exit code and file agree";
    EXPECT_EQ(j["runs"].size(), 1u);
    EXPECT_FALSE(fs::exists(Path("r.json.tmp")));
  }
}

// A one-request HTTP server standing in for a Pushgateway: records the request and answers 200.
class FakePushgateway {
 public:
  FakePushgateway() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    listen(fd_, 4);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakePushgateway() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }
  std::string request() {
    std::lock_guard<std::mutex> lock(mu_);
    return request_;
  }

 private:
  void Serve() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!stop_ && std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      const int conn = accept(fd_, nullptr, nullptr);
      if (conn < 0) continue;
      std::string got;
      char buf[4096];
      // Read until the peer has sent the body (Content-Length) or goes quiet.
      while (true) {
        pollfd c{conn, POLLIN, 0};
        if (poll(&c, 1, 1000) <= 0) break;
        const ssize_t n = read(conn, buf, sizeof(buf));
        if (n <= 0) break;
        got.append(buf, static_cast<size_t>(n));
        const size_t header_end = got.find("\r\n\r\n");
        const size_t cl = got.find("Content-Length: ");
        if (header_end != std::string::npos && cl != std::string::npos &&
            got.size() >= header_end + 4 + std::stoul(got.substr(cl + 16))) {
          break;
        }
      }
      const std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      (void)!write(conn, reply.data(), reply.size());
      close(conn);
      std::lock_guard<std::mutex> lock(mu_);
      request_ += got;
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::string request_;
};

TEST_F(SignalTest, InterruptedRunStillPushesMetrics) {
  FakePushgateway gateway;
  const std::string scenario = WriteScenario(LongRun("0s"));
  const int code = RunAndSignalWhen(
      {"run", scenario, "--quiet", "--out", Path("r.json"), "--push-gateway",
       "http://127.0.0.1:" + std::to_string(gateway.port())},
      [](uint64_t sent) { return sent > 0; }, SIGINT);
  EXPECT_EQ(code, 130) << stderr_;
  const std::string request = gateway.request();
  EXPECT_TRUE(request.rfind("PUT ", 0) == 0 || request.rfind("POST ", 0) == 0) << request;
  EXPECT_NE(request.find("streambench_client_"), std::string::npos) << request.substr(0, 300);
  EXPECT_EQ(nlohmann::json::parse(ReadFile("r.json"))["interrupted"], true);
}

}  // namespace
}  // namespace streambench
