// The streambench-server binary as a child process: ready line, a real call, graceful SIGTERM,
// and the exit codes for bad flags and a taken port.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/bench/runner/child_process.h"
#include "tests/server/server_test_support.h"

namespace streambench {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr std::chrono::seconds kReadTimeout(10);
// Bounds every wait for the child to exit (then it is killed and Wait returns -1).
constexpr std::chrono::seconds kExitTimeout(15);

// A streambench-server child process with its stdout piped to us.
std::unique_ptr<testing::ChildProcess> Spawn(const std::vector<std::string>& args) {
  return std::make_unique<testing::ChildProcess>(STREAMBENCH_SERVER_BINARY, args);
}

TEST(ServerBinaryTest, ServesUntilSigtermThenExitsZero) {
  auto child =
      Spawn({"--port", "0", "--metrics-port=0", "--stream-window=64KiB", "--shutdown-grace=30s"});
  ASSERT_GT(child->pid(), 0);
  const std::string listening = child->ReadLine(kReadTimeout);
  ASSERT_THAT(listening, MatchesRegex("listening on 127\\.0\\.0\\.1:[0-9]+"));
  const std::string metrics = child->ReadLine(kReadTimeout);
  ASSERT_THAT(metrics, MatchesRegex("metrics on 127\\.0\\.0\\.1:[0-9]+"));
  const std::string address = listening.substr(std::string("listening on ").size());
  const int metrics_port = std::stoi(metrics.substr(metrics.rfind(':') + 1));

  auto stub = testing::MakeStub(address);
  v1::Behavior behavior;
  behavior.set_response_size_bytes(32);
  grpc::ClientContext context;
  v1::Response response;
  ASSERT_TRUE(stub->Unary(&context, testing::MakeRequest(0, 8, behavior), &response).ok());
  EXPECT_TRUE(testing::PayloadValid(response, 32));
  EXPECT_THAT(testing::ScrapeMetrics(metrics_port),
              HasSubstr("streambench_server_calls_started_total{method=\"/streambench.v1."
                        "StreamBench/Unary\"} 1"));

  // The test's channel stays connected but idle: that must not hold the shutdown for the 30 s
  // grace period (the wait gives up after 15 s).
  child->Signal(SIGTERM);
  EXPECT_EQ(child->Wait(kExitTimeout), 0);
}

TEST(ServerBinaryTest, BadFlagExitsTwo) {
  auto child = Spawn({"--stream-window=lots"});
  ASSERT_GT(child->pid(), 0);
  EXPECT_EQ(child->ReadLine(kReadTimeout), "");  // nothing on stdout: it never started
  EXPECT_EQ(child->Wait(kExitTimeout), 2);
}

TEST(ServerBinaryTest, TakenPortExitsThree) {
  auto holder = testing::StartServer();
  ASSERT_NE(holder, nullptr);
  auto child = Spawn({"--port=" + std::to_string(holder->port())});
  ASSERT_GT(child->pid(), 0);
  EXPECT_EQ(child->Wait(kExitTimeout), 3);
}

TEST(ServerBinaryTest, HelpExitsZero) {
  auto child = Spawn({"--help"});
  ASSERT_GT(child->pid(), 0);
  EXPECT_THAT(child->ReadLine(kReadTimeout), HasSubstr("usage: streambench-server"));
  EXPECT_EQ(child->Wait(kExitTimeout), 0);
}

}  // namespace
}  // namespace streambench
