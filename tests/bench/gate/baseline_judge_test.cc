#include "bench/gate/baseline_judge.h"

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

const report::Check& Find(const std::vector<report::Check>& checks, const std::string& variant,
                          const std::string& metric) {
  for (const report::Check& c : checks) {
    if (c.variant == variant && c.metric == metric) return c;
  }
  static const report::Check kNone{"", "", "", 0, 0, true, "", report::BaselineFigures{}};
  ADD_FAILURE() << "no check " << variant << " " << metric;
  return kNone;
}

TEST(CompareToBaselineTest, IdenticalResultsPass) {
  const auto base = Result({MakeRun("default", 20000, 1000)});
  const auto checks = CompareToBaseline(base, base, criteria::Tolerances{});
  // 4 throughputs, 3 message latencies (call latency recorded on neither side), 2 error metrics.
  EXPECT_EQ(checks.size(), 9u);
  for (const report::Check& c : checks) {
    EXPECT_TRUE(c.passed) << c.detail;
    EXPECT_DOUBLE_EQ(c.baseline->ratio, 1) << c.metric;
  }
}

TEST(CompareToBaselineTest, AStallInTheServersStreamsRegressesTheGap) {
  // server_stream runs: the gap between messages of a stream is compared where it was recorded.
  auto streamed = [](double gap_p99_us) {
    report::RunResult run = MakeRun("default", 20000, 1000);
    report::LatencySummary gap;
    gap.count = 400;
    gap.p50_us = 20000;
    gap.p99_us = gap_p99_us;
    run.latency_us["message_gap"] = gap;
    return Result({run});
  };
  const auto stalled = CompareToBaseline(streamed(250000), streamed(21000), criteria::Tolerances{});
  const report::Check& c = Find(stalled, "default", "message_gap_latency.p99");
  EXPECT_FALSE(c.passed) << c.detail;
  EXPECT_EQ(c.baseline->better, report::Better::kLower);
  EXPECT_TRUE(Find(CompareToBaseline(streamed(21000), streamed(21000), criteria::Tolerances{}),
                   "default", "message_gap_latency.p99")
                  .passed);
}

// A default-variant run against a baseline of 20k msg/s and a 1 ms p99, 10% tolerance.
std::vector<report::Check> AgainstBaseline(double msgs_per_s, double p99_us) {
  return CompareToBaseline(Result({MakeRun("default", msgs_per_s, p99_us)}),
                           Result({MakeRun("default", 20000, 1000)}), criteria::Tolerances{});
}

TEST(CompareToBaselineTest, LowerThroughputIsWorseHigherIsBetter) {
  const auto slower = AgainstBaseline(17000, 1000);
  const report::Check& c = Find(slower, "default", "throughput.messages_per_s");
  EXPECT_FALSE(c.passed);
  EXPECT_DOUBLE_EQ(c.baseline->ratio, 0.85);
  EXPECT_EQ(c.baseline->better, report::Better::kHigher);
  EXPECT_EQ(c.detail,
            "throughput.messages_per_s 17.0k/s vs 20.0k/s baseline: x0.85, worse by 15.0% "
            "(tolerance 10.0%): REGRESSED");

  const auto faster = AgainstBaseline(30000, 1000);
  EXPECT_TRUE(Find(faster, "default", "throughput.messages_per_s").passed);
  EXPECT_EQ(Find(faster, "default", "throughput.messages_per_s").detail,
            "throughput.messages_per_s 30.0k/s vs 20.0k/s baseline: x1.5, better by 50.0% "
            "(tolerance 10.0%)");
}

TEST(CompareToBaselineTest, HigherLatencyIsWorseLowerIsBetter) {
  const auto slower = AgainstBaseline(20000, 1200);
  const report::Check& p99 = Find(slower, "default", "message_latency.p99");
  EXPECT_FALSE(p99.passed);
  EXPECT_DOUBLE_EQ(p99.baseline->ratio, 1.2);
  EXPECT_EQ(p99.detail,
            "message_latency.p99 1.20ms vs 1.00ms baseline: x1.2, worse by 20.0% (tolerance "
            "10.0%): REGRESSED");
  EXPECT_TRUE(Find(slower, "default", "message_latency.p50").passed);

  const auto faster = AgainstBaseline(20000, 500);
  EXPECT_TRUE(Find(faster, "default", "message_latency.p99").passed);
  EXPECT_TRUE(Find(faster, "default", "message_latency.p999").passed);
}

TEST(CompareToBaselineTest, WithinToleranceAndPerMetricTolerance) {
  const auto base = Result({MakeRun("default", 20000, 1000)});
  const auto current = Result({MakeRun("default", 19000, 1200)});  // -5% throughput, +20% p99
  criteria::Tolerances tolerances;
  EXPECT_TRUE(
      Find(CompareToBaseline(current, base, tolerances), "default", "throughput.messages_per_s")
          .passed);
  std::string error;
  ASSERT_TRUE(ParseTolerance("message_latency.p99=25%", &tolerances, &error)) << error;
  auto checks = CompareToBaseline(current, base, tolerances);
  EXPECT_TRUE(Find(checks, "default", "message_latency.p99").passed);
  EXPECT_DOUBLE_EQ(Find(checks, "default", "message_latency.p99").baseline->tolerance_fraction,
                   0.25);
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
  const auto checks = CompareToBaseline(Result({run}), base, criteria::Tolerances{});
  const report::Check& errors = Find(checks, "default", "error_rate");
  EXPECT_FALSE(errors.passed);
  EXPECT_TRUE(std::isinf(errors.baseline->ratio));
  EXPECT_EQ(errors.detail,
            "error_rate 1.00% vs 0% baseline: up from 0 (tolerance 10.0%): REGRESSED");
  EXPECT_FALSE(Find(checks, "default", "integrity_errors").passed);
}

