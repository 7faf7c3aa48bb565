#include "bench/report/run_result_builder.h"

#include <gtest/gtest.h>

#include "bench/stats/recorder.h"

namespace streambench::report {
namespace {

scenario::Scenario OpenLoopScenario() {
  scenario::Scenario s;
  s.name = "bidi_open_loop";
  s.variant = "small-window";
  s.mode = scenario::Mode::kBidi;
  s.load.model = scenario::LoadModel::kConstant;
  s.load.rate_per_s = 2000;
  s.target.addresses = {"127.0.0.1:5000", "127.0.0.1:5001"};
  return s;
}

stats::Snapshot MeasuredSnapshot() {
  stats::Snapshot snapshot;
  snapshot.counters.messages_sent = 4000;
  snapshot.counters.messages_received = 3990;
  snapshot.counters.bytes_sent = 256000;
  snapshot.counters.bytes_received = 255360;
  snapshot.counters.calls_started = 12;
  snapshot.counters.calls_by_code[0] = 8;   // OK
  snapshot.counters.calls_by_code[14] = 2;  // UNAVAILABLE
  snapshot.counters.integrity.lost = 10;
  snapshot.counters.integrity.corrupted = 1;
  // 1..1000 us, once each: exact percentiles are known, the histogram is within 1%.
  for (int64_t us = 1; us <= 1000; ++us) {
    snapshot.latency[static_cast<int>(stats::Latency::kMessage)].Record(us * 1000);
  }
  snapshot.latency[static_cast<int>(stats::Latency::kCall)].Record(2'000'000);
  return snapshot;
}

TEST(BuildRunResultTest, CopiesCountsAndIdentity) {
  const RunResult run = BuildRunResult(OpenLoopScenario(), MeasuredSnapshot(), 2.0);
  EXPECT_EQ(run.variant, "small-window");
  EXPECT_EQ(run.mode, "bidi");
  EXPECT_EQ(run.service, "streambench.v1");
  EXPECT_EQ(run.target, "127.0.0.1:5000,127.0.0.1:5001");
  EXPECT_DOUBLE_EQ(run.duration_s, 2.0);
  EXPECT_EQ(run.messages_sent, 4000u);
  EXPECT_EQ(run.messages_received, 3990u);
  EXPECT_EQ(run.bytes_sent, 256000u);
  EXPECT_EQ(run.bytes_received, 255360u);
  EXPECT_EQ(run.calls_started, 12u);
  EXPECT_EQ(run.calls_finished, 10u);
  const std::map<std::string, uint64_t> expected_codes = {{"OK", 8}, {"UNAVAILABLE", 2}};
  EXPECT_EQ(run.calls_by_code, expected_codes);
  EXPECT_EQ(run.integrity.lost, 10u);
  EXPECT_EQ(run.integrity.corrupted, 1u);
  EXPECT_EQ(run.integrity.Total(), 11u);
}

TEST(BuildRunResultTest, RatesAreCountsOverDuration) {
  const RunResult run = BuildRunResult(OpenLoopScenario(), MeasuredSnapshot(), 2.0);
  EXPECT_DOUBLE_EQ(run.messages_sent_per_s, 2000);
  EXPECT_DOUBLE_EQ(run.messages_received_per_s, 1995);
  EXPECT_DOUBLE_EQ(run.messages_per_s, 3995);
  EXPECT_DOUBLE_EQ(run.bytes_sent_per_s, 128000);
  EXPECT_DOUBLE_EQ(run.bytes_received_per_s, 127680);
  EXPECT_DOUBLE_EQ(run.calls_per_s, 5);
  EXPECT_DOUBLE_EQ(run.target_rate_per_s, 2000);
}

TEST(BuildRunResultTest, ZeroDurationGivesZeroRatesNotInfinity) {
  const RunResult run = BuildRunResult(OpenLoopScenario(), MeasuredSnapshot(), 0.0);
  EXPECT_EQ(run.messages_per_s, 0);
  EXPECT_EQ(run.calls_per_s, 0);
  EXPECT_EQ(run.bytes_sent_per_s, 0);
}

TEST(BuildRunResultTest, LatencySummariesOnlyForRecordedKinds) {
  const RunResult run = BuildRunResult(OpenLoopScenario(), MeasuredSnapshot(), 2.0);
  ASSERT_EQ(run.latency_us.size(), 2u);
  ASSERT_EQ(run.latency_us.count("message"), 1u);
  ASSERT_EQ(run.latency_us.count("call"), 1u);
  const LatencySummary& m = run.latency_us.at("message");
  EXPECT_EQ(m.count, 1000u);
  EXPECT_NEAR(m.p50_us, 500, 500 * 0.01 + 1);
  EXPECT_NEAR(m.p90_us, 900, 900 * 0.01 + 1);
  EXPECT_NEAR(m.p99_us, 990, 990 * 0.01 + 1);
  EXPECT_NEAR(m.p999_us, 999, 999 * 0.01 + 1);
  EXPECT_DOUBLE_EQ(m.max_us, 1000);
  EXPECT_DOUBLE_EQ(m.min_us, 1);
  EXPECT_NEAR(m.mean_us, 500.5, 0.01);
  const LatencySummary& c = run.latency_us.at("call");
  EXPECT_EQ(c.count, 1u);
  EXPECT_DOUBLE_EQ(c.max_us, 2000);
}

TEST(BuildRunResultTest, ClosedLoopHasNoTargetRateAndEmbeddedTarget) {
  scenario::Scenario s;
  s.mode = scenario::Mode::kUnary;
  s.target.service = scenario::TargetService::kGrpcTestingBenchmark;
  const RunResult run = BuildRunResult(s, stats::Snapshot{}, 1.0);
  EXPECT_EQ(run.target_rate_per_s, 0);
  EXPECT_EQ(run.mode, "unary");
  EXPECT_EQ(run.service, "grpc.testing.BenchmarkService");
  EXPECT_EQ(run.target, "embedded");
  EXPECT_TRUE(run.latency_us.empty());
  EXPECT_TRUE(run.calls_by_code.empty());
}

TEST(BuildRunResultTest, RampTargetRateIsTimeWeightedMean) {
  scenario::Scenario s;
  s.load.model = scenario::LoadModel::kRamp;
  s.load.start_rate_per_s = 0;
  s.load.stages = {{1'000'000, 100}, {3'000'000, 100}};  // mean (50*1 + 100*3) / 4 = 87.5
  const RunResult run = BuildRunResult(s, stats::Snapshot{}, 4.0);
  EXPECT_DOUBLE_EQ(run.target_rate_per_s, 87.5);
}

TEST(SummarizeTest, EmptyHistogramIsAllZero) {
  const LatencySummary s = Summarize(stats::LogLinearHistogram{});
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.p99_us, 0);
  EXPECT_EQ(s.max_us, 0);
  EXPECT_EQ(s.min_us, 0);
}

TEST(FinalizeScenarioResultTest, PassAndInterruptedAggregateRuns) {
  ScenarioResult result;
  EXPECT_TRUE(result.pass);
  FinalizeScenarioResult(&result);
  EXPECT_FALSE(result.pass) << "no runs is not a pass";

  result.runs.resize(2);
  FinalizeScenarioResult(&result);
  EXPECT_TRUE(result.pass);
  EXPECT_FALSE(result.interrupted);

  result.runs[1].pass = false;
  result.runs[0].interrupted = true;
  FinalizeScenarioResult(&result);
  EXPECT_FALSE(result.pass);
  EXPECT_TRUE(result.interrupted);
}

}  // namespace
}  // namespace streambench::report
