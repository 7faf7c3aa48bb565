#include "bench/gate/threshold_judge.h"

#include <gtest/gtest.h>

#include <string>

namespace streambench::gate {
namespace {

using criteria::Threshold;

Threshold Parse(const std::string& text) {
  Threshold t;
  std::string error;
  EXPECT_TRUE(criteria::ParseThreshold(text, &t, &error)) << text << ": " << error;
  return t;
}

report::RunResult SampleRun() {
  report::RunResult run;
  run.variant = "default";
  run.calls_finished = 1000;
  run.calls_by_code = {{"OK", 998}, {"UNAVAILABLE", 2}};
  run.messages_per_s = 18000;
  run.calls_per_s = 100;
  report::LatencySummary message;
  message.count = 5000;
  message.p99_us = 6200;
  message.p50_us = 800;
  run.latency_us["message"] = message;
  report::LatencySummary call;
  call.count = 1000;
  call.p999_us = 40000;
  run.latency_us["call"] = call;
  run.integrity.lost = 3;
  return run;
}

TEST(EvaluateThresholdTest, LatencyOverLimitSaysByHowMuch) {
  const report::Check r = EvaluateThreshold(Parse("message_latency.p99 < 5ms"), SampleRun());
  EXPECT_FALSE(r.passed);
  EXPECT_DOUBLE_EQ(r.measured, 6200);
  EXPECT_DOUBLE_EQ(r.limit, 5000);
  EXPECT_EQ(r.variant, "default");
  EXPECT_EQ(r.detail, "message_latency.p99 = 6.20ms, limit < 5ms: over by 1.20ms (+24.0%)");
}

TEST(EvaluateThresholdTest, PassingThresholdStatesValueAndLimit) {
  const report::Check r = EvaluateThreshold(Parse("call_latency.p999 < 50ms"), SampleRun());
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.detail, "call_latency.p999 = 40.0ms, limit < 50ms");
}

TEST(EvaluateThresholdTest, ErrorRateIsNonOkShareOfFinishedCalls) {
  const report::Check pass = EvaluateThreshold(Parse("error_rate < 0.5%"), SampleRun());
  EXPECT_TRUE(pass.passed);
  EXPECT_DOUBLE_EQ(pass.measured, 0.002);
  const report::Check fail = EvaluateThreshold(Parse("error_rate < 0.1%"), SampleRun());
  EXPECT_FALSE(fail.passed);
  EXPECT_EQ(fail.detail, "error_rate = 0.20%, limit < 0.1%: over by 0.10% (+100.0%)");
}

TEST(EvaluateThresholdTest, ThroughputUnderLimit) {
  const report::Check r =
      EvaluateThreshold(Parse("throughput.messages_per_s > 20000"), SampleRun());
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.detail,
            "throughput.messages_per_s = 18.0k/s, limit > 20000: under by 2.00k/s (-10.0%)");
}

TEST(EvaluateThresholdTest, TheFoundCapacityIsGatedLikeAnyFigure) {
  report::RunResult run = SampleRun();
  run.capacity.searched = true;
  run.capacity.rate_per_s = 18000;
  const report::Check r = EvaluateThreshold(Parse("capacity.rate_per_s > 20k/s"), run);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.detail, "capacity.rate_per_s = 18.0k/s, limit > 20k/s: under by 2.00k/s (-10.0%)");
  run.capacity.rate_per_s = 25000;
  EXPECT_TRUE(EvaluateThreshold(Parse("capacity.rate_per_s > 20k/s"), run).passed);
}

