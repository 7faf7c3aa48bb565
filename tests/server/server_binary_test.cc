// The streambench-server binary as a child process: ready line, a real call, graceful SIGTERM,
// and the exit codes for bad flags and a taken port.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "tests/server/server_test_support.h"

namespace streambench {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// A running streambench-server with its stdout piped to us.
struct Child {
  pid_t pid = -1;
  FILE* out = nullptr;
};

Child Spawn(std::vector<std::string> args) {
  int out_pipe[2];
  if (pipe(out_pipe) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    close(out_pipe[0]);
    close(out_pipe[1]);
    std::vector<char*> argv;
    static std::string binary = STREAMBENCH_SERVER_BINARY;
    argv.push_back(binary.data());
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  return Child{pid, fdopen(out_pipe[0], "r")};
}

std::string ReadLine(FILE* f) {
  char buffer[256];
  if (f == nullptr || fgets(buffer, sizeof(buffer), f) == nullptr) return "";
  std::string line(buffer);
  if (!line.empty() && line.back() == '\n') line.pop_back();
  return line;
}

// Waits (bounded) for the child to exit; its exit status, or -1 if it had to be killed.
int WaitExit(pid_t pid, std::chrono::seconds timeout = std::chrono::seconds(15)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ServerBinaryTest, ServesUntilSigtermThenExitsZero) {
  Child child =
      Spawn({"--port", "0", "--metrics-port=0", "--stream-window=64KiB", "--shutdown-grace=30s"});
  ASSERT_GT(child.pid, 0);
  const std::string listening = ReadLine(child.out);
  ASSERT_THAT(listening, MatchesRegex("listening on 127\\.0\\.0\\.1:[0-9]+"));
  const std::string metrics = ReadLine(child.out);
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
  // grace period (WaitExit gives up after 15 s).
  kill(child.pid, SIGTERM);
  EXPECT_EQ(WaitExit(child.pid), 0);
  fclose(child.out);
}

TEST(ServerBinaryTest, BadFlagExitsTwo) {
  Child child = Spawn({"--stream-window=lots"});
  ASSERT_GT(child.pid, 0);
  EXPECT_EQ(ReadLine(child.out), "");  // nothing on stdout: it never started
  EXPECT_EQ(WaitExit(child.pid), 2);
  fclose(child.out);
}

TEST(ServerBinaryTest, TakenPortExitsThree) {
  auto holder = testing::StartServer();
  ASSERT_NE(holder, nullptr);
  Child child = Spawn({"--port=" + std::to_string(holder->port())});
  ASSERT_GT(child.pid, 0);
  EXPECT_EQ(WaitExit(child.pid), 3);
  fclose(child.out);
}

TEST(ServerBinaryTest, HelpExitsZero) {
  Child child = Spawn({"--help"});
  ASSERT_GT(child.pid, 0);
  EXPECT_THAT(ReadLine(child.out), HasSubstr("usage: streambench-server"));
  EXPECT_EQ(WaitExit(child.pid), 0);
  fclose(child.out);
}

}  // namespace
}  // namespace streambench
