// `concurrent: true`: every variant of a file at once against one embedded server (a mixed
// workload), each with its own result, and the runs really overlap in time.
#include "bench/runner/concurrent_runs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "bench/runner/run_controller.h"
#include "bench/runner/signals.h"
#include "bench/scenario/scenario_loader.h"
#include "tests/bench/runner/fake_run_environment.h"

namespace streambench::runner {
namespace {

scenario::ScenarioFile LoadFile(const std::string& yaml) {
  scenario::ScenarioFile file;
  scenario::LoadError error;
  EXPECT_TRUE(scenario::LoadScenarioString(yaml, "mix.yaml", {}, &file, &error))
      << error.ToString();
  return file;
}

constexpr char kEveryMode[] = R"(name: mix
concurrent: true
connections: 1
streams_per_connection: 2
load: {type: constant, rate: 200/s}
request: {payload_size: 64B}
warmup: 0s
duration: 3s
variants:
  - name: bidi
    set: {mode: bidi, stream.messages: 100}
  - name: unary
    set: {mode: unary}
  - name: server
    set: {mode: server_stream, server_behavior.response_count: 5}
  - name: client
    set: {mode: client_stream, stream.messages: 50}
)";

TEST(ConcurrentRunsTest, EveryModeAtOnceAgainstOneEmbeddedServer) {
  ResetStopSignals();
  const scenario::ScenarioFile file = LoadFile(kEveryMode);
  ASSERT_EQ(file.runs.size(), 4u);

  // (variant, final) for every snapshot hook call, in the order they happened.
  std::mutex mu;
  std::vector<std::pair<std::string, bool>> events;
  RunOptions options;
  options.on_snapshot = [&](const scenario::Scenario& run, const stats::Snapshot&,
                            const LiveState& live) {
    std::lock_guard<std::mutex> lock(mu);
    events.emplace_back(run.variant, live.final);
  };
  const ScenarioOutcome outcome = RunScenarioFile(file, options);
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_TRUE(outcome.result.concurrent);
  EXPECT_TRUE(outcome.result.comparison.empty()) << "competing runs are not compared";

  ASSERT_EQ(outcome.result.runs.size(), 4u);
  const std::vector<std::string> names = {"bidi", "unary", "server", "client"};
  for (size_t i = 0; i < names.size(); ++i) {
    const report::RunResult& r = outcome.result.runs[i];
    SCOPED_TRACE(r.variant);
    EXPECT_EQ(r.variant, names[i]) << "results keep the declaration order";
    EXPECT_TRUE(r.pass);
    EXPECT_GT(r.messages_sent, 100u);
    EXPECT_GT(r.messages_received, 0u);
    EXPECT_NE(r.target.find("shared by 4 concurrent runs"), std::string::npos) << r.target;
    EXPECT_TRUE(r.generator.includes_server);
  }
  // One server for all: the same address in every run's target.
  const std::string address =
      outcome.result.runs[0].target.substr(0, outcome.result.runs[0].target.find(' ', 9));
  for (const report::RunResult& r : outcome.result.runs) EXPECT_EQ(r.target.rfind(address, 0), 0u);

  // They overlapped: every run reported a live snapshot (about 1 s in) before any run's final one
  // (after 3 s). One after another, the first run's final snapshot would precede the others'.
  const auto first_final =
      std::find_if(events.begin(), events.end(), [](const auto& e) { return e.second; });
  ASSERT_NE(first_final, events.end());
  for (const std::string& name : names) {
    EXPECT_NE(std::find(events.begin(), first_final, std::make_pair(name, false)), first_final)
        << name << " had not started when the first run finished";
  }
}

// Every variant is checked before any starts: one that cannot run stops them all, and nothing
// (target, slots) was set up for the others.
TEST(ConcurrentRunsTest, AVariantThatCannotRunStopsThemAllBeforeAnyStarts) {
  testing::FakeRunEnvironment fake;
  fake.slots.refused_variant = "b";
  RunOptions options;
  options.environment = &fake.environment;
  const ScenarioOutcome outcome = RunScenarioFile(LoadFile(R"(name: mix
concurrent: true
mode: unary
target: 127.0.0.1:1
variants:
  - name: a
  - name: b
  - name: c
)"),
                                                  options);
  EXPECT_EQ(outcome.status, RunOutcome::Status::kBadInput);
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.error, "variant `b`: refused by the fake");
  EXPECT_TRUE(outcome.result.runs.empty());
  EXPECT_EQ(fake.targets.opened, 0);
  EXPECT_EQ(fake.targets.shared, 0) << "not even the shared server was started";
  EXPECT_TRUE(fake.slots.dialled.empty());
  EXPECT_EQ(fake.sleeper.sleeps, 0);
}

// The same with the real drivers: BenchmarkService's server_stream needs a response count.
TEST(ConcurrentRunsTest, UnsupportedVariantIsRefusedBeforeTheServerStarts) {
  ResetStopSignals();
  scenario::ScenarioFile file = LoadFile(R"(name: mix
concurrent: true
service: grpc.testing.BenchmarkService
load: {type: closed, outstanding: 1}
warmup: 0s
duration: 30s
variants:
  - name: unary
    set: {mode: unary}
  - name: server
    set: {mode: server_stream, server_behavior.response_count: 1}
)");
  ASSERT_EQ(file.runs.size(), 2u);
  file.runs[1].behavior.response_count = 0;  // past the loader, which refuses 0
  const ScenarioOutcome outcome = RunScenarioFile(file, RunOptions{});
  EXPECT_EQ(outcome.status, RunOutcome::Status::kBadInput);
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.error.find("variant `server`: "), std::string::npos) << outcome.error;
  EXPECT_NE(outcome.error.find("response_count"), std::string::npos) << outcome.error;
  EXPECT_TRUE(outcome.result.runs.empty()) << "the unary variant did not run its 30 s";
}

TEST(ConcurrentRunsTest, RepeatRunsTheRoundsOneAfterAnother) {
  ResetStopSignals();
  const scenario::ScenarioFile file = LoadFile(R"(name: mix
concurrent: true
repeat: 2
mode: unary
load: {type: closed, outstanding: 1}
warmup: 0s
duration: 500ms
variants:
  - name: a
  - name: b
    set: {request.payload_size: 1KiB}
)");
  const ScenarioOutcome outcome = RunScenarioFile(file, RunOptions{});
  ASSERT_EQ(outcome.status, RunOutcome::Status::kCompleted) << outcome.error;
  ASSERT_EQ(outcome.result.runs.size(), 4u);
  EXPECT_EQ(outcome.result.runs[0].repeat_index, 0);
  EXPECT_EQ(outcome.result.runs[1].repeat_index, 0);
  EXPECT_EQ(outcome.result.runs[2].repeat_index, 1);
  EXPECT_EQ(outcome.result.runs[3].repeat_index, 1);
  for (const report::RunResult& r : outcome.result.runs) EXPECT_GT(r.calls_finished, 0u);
}

}  // namespace
}  // namespace streambench::runner
