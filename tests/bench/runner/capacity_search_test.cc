// A capacity search against the embedded reference server with a known capacity: each unary call
// takes `response_delay` (20 ms) and the server admits 4 streams at a time
// (server_transport.max_concurrent_streams), so it completes at most 4 / 20 ms = 200 calls/s;
// beyond that calls queue and their latency, measured from the intended send, grows without
// bound. The search must bracket 200/s. Steps are short (0.4 s) and the margins generous: the
// machine running the tests is shared.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "bench/runner/capacity_search_run.h"
#include "bench/runner/run_controller.h"
#include "bench/runner/signals.h"
#include "bench/scenario/scenario_loader.h"

namespace streambench::runner {
namespace {

constexpr double kCapacityPerS = 4 / 0.020;

scenario::ScenarioFile LoadFile(const std::string& yaml) {
  scenario::ScenarioFile file;
  scenario::LoadError error;
  EXPECT_TRUE(scenario::LoadScenarioString(yaml, "capacity.yaml", {}, &file, &error))
      << error.ToString();
  return file;
}

std::string Scenario(const std::string& load) {
  return R"(name: capacity
mode: unary
connections: 1
streams_per_connection: 4
server_behavior: {response_delay: 20ms}
server_transport: {max_concurrent_streams: 4}
warmup: 200ms
)" + load;
}

TEST(CapacitySearchRunTest, BracketsTheCapacityOfAServerWithADelayAndLimitedConcurrency) {
  ResetStopSignals();
  // Below the capacity the median stays near 20 ms; above it the queue grows by (rate - 200)
  // calls a second and the median passes 60 ms well within a step.
  const scenario::ScenarioFile file = LoadFile(Scenario(R"(load:
  type: search
  objective: ["call_latency.p50 < 60ms"]
  start_rate: 60/s
  max_rate: 5k/s
  step_duration: 400ms
  precision: 25%
)"));
  ASSERT_EQ(file.runs.size(), 1u);
  std::ostringstream log;
  RunOptions options;
  options.log_out = &log;
  const RunOutcome out = RunController(options).Run(file.runs[0]);
  ASSERT_EQ(out.status, RunOutcome::Status::kCompleted) << out.error;
  const report::CapacityResult& c = out.result.capacity;
  ASSERT_TRUE(c.searched);
  EXPECT_EQ(c.stop_reason, "precision_reached") << log.str();
  // The bracket holds the capacity: nothing above what the server can complete was sustained,
  // and it failed no lower than well below it.
  EXPECT_GT(c.bracket_low_per_s, 0) << log.str();
  EXPECT_LE(c.bracket_low_per_s, kCapacityPerS * 1.1) << log.str();
  EXPECT_GE(c.bracket_high_per_s, kCapacityPerS * 0.6) << log.str();
  EXPECT_LE(c.bracket_high_per_s - c.bracket_low_per_s, 0.25 * c.bracket_low_per_s);
  EXPECT_EQ(c.rate_per_s, c.bracket_low_per_s);
  // The run's figures are the step at the capacity's; every step is in the result and the log.
  EXPECT_EQ(out.result.target_rate_per_s, c.rate_per_s);
  ASSERT_GE(c.steps.size(), 3u);
  for (size_t i = 0; i < c.steps.size(); ++i) {
    EXPECT_NE(log.str().find("search step " + std::to_string(i + 1) + ": "), std::string::npos);
    EXPECT_EQ(c.steps[i].latency_kind, "call");
    EXPECT_GT(c.steps[i].p50_us, 15'000);  // every call waited for its delay
  }
  EXPECT_EQ(c.objective, "call_latency.p50 < 60ms");
  // One embedded server for every step, described as the embedded server alone.
  EXPECT_EQ(out.result.target.rfind("embedded 127.0.0.1:", 0), 0u) << out.result.target;
  EXPECT_EQ(out.result.target.find("concurrent"), std::string::npos) << out.result.target;
}

TEST(CapacitySearchRunTest, ALatencyThatNeverMeetsTheObjectiveIsNoSustainableRateWithEvidence) {
  ResetStopSignals();
  const scenario::ScenarioFile file = LoadFile(Scenario(R"(load:
  type: search
  objective: ["call_latency.p50 < 10ms"]
  start_rate: 40/s
  min_rate: 10/s
  max_rate: 1k/s
  step_duration: 300ms
  confirm_failures: 0
)"));
  ASSERT_EQ(file.runs.size(), 1u);
  const RunOutcome out = RunController(RunOptions{}).Run(file.runs[0]);
  ASSERT_EQ(out.status, RunOutcome::Status::kCompleted) << out.error;
  const report::CapacityResult& c = out.result.capacity;
  EXPECT_EQ(c.stop_reason, "no_sustainable_rate");
  EXPECT_EQ(c.rate_per_s, 0);
  ASSERT_EQ(c.steps.size(), 3u);  // 40, 20, 10/s
  EXPECT_EQ(c.steps.back().target_rate_per_s, 10);
  for (const report::CapacityStep& s : c.steps) {
    EXPECT_FALSE(s.sustained);
    EXPECT_NE(s.why.find("call_latency.p50 = "), std::string::npos) << s.why;
  }
  // A result, not a crash: the run's own expectations (statuses) still pass.
  EXPECT_TRUE(out.result.pass);
}

TEST(CapacitySearchRunTest, AGeneratorThatSaturatesFirstIsReportedAndTheServerIsNotBlamed) {
  ResetStopSignals();
  // The server answers at once, but one open-loop worker is asked for 10M calls/s (the most a scenario may ask): it cannot
  // even hand them over on time (its hand-offs fall ever further behind) and its thread is
  // never idle. Whatever fails is the generator's limit.
  const scenario::ScenarioFile file = LoadFile(R"(name: generator-limit
mode: unary
connections: 1
streams_per_connection: 4
threads: 1
warmup: 0s
load:
  type: search
  objective: ["call_latency.p99 < 10s"]
  start_rate: 10M/s
  max_rate: 10M/s
  step_duration: 300ms
)");
  ASSERT_EQ(file.runs.size(), 1u);
  std::ostringstream log;
  RunOptions options;
  options.log_out = &log;
  const RunOutcome out = RunController(options).Run(file.runs[0]);
  ASSERT_EQ(out.status, RunOutcome::Status::kCompleted) << out.error;
  const report::CapacityResult& c = out.result.capacity;
  EXPECT_EQ(c.stop_reason, "generator_saturated") << log.str();
  EXPECT_EQ(c.bracket_high_per_s, 0) << "no rate failed for the server's sake; " << log.str();
  ASSERT_FALSE(c.steps.empty());
  for (const report::CapacityStep& s : c.steps) {
    if (s.sustained) continue;
    EXPECT_TRUE(s.generator_saturated);
    EXPECT_NE(s.why.find("the generator was saturated"), std::string::npos) << s.why;
    EXPECT_NE(s.why.find("the rate was not offered"), std::string::npos) << s.why;
  }
  EXPECT_TRUE(out.result.generator.saturated);
  // The schedule-lag signal saw it, whatever the CPU figures (a loaded host may give the worker
  // less than 90% of a core).
  EXPECT_GE(out.result.generator.dispatch_behind_fraction, 0.5)
      << "busiest thread " << out.result.generator.busiest_thread_utilization;
  EXPECT_NE(log.str().find("generator reached its own limit"), std::string::npos) << log.str();
}

}  // namespace
}  // namespace streambench::runner