TEST(CompareToBaselineTest, VariantsMatchedByNameAndMissingOnesReported) {
  const auto base = Result({MakeRun("a", 20000, 1000), MakeRun("b", 20000, 1000)});
  const auto current = Result({MakeRun("b", 20000, 1000), MakeRun("c", 20000, 1000)});
  const auto checks = CompareToBaseline(current, base, criteria::Tolerances{});
  const report::Check& gone = Find(checks, "a", "");
  EXPECT_TRUE(gone.baseline->missing);
  EXPECT_FALSE(gone.passed);
  EXPECT_EQ(gone.detail, "variant \"a\" is in the baseline but not in this run");
  const report::Check& fresh = Find(checks, "c", "");
  EXPECT_TRUE(fresh.baseline->missing);
  EXPECT_TRUE(fresh.passed);
  EXPECT_EQ(fresh.detail, "variant \"c\" is new: no baseline to compare");
  EXPECT_TRUE(Find(checks, "b", "message_latency.p99").passed);
}

TEST(CompareToBaselineTest, RepeatsUseTheMedian) {
  const auto base = Result({MakeRun("v", 20000, 1000)});
  // One outlier repeat among three does not regress the median.
  const auto current =
      Result({MakeRun("v", 20000, 1000), MakeRun("v", 5000, 9000), MakeRun("v", 20500, 1050)});
  const auto checks = CompareToBaseline(current, base, criteria::Tolerances{});
  EXPECT_DOUBLE_EQ(Find(checks, "v", "throughput.messages_per_s").measured, 20000);
  EXPECT_DOUBLE_EQ(Find(checks, "v", "message_latency.p99").measured, 1050);
  EXPECT_TRUE(Find(checks, "v", "message_latency.p99").passed);
}

TEST(CompareToBaselineTest, LatencyMeasuredOnlyInBaselineFails) {
  report::RunResult with_call = MakeRun("v", 20000, 1000);
  report::LatencySummary call;
  call.count = 10;
  call.p99_us = 5000;
  with_call.latency_us["call"] = call;
  const auto checks = CompareToBaseline(Result({MakeRun("v", 20000, 1000)}), Result({with_call}),
                                        criteria::Tolerances{});
  const report::Check& c = Find(checks, "v", "call_latency.p99");
  EXPECT_TRUE(c.baseline->missing);
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.detail, "call_latency.p99 was measured in the baseline (5.00ms) but not in this run");
  // The other way round it is new, not a regression.
  const auto reverse = CompareToBaseline(Result({with_call}), Result({MakeRun("v", 20000, 1000)}),
                                         criteria::Tolerances{});
  EXPECT_TRUE(Find(reverse, "v", "call_latency.p99").passed);
}

}  // namespace
}  // namespace streambench::gate

namespace streambench::gate {
namespace {

report::RunResult Searched(double capacity_per_s) {
  report::RunResult run = MakeRun("default", 20000, 1000);
  run.capacity.searched = true;
  run.capacity.rate_per_s = capacity_per_s;
  return run;
}

TEST(CompareToBaselineTest, ALowerCapacityIsARegressionHigherIsBetter) {
  const auto lower = CompareToBaseline(Result({Searched(17000)}), Result({Searched(20000)}),
                                       criteria::Tolerances{});
  const report::Check& c = Find(lower, "default", "capacity.rate_per_s");
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.baseline->better, report::Better::kHigher);
  EXPECT_EQ(c.detail,
            "capacity.rate_per_s 17.0k/s vs 20.0k/s baseline: x0.85, worse by 15.0% (tolerance "
            "10.0%): REGRESSED");
  const auto higher = CompareToBaseline(Result({Searched(30000)}), Result({Searched(20000)}),
                                        criteria::Tolerances{});
  EXPECT_TRUE(Find(higher, "default", "capacity.rate_per_s").passed);
}

TEST(CompareToBaselineTest, CapacityIsComparedOnlyWhereASearchRan) {
  const auto plain = Result({MakeRun("default", 20000, 1000)});
  for (const report::Check& c : CompareToBaseline(plain, plain, criteria::Tolerances{})) {
    EXPECT_NE(c.metric, "capacity.rate_per_s");
  }
  // The baseline searched, this run did not: the capacity can no longer be verified.
  const auto lost = CompareToBaseline(plain, Result({Searched(20000)}), criteria::Tolerances{});
  const report::Check& c = Find(lost, "default", "capacity.rate_per_s");
  EXPECT_FALSE(c.passed);
  EXPECT_TRUE(c.baseline->missing);
}

}  // namespace
}  // namespace streambench::gate
