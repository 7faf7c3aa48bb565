// Smoke test of the macro benchmark tools (label "macro"): each runs about a second against a
// reference server started here on an ephemeral loopback port and must report non-zero figures.
// Nothing asserts on speed (the figures themselves belong in bench/RESULTS.md).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "grpc/testing/messages.pb.h"
#include "server/reference_server.h"
#include "tests/server/refusing_port.h"

namespace streambench {
namespace {

struct ToolRun {
  int exit_code = -1;
  std::vector<nlohmann::json> lines;  // every stdout line, parsed
};

// Runs `command` (stderr passes through), parses each stdout line as JSON.
ToolRun RunTool(const std::string& command) {
  ToolRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty()) run.lines.push_back(nlohmann::json::parse(line, nullptr, false));
  }
  return run;
}

// The run exited 0 and printed exactly `count` lines, each a JSON object.
::testing::AssertionResult PrintedObjects(const ToolRun& run, size_t count) {
  if (run.exit_code != 0) return ::testing::AssertionFailure() << "exit code " << run.exit_code;
  if (run.lines.size() != count) {
    return ::testing::AssertionFailure() << run.lines.size() << " lines, not " << count;
  }
  for (const nlohmann::json& line : run.lines) {
    if (!line.is_object()) return ::testing::AssertionFailure() << "not an object: " << line;
  }
  return ::testing::AssertionSuccess();
}

class MacroSmokeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = ReferenceServer::Start(ServerOptions{}, &error);
    ASSERT_NE(server_, nullptr) << error;
  }

  std::string BareClient(const std::string& args) const {
    return std::string(BARE_CLIENT_PATH) + " --target " + server_->address() +
           " --warmup 200ms --duration 1s " + args;
  }

  std::string BareH2Client(const std::string& args) const {
    return std::string(BARE_H2_CLIENT_PATH) + " --target " + server_->address() +
           " --warmup 200ms --duration 1s " + args;
  }

  std::unique_ptr<ReferenceServer> server_;
};

TEST_F(MacroSmokeTest, BareClientBidiPingPongReportsThroughputAndRtt) {
  const ToolRun run =
      RunTool(BareClient("--mode bidi --connections 2 --streams 2 --payload 1KiB"
                         " --record-rtt true"));
  ASSERT_TRUE(PrintedObjects(run, 1));
  const nlohmann::json& j = run.lines[0];
  EXPECT_EQ(j["mode"], "bidi");
  EXPECT_GT(j["messages_sent"].get<uint64_t>(), 0u);
  EXPECT_GT(j["messages_received"].get<uint64_t>(), 0u);
  // Ping-pong: every received echo answers a sent request, at most one in flight per stream.
  EXPECT_LE(j["messages_received"].get<uint64_t>(), j["messages_sent"].get<uint64_t>() + 4);
  EXPECT_EQ(j["bytes_received"].get<uint64_t>(), j["messages_received"].get<uint64_t>() * 1024);
  EXPECT_GT(j["messages_per_s"].get<double>(), 0);
  EXPECT_GT(j["cpu_seconds"].get<double>(), 0);
  EXPECT_GT(j["rtt_samples"].get<uint64_t>(), 0u);
  EXPECT_GT(j["rtt_us"]["p50"].get<double>(), 0);
  EXPECT_GE(j["rtt_us"]["p99"].get<double>(), j["rtt_us"]["p50"].get<double>());
  EXPECT_EQ(j["calls_failed"], 0);
}

TEST_F(MacroSmokeTest, BareClientServerStreamReportsBytes) {
  const ToolRun run =
      RunTool(BareClient("--mode server_stream --response-size 64KiB --response-count 10"));
  ASSERT_TRUE(PrintedObjects(run, 1));
  const nlohmann::json& j = run.lines[0];
  EXPECT_EQ(j["mode"], "server_stream");
  EXPECT_GT(j["messages_received"].get<uint64_t>(), 0u);
  EXPECT_EQ(j["bytes_received"].get<uint64_t>(), j["messages_received"].get<uint64_t>() * 65536);
  EXPECT_GT(j["bytes_received_per_s"].get<double>(), 0);
  EXPECT_EQ(j["calls_failed"], 0);
}

TEST_F(MacroSmokeTest, BareClientRejectsBadFlagsAndUnreachableTarget) {
  EXPECT_EQ(RunTool(BareClient("--mode sideways")).exit_code, 2);
  EXPECT_EQ(RunTool(BareClient("--no-such-flag 1")).exit_code, 2);
  testing::RefusingPort refusing;
  ASSERT_TRUE(refusing.ok());
  const ToolRun run =
      RunTool(std::string(BARE_CLIENT_PATH) + " --target " + refusing.target() + " --duration 1s");
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(run.lines.empty());
}