TEST(EvaluateThresholdTest, EachOperatorAtTheBoundary) {
  const report::RunResult run = SampleRun();  // integrity_errors = 3
  EXPECT_FALSE(EvaluateThreshold(Parse("integrity_errors < 3"), run).passed);
  EXPECT_TRUE(EvaluateThreshold(Parse("integrity_errors <= 3"), run).passed);
  EXPECT_FALSE(EvaluateThreshold(Parse("integrity_errors > 3"), run).passed);
  EXPECT_TRUE(EvaluateThreshold(Parse("integrity_errors >= 3"), run).passed);
  EXPECT_TRUE(EvaluateThreshold(Parse("integrity_errors == 3"), run).passed);
  EXPECT_FALSE(EvaluateThreshold(Parse("integrity_errors != 3"), run).passed);
  EXPECT_TRUE(EvaluateThreshold(Parse("integrity_errors < 4"), run).passed);
  EXPECT_TRUE(EvaluateThreshold(Parse("integrity_errors > 2"), run).passed);
  EXPECT_TRUE(EvaluateThreshold(Parse("integrity_errors != 0"), run).passed);
  const report::Check eq = EvaluateThreshold(Parse("integrity_errors == 0"), run);
  EXPECT_FALSE(eq.passed);
  EXPECT_EQ(eq.detail, "integrity_errors = 3, limit == 0: off by 3");
  EXPECT_EQ(EvaluateThreshold(Parse("integrity_errors != 3"), run).detail,
            "integrity_errors = 3, limit != 3: equal to the limit");
  EXPECT_EQ(EvaluateThreshold(Parse("integrity_errors < 3"), run).detail,
            "integrity_errors = 3, limit < 3: at the limit");
}

TEST(EvaluateThresholdsTest, VariantSelectsRunsAndUnknownVariantFails) {
  report::ScenarioResult result;
  result.runs = {SampleRun(), SampleRun()};
  result.runs[1].variant = "large-window";
  result.runs[1].latency_us["message"].p99_us = 3000;

  const auto all = EvaluateThresholds({Parse("message_latency.p99 < 5ms")}, result);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_FALSE(all[0].passed);
  EXPECT_TRUE(all[1].passed);
  EXPECT_EQ(all[1].variant, "large-window");

  const auto one =
      EvaluateThresholds({Parse("[variant=large-window] message_latency.p99 < 5ms")}, result);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_TRUE(one[0].passed);

  const auto none = EvaluateThresholds({Parse("[variant=larg] message_latency.p99 < 5ms")}, result);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_FALSE(none[0].passed);
  EXPECT_EQ(none[0].detail, "no run of variant \"larg\" (variants: default, large-window)");
}

TEST(ThresholdJudgeTest, ScenarioThresholdsJudgeTheRunsThatDeclareThemThenTheCommandLine) {
  scenario::ScenarioFile file;
  file.runs.resize(2);
  file.runs[0].variant = "default";
  file.runs[0].thresholds = {Parse("message_latency.p99 < 5ms")};
  file.runs[1].variant = "large-window";
  report::ScenarioResult result;
  result.runs = {SampleRun(), SampleRun()};
  result.runs[1].variant = "large-window";

  const std::vector<report::Check> checks =
      ThresholdJudge(file, {Parse("error_rate < 1%")}).Checks(result);
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_EQ(checks[0].name, "message_latency.p99 < 5ms");
  EXPECT_EQ(checks[0].variant, "default") << "only the run whose scenario declares it";
  EXPECT_FALSE(checks[0].passed);
  EXPECT_EQ(checks[1].name, "error_rate < 1%");
  EXPECT_EQ(checks[1].variant, "default");
  EXPECT_EQ(checks[2].variant, "large-window");
  EXPECT_TRUE(checks[2].passed);
}

TEST(ThresholdJudgeTest, AScenarioThresholdOfAVariantThatNeverRanFails) {
  scenario::ScenarioFile file;
  file.runs.resize(2);
  file.runs[0].variant = "default";
  file.runs[1].variant = "later";
  file.runs[1].thresholds = {Parse("[variant=later] error_rate < 1%")};
  report::ScenarioResult result;
  result.runs = {SampleRun()};  // interrupted before "later"

  const std::vector<report::Check> checks = ThresholdJudge(file, {}).Checks(result);
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_FALSE(checks[0].passed);
  EXPECT_EQ(checks[0].detail, "no run of variant \"later\" (variants: default)");
}

}  // namespace
}  // namespace streambench::gate
