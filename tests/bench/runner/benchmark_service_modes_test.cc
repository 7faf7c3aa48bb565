// Runs grpc.testing.BenchmarkService's streaming modes (server_stream -> StreamingFromServer,
// client_stream -> StreamingFromClient) through the RunController against real reference servers
// on ephemeral loopback ports, and checks that what the drivers counted is consistent. Runs are
// short (1 s or less, no warm-up), so every call is accounted for after the drain.
#include <gtest/gtest.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "bench/runner/run_controller.h"
#include "bench/runner/signals.h"
#include "bench/scenario/scenario_loader.h"
#include "server/reference_server.h"
#include "tests/bench/runner/run_test_fixture.h"

namespace streambench::runner {
namespace {

// MustRunAllOk also checks that the result names grpc.testing.BenchmarkService.
class BenchmarkServiceModesTest : public testing::RunTest {};

// kShortRun against BenchmarkService: 2 connections x 2 slots = 4 slots.
std::string Base() {
  return std::string(testing::kShortRun) + "service: grpc.testing.BenchmarkService\n";
}
constexpr uint64_t kSlots = 4;

TEST_F(BenchmarkServiceModesTest, ServerStreamReadsResponseCountThenEndsOk) {
  const report::RunResult r =
      MustRunAllOk(Base() +
                   "mode: server_stream\nload: {type: closed, outstanding: 1}\n"
                   "server_behavior: {response_size: 40B, response_count: 5}\n");
  EXPECT_EQ(Code(r, "CANCELLED"), 0u) << "the client's own cancel after the last response is OK";
  EXPECT_GT(r.calls_finished, kSlots) << "closed loop replaces each finished call";
  EXPECT_EQ(r.messages_received, r.calls_finished * 5);
  EXPECT_EQ(r.bytes_received, r.messages_received * 40);
  EXPECT_EQ(r.messages_sent, r.calls_finished) << "one request per call";
  EXPECT_EQ(r.bytes_sent, r.messages_sent * 100);
  EXPECT_EQ(Latency(r, "message").count, r.messages_received);
  EXPECT_EQ(Latency(r, "first_message").count, r.calls_finished);
  EXPECT_EQ(Latency(r, "call").count, r.calls_finished);
  EXPECT_EQ(Latency(r, "schedule_lag").count, 0u) << "closed loop has no schedule";
  // Every message is timed from the call's start, so the call outlasts its first message.
  EXPECT_GE(Latency(r, "call").max_us, Latency(r, "first_message").min_us);
  // Each call is one stream of 5 messages: 4 gaps, the first from message 1.
  EXPECT_EQ(r.messages_per_stream.streams, r.calls_finished);
  EXPECT_EQ(r.messages_per_stream.min, 5u);
  EXPECT_EQ(r.messages_per_stream.max, 5u);
  EXPECT_EQ(Latency(r, "message_gap").count, r.calls_finished * 4);
}

// StreamingFromServer streams until the client cancels, and a call here cancels after its 3
// responses; until the cancel lands the server keeps writing (measured on loopback: 400-1400
// responses per call whatever the rate), and on a loaded machine the cancel lands later, so a
// run's cost grows with the load until new calls starve (at 100/s beside a build, 1 of 100 calls
// got a response). That is the protocol's cost, not the schedule's, so the server here stops
// each stream itself after the 3 responses (its max_response_count cap): what is tested is that
// the generator keeps a 200/s schedule, whatever the server would have streamed after.
TEST_F(BenchmarkServiceModesTest, ServerStreamOpenLoopKeepsTheSchedule) {
  ServerOptions server_options;
  server_options.caps.max_response_count = 3;
  std::string error;
  auto server = ReferenceServer::Start(server_options, &error);
  ASSERT_NE(server, nullptr) << error;
  const report::RunResult r =
      MustRunAllOk(Base() + "target: " + server->address() +
                   "\nmode: server_stream\nload: {type: constant, rate: 200/s}\n"
                   "server_behavior: {response_size: 8B, response_count: 3}\n");
  ExpectScheduledCount(r.calls_finished, 200, 10);  // 200/s for 1 s
  EXPECT_EQ(r.messages_received, r.calls_finished * 3);
  EXPECT_EQ(Latency(r, "schedule_lag").count, r.calls_finished);
  EXPECT_EQ(Latency(r, "message").count, r.messages_received);
  server->Shutdown();
}

// A server that ends the stream itself (the reference server's max_response_count) before the
// client's count: the call ended OK with fewer messages, and that is what is recorded.
TEST_F(BenchmarkServiceModesTest, ServerStreamEndedEarlyByTheServerIsOkWithFewerMessages) {
  ServerOptions server_options;
  server_options.caps.max_response_count = 3;
  std::string error;
  auto server = ReferenceServer::Start(server_options, &error);
  ASSERT_NE(server, nullptr) << error;
  const report::RunResult r =
      MustRunAllOk(Base() + "target: " + server->address() +
                   "\nmode: server_stream\nload: {type: closed, outstanding: 1}\n"
                   "server_behavior: {response_count: 5}\n");
  EXPECT_EQ(r.messages_received, r.calls_finished * 3);
  EXPECT_EQ(Latency(r, "first_message").count, r.calls_finished);
  // Streams cut short show as short ones.
  EXPECT_EQ(r.messages_per_stream.max, 3u);
  EXPECT_EQ(r.messages_per_stream.streams, r.calls_finished);
  server->Shutdown();
}

TEST_F(BenchmarkServiceModesTest, ServerStreamWithoutResponseCountIsBadInput) {
  scenario::Scenario& s = Scenario(Base() +
                                   "mode: server_stream\n"
                                   "load: {type: closed, outstanding: 1}\n"
                                   "server_behavior: {response_count: 1}\n");
  s.behavior.response_count = 0;  // past the loader, which refuses 0: the drivers' own guard
  const RunOutcome outcome = Run(s);
  EXPECT_EQ(outcome.status, RunOutcome::Status::kBadInput);
  EXPECT_NE(outcome.error.find("grpc.testing.BenchmarkService"), std::string::npos)
      << outcome.error;
  EXPECT_NE(outcome.error.find("server_behavior.response_count"), std::string::npos)
      << outcome.error;
}

TEST_F(BenchmarkServiceModesTest, ClientStreamClosedLoopStreamMessages) {
  const report::RunResult r = MustRunAllOk(
      Base() +
      "mode: client_stream\nload: {type: closed, outstanding: 2}\nstream: {messages: 50}\n");
  EXPECT_GT(r.calls_finished, kSlots) << "streams reaching stream.messages are replaced";
  // Every stream but each slot's last (half-closed by the stop) sent exactly 50.
  EXPECT_LE(r.messages_sent, r.calls_finished * 50);
  EXPECT_GE(r.messages_sent, (r.calls_finished - kSlots) * 50);
  EXPECT_EQ(r.bytes_sent, r.messages_sent * 100);
  // One SimpleResponse per stream, of the requests' response_size (the 64 B default). A stream
  // installed just before the stop can half-close before its first request; the server answers
  // it with an empty response (no request asked for a size): at most one such per slot.
  EXPECT_EQ(r.messages_received, r.calls_finished);
  EXPECT_EQ(r.bytes_received % 64, 0u);
  EXPECT_LE(r.bytes_received, r.calls_finished * 64);
  EXPECT_GE(r.bytes_received, (r.calls_finished - kSlots) * 64);
  EXPECT_EQ(Latency(r, "final_response").count, r.calls_finished);
  EXPECT_EQ(Latency(r, "call").count, r.calls_finished);
  EXPECT_EQ(Latency(r, "write_blocked").count, r.messages_sent);
  EXPECT_EQ(Latency(r, "message").count, r.messages_sent);
  EXPECT_EQ(Latency(r, "schedule_lag").count, 0u) << "closed loop has no schedule";
}

TEST_F(BenchmarkServiceModesTest, ClientStreamOpenLoopStreamDuration) {
  const report::RunResult r = MustRunAllOk(
      Base() +
      "mode: client_stream\nload: {type: constant, rate: 500/s}\nstream: {duration: 200ms}\n");
  ExpectScheduledCount(r.messages_sent, 500, 25);  // 500/s for 1 s
  EXPECT_EQ(Latency(r, "schedule_lag").count, r.messages_sent);
  EXPECT_EQ(Latency(r, "final_response").count, r.calls_finished);
  EXPECT_EQ(r.messages_received, r.calls_finished);
}

}  // namespace
}  // namespace streambench::runner
