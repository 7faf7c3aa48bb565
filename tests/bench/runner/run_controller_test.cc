// Runs real scenarios through the RunController against the embedded reference server and checks
// that what the drivers counted is consistent. Runs are short (about 1 s) with no warm-up, so
// every message sent is accounted for after the drain.
#include "bench/runner/run_controller.h"

#include <gtest/gtest.h>

#include <cmath>
#include <future>
#include <iostream>
#include <sstream>
#include <thread>

#include "bench/runner/signals.h"
#include "server/reference_server.h"
#include "tests/bench/runner/run_test_fixture.h"

namespace streambench::runner {
namespace {

class RunControllerTest : public testing::RunTest {};

constexpr const char* kBase = testing::kShortRun;

TEST_F(RunControllerTest, BidiClosedLoopEchoesEveryMessage) {
  // Streams end after stream.messages and are replaced.
  const auto r = MustRunAllOk(std::string(kBase) +
                              "mode: bidi\nload: {type: closed, outstanding: 2}\n"
                              "stream: {messages: 300}\n"
                              "server_behavior: {bidi: echo, response_size: 0B}\n");
  EXPECT_GT(r.messages_sent, 300u);
  EXPECT_EQ(r.messages_received, r.messages_sent);
  EXPECT_EQ(r.bytes_sent, r.messages_sent * 100);
  EXPECT_EQ(r.bytes_received, r.bytes_sent);
  EXPECT_GT(r.calls_finished, 4u) << "streams reaching stream.messages are replaced";
  EXPECT_EQ(Latency(r, "message").count, r.messages_received);
  EXPECT_EQ(Latency(r, "write_blocked").count, r.messages_sent);
  EXPECT_EQ(Latency(r, "call").count, r.calls_finished);
  EXPECT_EQ(Latency(r, "schedule_lag").count, 0u) << "closed loop has no schedule";
}

TEST_F(RunControllerTest, BidiOpenLoopConstantRate) {
  const auto r = MustRunAllOk(std::string(kBase) +
                              "mode: bidi\nthreads: 2\nload: {type: constant, rate: 400/s}\n"
                              "server_behavior: {bidi: echo, response_size: 32B}\n");
  ExpectScheduledCount(r.messages_sent, 400, 20);  // 400/s for 1 s
  EXPECT_EQ(r.messages_received, r.messages_sent);
  EXPECT_EQ(r.bytes_received, r.messages_received * 32);
  EXPECT_EQ(Latency(r, "schedule_lag").count, r.messages_sent);
}

TEST_F(RunControllerTest, BidiIndependentStreamsResponseCount) {
  const auto r =
      MustRunAllOk(std::string(kBase) +
                   "mode: bidi\nload: {type: closed, outstanding: 1}\nstream: {messages: 20}\n"
                   "server_behavior: {bidi: independent, response_count: 5, response_size: 16B}\n");
  // Every stream that sent its first request got its 5 responses (integrity 0 above); a stream
  // replaced just as the run stopped may have half-closed before sending anything (at most one
  // per slot, 4 slots), and is owed nothing.
  EXPECT_LE(r.messages_received, r.calls_finished * 5);
  EXPECT_GE(r.messages_received, (r.calls_finished - 4) * 5);
  EXPECT_EQ(r.messages_received % 5, 0u) << "no stream got part of its responses";
  EXPECT_LE(r.messages_sent, r.calls_finished * 20);
  EXPECT_GE(r.messages_sent, (r.calls_finished - 4) * 20);
}

TEST_F(RunControllerTest, UnaryClosedLoop) {
  const auto r = MustRunAllOk(std::string(kBase) +
                              "mode: unary\nload: {type: closed, outstanding: 3}\n"
                              "server_behavior: {response_size: 50B}\n");
  EXPECT_EQ(r.calls_finished, r.messages_sent);
  EXPECT_EQ(r.messages_received, r.messages_sent);
  EXPECT_EQ(r.bytes_received, r.messages_received * 50);
  EXPECT_EQ(Latency(r, "call").count, r.calls_finished);
}

TEST_F(RunControllerTest, UnaryOpenLoopPoisson) {
  const auto r =
      MustRunAllOk(std::string(kBase) + "mode: unary\nload: {type: poisson, rate: 300/s}\n");
  // A Poisson count over the measured window has mean rate x duration and the same variance: five
  // standard deviations (plus one call at each edge of the window) hold unless the schedule is
  // wrong, where 150..450 would also have let a rate off by 50% through.
  const double expected = 300.0 * r.duration_s;
  EXPECT_NEAR(static_cast<double>(r.calls_finished), expected, 5 * std::sqrt(expected) + 2);
  EXPECT_EQ(r.messages_received, r.calls_finished);
  EXPECT_EQ(Latency(r, "schedule_lag").count, r.calls_finished);
}

TEST_F(RunControllerTest, ServerStreamReceivesEveryResponse) {
  const auto r = MustRunAllOk(std::string(kBase) +
                              "mode: server_stream\nload: {type: closed, outstanding: 1}\n"
                              "server_behavior: {response_count: 7, response_size: 20B}\n");
  EXPECT_EQ(r.messages_received, r.calls_finished * 7);
  EXPECT_EQ(r.bytes_received, r.messages_received * 20);
  EXPECT_EQ(Latency(r, "first_message").count, r.calls_finished);
}

TEST_F(RunControllerTest, ServerStreamOpenLoopRamp) {
  const auto r = MustRunAllOk(
      std::string(kBase) +
      "mode: server_stream\nserver_behavior: {response_count: 3}\n"
      "load: {type: ramp, start_rate: 100/s, stages: [{duration: 1s, rate: 300/s}]}\n");
  ExpectScheduledCount(r.calls_finished, 200, 20);  // the integral of the ramp
  EXPECT_EQ(r.messages_received, r.calls_finished * 3);
}

TEST_F(RunControllerTest, ClientStreamSummariesMatch) {
  const auto r = MustRunAllOk(std::string(kBase) +
                              "mode: client_stream\nload: {type: closed, outstanding: 1}\n"
                              "stream: {messages: 50}\n");
  // Streams carry 50 messages, except the 4 open at the stop, which half-close early.
  EXPECT_LE(r.messages_sent, r.calls_finished * 50);
  EXPECT_GE(r.messages_sent, (r.calls_finished - 4) * 50);
  EXPECT_EQ(Latency(r, "final_response").count, r.calls_finished);
  EXPECT_EQ(Latency(r, "message").count, r.messages_sent);
}

TEST_F(RunControllerTest, ClientStreamOpenLoop) {
  const auto r = MustRunAllOk(std::string(kBase) +
                              "mode: client_stream\nload: {type: constant, rate: 500/s}\n"
                              "stream: {duration: 200ms}\n");
  ExpectScheduledCount(r.messages_sent, 500, 20);  // 500/s for 1 s
}

TEST_F(RunControllerTest, BenchmarkServiceUnaryAndPingPong) {
  const std::string benchmark = std::string(kBase) +
                                "service: grpc.testing.BenchmarkService\n"
                                "load: {type: closed, outstanding: 1}\n"
                                "server_behavior: {response_size: 40B}\n";
  const auto unary = MustRunAllOk(benchmark + "mode: unary\n");
  EXPECT_EQ(unary.messages_received, unary.calls_finished);
  EXPECT_EQ(unary.bytes_received, unary.messages_received * 40);

  const auto bidi = MustRunAllOk(benchmark + "mode: bidi\nstream: {messages: 100}\n");
  EXPECT_EQ(bidi.messages_received, bidi.messages_sent);
  EXPECT_EQ(bidi.bytes_received, bidi.messages_received * 40);
  EXPECT_EQ(Latency(bidi, "message").count, bidi.messages_received);
}

// Calls that end with a status other than OK: injected by the server, a deadline, a client
// cancel. Each scenario expects that status, so the run passes.
struct EndStatusCase {
  const char* name;
  const char* settings;   // after kBase
  const char* code;       // the status the calls end with
  uint64_t more_than;     // how many calls at least end with it, minus one
  const char* also_code;  // a status the other calls may end with; nullptr = none
};

// ctest lists each case by its name rather than its bytes.
void PrintTo(const EndStatusCase& c, std::ostream* os) { *os << c.name; }

class RunControllerEndStatusTest : public RunControllerTest,
                                   public ::testing::WithParamInterface<EndStatusCase> {};

TEST_P(RunControllerEndStatusTest, EveryCallEndsWithTheExpectedStatus) {
  const EndStatusCase& c = GetParam();
  const auto r = MustRun(std::string(kBase) + c.settings);
  EXPECT_GT(Code(r, c.code), c.more_than);
  const uint64_t others = c.also_code == nullptr ? 0 : Code(r, c.also_code);
  EXPECT_EQ(Code(r, c.code) + others, r.calls_finished);
  EXPECT_TRUE(r.pass);
}

INSTANTIATE_TEST_SUITE_P(
    EndStatuses, RunControllerEndStatusTest,
    ::testing::Values(
        // Each stream fails at its 5th message and is replaced.
        EndStatusCase{"InjectedStatusAtMessageN",
                      "mode: bidi\nload: {type: closed, outstanding: 1}\n"
                      "server_behavior: {bidi: echo, failure: {code: UNAVAILABLE, message: x, "
                      "after_messages: 5}}\nexpect: {statuses: {UNAVAILABLE: some, OK: any}}\n",
                      "UNAVAILABLE", 4, "OK"},
        EndStatusCase{"DeadlineExceeded",
                      "mode: unary\nload: {type: closed, outstanding: 1}\n"
                      "server_behavior: {response_delay: 300ms}\ncall: {deadline: 30ms}\n"
                      "expect: {statuses: {DEADLINE_EXCEEDED: some}}\n",
                      "DEADLINE_EXCEEDED", 0, nullptr},
        // Streams live 100 ms in a 1 s run and are replaced; those open at the end are
        // cancelled too.
        EndStatusCase{"ClientCancellationCountsCancelled",
                      "mode: bidi\nload: {type: closed, outstanding: 1}\n"
                      "call: {cancel_after: 100ms}\nexpect: {statuses: {CANCELLED: some}}\n",
                      "CANCELLED", 8, nullptr},
        EndStatusCase{"UnaryCancellation",
                      "mode: unary\nload: {type: closed, outstanding: 1}\n"
                      "server_behavior: {response_delay: 500ms}\ncall: {cancel_after: 20ms}\n"
                      "expect: {statuses: {CANCELLED: some}}\n",
                      "CANCELLED", 0, nullptr}),
    [](const ::testing::TestParamInfo<EndStatusCase>& info) { return info.param.name; });

TEST_F(RunControllerTest, UnreachableTargetCannotRun) {
  const scenario::Scenario& loaded =
      Scenario(std::string(kBase) + "mode: unary\ntarget: 127.0.0.1:1\n");
  RunOptions options;
  options.connect_timeout = std::chrono::milliseconds(500);
  RunOutcome outcome = RunController(options).Run(loaded);
  EXPECT_EQ(outcome.status, RunOutcome::Status::kCouldNotRun);
  EXPECT_NE(outcome.error.find("cannot reach 127.0.0.1:1"), std::string::npos) << outcome.error;
}

TEST_F(RunControllerTest, StopRequestEndsTheRunEarlyWithAResult) {
  const scenario::Scenario& loaded = Scenario(
      "name: t\nmode: bidi\nwarmup: 0s\nduration: 60s\nload: {type: closed, outstanding: 1}\n");
  RunOptions options;
  options.log_out = &std::cerr;
  // The stop comes once messages have been counted (on the first tick), so there is something
  // to report whatever the machine's load.
  options.on_snapshot = [](const scenario::Scenario&, const stats::Snapshot& cumulative,
                           const LiveState&) {
    if (cumulative.counters.messages_sent > 0 && StopSignalCount() == 0) RequestStop();
  };
  RunOutcome outcome = RunController(options).Run(loaded);
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  EXPECT_TRUE(outcome.result.interrupted);
  EXPECT_LT(outcome.result.duration_s, 30);
  EXPECT_GT(outcome.result.messages_sent, 0u);
  EXPECT_EQ(outcome.result.messages_received, outcome.result.messages_sent)
      << "the drain still collects every echo";
}

TEST_F(RunControllerTest, ServerGoneMidRunCountsUnavailableAndRunsToTheEnd) {
  ServerOptions server_options;
  server_options.shutdown_grace_us = 0;
  std::string error;
  auto server = ReferenceServer::Start(server_options, &error);
  ASSERT_NE(server, nullptr) << error;
  const scenario::Scenario& loaded = Scenario(
      "name: t\nwarmup: 0s\nconnections: 2\n"
      "mode: unary\nload: {type: constant, rate: 200/s}\ntarget: " +
      server->address() +
      "\nduration: 3s\n"
      "expect: {statuses: {OK: any, UNAVAILABLE: any}}\n");
  // The server goes once calls have succeeded (seen on the first tick), off the run's thread.
  std::promise<void> calls_succeeded;
  RunOptions options;
  options.log_out = &std::cerr;
  options.on_snapshot = [&calls_succeeded, told = false](const scenario::Scenario&,
                                                         const stats::Snapshot& cumulative,
                                                         const LiveState&) mutable {
    if (!told && cumulative.counters.calls_by_code[0] > 0) {
      calls_succeeded.set_value();
      told = true;
    }
  };
  std::thread killer([&] {
    if (calls_succeeded.get_future().wait_for(std::chrono::seconds(30)) ==
        std::future_status::ready) {
      server->Shutdown();
    }
  });
  RunOutcome outcome = RunController(options).Run(loaded);
  killer.join();
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  const report::RunResult& r = outcome.result;
  EXPECT_GT(Code(r, "OK"), 0u);
  EXPECT_GT(Code(r, "UNAVAILABLE"), 0u);
  EXPECT_FALSE(r.interrupted);
  EXPECT_GE(r.duration_s, 3.0) << "the run does not abort when the server goes away";
  EXPECT_EQ(r.target, server->address());
}

TEST_F(RunControllerTest, ProgressLineOncePerSecond) {
  const scenario::Scenario& loaded = Scenario(
      "name: t\nwarmup: 0s\nmode: unary\nload: {type: constant, rate: 100/s}\n"
      "duration: 1500ms\n");
  std::ostringstream progress;
  RunOptions options;
  options.show_progress = true;
  options.progress_out = &progress;
  RunOutcome outcome = RunController(options).Run(loaded);
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  const std::string text = progress.str();
  EXPECT_NE(text.find("msg/s"), std::string::npos) << text;
  EXPECT_NE(text.find("errors 0"), std::string::npos) << text;
  EXPECT_EQ(text.front(), '\r');
  EXPECT_EQ(text.back(), '\n') << "the line is ended before the table is printed";
}

}  // namespace
}  // namespace streambench::runner