// bare_h2_client against the reference server's BenchmarkService, both modes: every response
// parsed and of the size asked for, every call ended OK, round trips timed.
TEST_F(MacroSmokeTest, BareH2ClientBidiAndUnaryReportCheckedRoundTrips) {
  for (const std::string mode : {"bidi", "unary"}) {
    SCOPED_TRACE(mode);
    const ToolRun run = RunTool(BareH2Client("--mode " + mode +
                                             " --connections 2 --streams 4 --threads 2"
                                             " --payload 1KiB"));
    ASSERT_TRUE(PrintedObjects(run, 1));
    const nlohmann::json& j = run.lines[0];
    EXPECT_EQ(j["mode"], mode);
    EXPECT_EQ(j["threads"], 2);
    const uint64_t round_trips = j["round_trips"].get<uint64_t>();
    EXPECT_GT(round_trips, 0u);
    EXPECT_EQ(j["bytes_received"].get<uint64_t>(), round_trips * 1024);
    EXPECT_EQ(j["bad_responses"], 0);
    EXPECT_EQ(j["calls_failed"], 0);
    EXPECT_GT(j["cpu_s_per_100k_round_trips"].get<double>(), 0);
    EXPECT_EQ(j["rtt_samples"].get<uint64_t>(), round_trips);
    EXPECT_GT(j["rtt_us"]["p50"].get<double>(), 0);
    EXPECT_GE(j["rtt_us"]["p99"].get<double>(), j["rtt_us"]["p50"].get<double>());
  }
}

// The measured phase ends at its round-trip budget when that comes before its duration.
TEST_F(MacroSmokeTest, BareH2ClientStopsAtItsRoundTripBudget) {
  const ToolRun run = RunTool(std::string(BARE_H2_CLIENT_PATH) + " --target " + server_->address() +
                              " --warmup 0s --duration 100s --max-round-trips 300");
  ASSERT_TRUE(PrintedObjects(run, 1));
  const nlohmann::json& j = run.lines[0];
  EXPECT_GE(j["round_trips"].get<uint64_t>(), 300u);
  // Ended by the count, not by the 100 s duration (the budget is checked every few ms).
  EXPECT_LT(j["duration_s"].get<double>(), 50);
}

// The body given to h2load is one gRPC message: a SimpleRequest carrying and asking for the
// payload size.
TEST(MacroSmoke, BareH2ClientWritesTheFramedRequestBody) {
  char path[] = "/tmp/bare_h2_request_XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  const ToolRun run =
      RunTool(std::string(BARE_H2_CLIENT_PATH) + " --payload 100B --write-request-body " + path);
  EXPECT_EQ(run.exit_code, 0);
  std::ifstream in(path, std::ios::binary);
  const std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ::unlink(path);
  ASSERT_GE(body.size(), 5u);
  EXPECT_EQ(body[0], 0);  // not compressed
  const uint32_t length = (uint32_t{static_cast<uint8_t>(body[1])} << 24) |
                          (uint32_t{static_cast<uint8_t>(body[2])} << 16) |
                          (uint32_t{static_cast<uint8_t>(body[3])} << 8) |
                          uint32_t{static_cast<uint8_t>(body[4])};
  ASSERT_EQ(length, body.size() - 5);
  grpc::testing::SimpleRequest request;
  ASSERT_TRUE(request.ParseFromString(body.substr(5)));
  EXPECT_EQ(request.response_size(), 100);
  EXPECT_EQ(request.payload().body().size(), 100u);
}

TEST_F(MacroSmokeTest, BareH2ClientRejectsBadFlagsAndUnreachableTarget) {
  EXPECT_EQ(RunTool(BareH2Client("--mode sideways")).exit_code, 2);
  EXPECT_EQ(RunTool(BareH2Client("--threads 0")).exit_code, 2);
  testing::RefusingPort refusing;
  ASSERT_TRUE(refusing.ok());
  const ToolRun run = RunTool(std::string(BARE_H2_CLIENT_PATH) + " --target " + refusing.target() +
                              " --duration 1s");
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(run.lines.empty());
}

TEST(MacroSmoke, RawTcpReportsRoundTripsAndBandwidth) {
  const ToolRun run = RunTool(std::string(RAW_TCP_BENCH_PATH) +
                              " --mode both --payload 64B --round-trips 5000 --duration 1s");
  ASSERT_TRUE(PrintedObjects(run, 2));
  const nlohmann::json& ping = run.lines[0];
  const nlohmann::json& bulk = run.lines[1];
  EXPECT_EQ(ping["mode"], "pingpong");
  EXPECT_GT(ping["round_trips"].get<uint64_t>(), 0u);
  EXPECT_LE(ping["round_trips"].get<uint64_t>(), 5000u);
  EXPECT_GT(ping["rtt_us"]["p50"].get<double>(), 0);
  EXPECT_GE(ping["rtt_us"]["p99"].get<double>(), ping["rtt_us"]["p50"].get<double>());
  EXPECT_EQ(bulk["mode"], "bulk");
  EXPECT_GT(bulk["bytes"].get<uint64_t>(), 0u);
  EXPECT_GT(bulk["bytes_per_s"].get<double>(), 0);
}

TEST(MacroSmoke, RawTcpRejectsBadFlags) {
  EXPECT_EQ(RunTool(std::string(RAW_TCP_BENCH_PATH) + " --mode sideways").exit_code, 2);
  EXPECT_EQ(RunTool(std::string(RAW_TCP_BENCH_PATH) + " --payload 0").exit_code, 2);
}

}  // namespace
}  // namespace streambench
