#include "bench/gate/baseline.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace streambench::gate {
namespace {

report::RunResult MakeRun(const std::string& variant, double msgs_per_s, double p99_us) {
  report::RunResult run;
  run.variant = variant;
  run.messages_per_s = msgs_per_s;
  run.calls_per_s = 10;
  run.bytes_sent_per_s = 1000;
  run.bytes_received_per_s = 1000;
  run.calls_finished = 100;
  run.calls_by_code = {{"OK", 100}};
  report::LatencySummary message;
  message.count = 100;
  message.p50_us = 100;
  message.p99_us = p99_us;
  message.p999_us = 2 * p99_us;
  run.latency_us["message"] = message;
  return run;
}

report::ScenarioResult Result(std::vector<report::RunResult> runs) {
  report::ScenarioResult result;
  result.scenario = "s";
  result.runs = std::move(runs);
  return result;
}

const BaselineCheck& Find(const std::vector<BaselineCheck>& checks, const std::string& variant,
                          const std::string& metric) {
  for (const BaselineCheck& c : checks) {
    if (c.variant == variant && c.metric == metric) return c;
  }
  static const BaselineCheck kNone;
  ADD_FAILURE() << "no check " << variant << " " << metric;
  return kNone;
}

TEST(CompareToBaselineTest, IdenticalResultsPass) {
  const auto base = Result({MakeRun("default", 20000, 1000)});
  const auto checks = CompareToBaseline(base, base, Tolerances{});
  // 4 throughputs, 3 message latencies (call latency recorded on neither side), 2 error metrics.
  EXPECT_EQ(checks.size(), 9u);
  for (const BaselineCheck& c : checks) {
    EXPECT_TRUE(c.passed) << c.message;
    EXPECT_DOUBLE_EQ(c.ratio, 1) << c.metric;
  }
}

TEST(CompareToBaselineTest, LowerThroughputIsWorseHigherIsBetter) {
  const auto base = Result({MakeRun("default", 20000, 1000)});
  const auto slower =
      CompareToBaseline(Result({MakeRun("default", 17000, 1000)}), base, Tolerances{});
  const BaselineCheck& c = Find(slower, "default", "throughput.messages_per_s");
  EXPECT_FALSE(c.passed);
  EXPECT_DOUBLE_EQ(c.ratio, 0.85);
  EXPECT_EQ(c.direction, Direction::kLowerIsWorse);
  EXPECT_EQ(c.message,
            "throughput.messages_per_s 17.0k/s vs 20.0k/s baseline: x0.85, worse by 15.0% "
            "(tolerance 10.0%): REGRESSED");

  const auto faster =
      CompareToBaseline(Result({MakeRun("default", 30000, 1000)}), base, Tolerances{});
  EXPECT_TRUE(Find(faster, "default", "throughput.messages_per_s").passed);
  EXPECT_EQ(Find(faster, "default", "throughput.messages_per_s").message,
            "throughput.messages_per_s 30.0k/s vs 20.0k/s baseline: x1.5, better by 50.0% "
            "(tolerance 10.0%)");
}

TEST(CompareToBaselineTest, HigherLatencyIsWorseLowerIsBetter) {
  const auto base = Result({MakeRun("default", 20000, 1000)});
  const auto slower =
      CompareToBaseline(Result({MakeRun("default", 20000, 1200)}), base, Tolerances{});
  const BaselineCheck& p99 = Find(slower, "default", "message_latency.p99");
  EXPECT_FALSE(p99.passed);
  EXPECT_DOUBLE_EQ(p99.ratio, 1.2);
  EXPECT_EQ(p99.message,
            "message_latency.p99 1.20ms vs 1.00ms baseline: x1.2, worse by 20.0% (tolerance "
            "10.0%): REGRESSED");
  EXPECT_TRUE(Find(slower, "default", "message_latency.p50").passed);

  const auto faster =
      CompareToBaseline(Result({MakeRun("default", 20000, 500)}), base, Tolerances{});
  EXPECT_TRUE(Find(faster, "default", "message_latency.p99").passed);
  EXPECT_TRUE(Find(faster, "default", "message_latency.p999").passed);
}

TEST(CompareToBaselineTest, WithinToleranceAndPerMetricTolerance) {
  const auto base = Result({MakeRun("default", 20000, 1000)});
  const auto current = Result({MakeRun("default", 19000, 1200)});  // -5% throughput, +20% p99
  Tolerances tolerances;
  EXPECT_TRUE(
      Find(CompareToBaseline(current, base, tolerances), "default", "throughput.messages_per_s")
          .passed);
  std::string error;
  ASSERT_TRUE(ParseTolerance("message_latency.p99=25%", &tolerances, &error)) << error;
  auto checks = CompareToBaseline(current, base, tolerances);
  EXPECT_TRUE(Find(checks, "default", "message_latency.p99").passed);
  EXPECT_DOUBLE_EQ(Find(checks, "default", "message_latency.p99").tolerance_fraction, 0.25);
  EXPECT_FALSE(Find(checks, "default", "message_latency.p999").passed) << "still 10%";

  ASSERT_TRUE(ParseTolerance("2%", &tolerances, &error)) << error;
  checks = CompareToBaseline(current, base, tolerances);
  EXPECT_FALSE(Find(checks, "default", "throughput.messages_per_s").passed);
  EXPECT_TRUE(Find(checks, "default", "message_latency.p99").passed) << "per-metric wins";
}

TEST(CompareToBaselineTest, ErrorsUpFromZeroRegress) {
  const auto base = Result({MakeRun("default", 20000, 1000)});
  report::RunResult run = MakeRun("default", 20000, 1000);
  run.calls_by_code = {{"OK", 99}, {"INTERNAL", 1}};
  run.integrity.lost = 1;
  const auto checks = CompareToBaseline(Result({run}), base, Tolerances{});
  const BaselineCheck& errors = Find(checks, "default", "error_rate");
  EXPECT_FALSE(errors.passed);
  EXPECT_TRUE(std::isinf(errors.ratio));
  EXPECT_EQ(errors.message,
            "error_rate 1.00% vs 0% baseline: up from 0 (tolerance 10.0%): REGRESSED");
  EXPECT_FALSE(Find(checks, "default", "integrity_errors").passed);
}

TEST(CompareToBaselineTest, VariantsMatchedByNameAndMissingOnesReported) {
  const auto base = Result({MakeRun("a", 20000, 1000), MakeRun("b", 20000, 1000)});
  const auto current = Result({MakeRun("b", 20000, 1000), MakeRun("c", 20000, 1000)});
  const auto checks = CompareToBaseline(current, base, Tolerances{});
  const BaselineCheck& gone = Find(checks, "a", "");
  EXPECT_TRUE(gone.missing);
  EXPECT_FALSE(gone.passed);
  EXPECT_EQ(gone.message, "variant \"a\" is in the baseline but not in this run");
  const BaselineCheck& fresh = Find(checks, "c", "");
  EXPECT_TRUE(fresh.missing);
  EXPECT_TRUE(fresh.passed);
  EXPECT_EQ(fresh.message, "variant \"c\" is new: no baseline to compare");
  EXPECT_TRUE(Find(checks, "b", "message_latency.p99").passed);
}

TEST(CompareToBaselineTest, RepeatsUseTheMedian) {
  const auto base = Result({MakeRun("v", 20000, 1000)});
  // One outlier repeat among three does not regress the median.
  const auto current =
      Result({MakeRun("v", 20000, 1000), MakeRun("v", 5000, 9000), MakeRun("v", 20500, 1050)});
  const auto checks = CompareToBaseline(current, base, Tolerances{});
  EXPECT_DOUBLE_EQ(Find(checks, "v", "throughput.messages_per_s").current, 20000);
  EXPECT_DOUBLE_EQ(Find(checks, "v", "message_latency.p99").current, 1050);
  EXPECT_TRUE(Find(checks, "v", "message_latency.p99").passed);
}

TEST(CompareToBaselineTest, LatencyMeasuredOnlyInBaselineFails) {
  report::RunResult with_call = MakeRun("v", 20000, 1000);
  report::LatencySummary call;
  call.count = 10;
  call.p99_us = 5000;
  with_call.latency_us["call"] = call;
  const auto checks =
      CompareToBaseline(Result({MakeRun("v", 20000, 1000)}), Result({with_call}), Tolerances{});
  const BaselineCheck& c = Find(checks, "v", "call_latency.p99");
  EXPECT_TRUE(c.missing);
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.message,
            "call_latency.p99 was measured in the baseline (5.00ms) but not in this run");
  // The other way round it is new, not a regression.
  const auto reverse =
      CompareToBaseline(Result({with_call}), Result({MakeRun("v", 20000, 1000)}), Tolerances{});
  EXPECT_TRUE(Find(reverse, "v", "call_latency.p99").passed);
}

TEST(ParseToleranceTest, DefaultAndPerMetric) {
  Tolerances t;
  std::string error;
  ASSERT_TRUE(ParseTolerance("15%", &t, &error));
  EXPECT_DOUBLE_EQ(t.default_fraction, 0.15);
  ASSERT_TRUE(ParseTolerance("0.2", &t, &error));
  EXPECT_DOUBLE_EQ(t.default_fraction, 0.2);
  ASSERT_TRUE(ParseTolerance(" throughput.messages_per_s = 5% ", &t, &error)) << error;
  EXPECT_DOUBLE_EQ(t.For("throughput.messages_per_s"), 0.05);
  EXPECT_DOUBLE_EQ(t.For("message_latency.p99"), 0.2);
}

TEST(ParseToleranceTest, BadTolerances) {
  Tolerances t;
  std::string error;
  EXPECT_FALSE(ParseTolerance("ten percent", &t, &error));
  EXPECT_EQ(error,
            "tolerance \"ten percent\": expected a non-negative percentage or fraction, e.g. 10% "
            "or 0.1");
  EXPECT_FALSE(ParseTolerance("-5%", &t, &error));
  EXPECT_FALSE(ParseTolerance("message_latency.p99=5ms", &t, &error));
  EXPECT_FALSE(ParseTolerance("message_latency.p90=5%", &t, &error));
  EXPECT_EQ(error.rfind("tolerance \"message_latency.p90=5%\": \"message_latency.p90\" is not a "
                        "compared metric (one of: throughput.messages_per_s, ",
                        0),
            0u)
      << error;
  EXPECT_DOUBLE_EQ(t.default_fraction, 0.10) << "failed parses change nothing";
}

}  // namespace
}  // namespace streambench::gate
