#include "bench/gate/threshold.h"

#include <gtest/gtest.h>

#include <string>

namespace streambench::gate {
namespace {

Threshold Parse(const std::string& text) {
  Threshold t;
  std::string error;
  EXPECT_TRUE(ParseThreshold(text, &t, &error)) << text << ": " << error;
  return t;
}

std::string ParseError(const std::string& text) {
  Threshold t;
  std::string error;
  EXPECT_FALSE(ParseThreshold(text, &t, &error)) << text;
  return error;
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

TEST(ParseThresholdTest, LatencyUnits) {
  Threshold t = Parse("message_latency.p99 < 5ms");
  EXPECT_EQ(t.metric, "message_latency.p99");
  EXPECT_EQ(t.op, Comparison::kLess);
  EXPECT_DOUBLE_EQ(t.limit, 5000);
  EXPECT_EQ(t.unit, MetricUnit::kLatencyUs);
  EXPECT_EQ(t.limit_text, "5ms");
  EXPECT_TRUE(t.variant.empty());
  EXPECT_DOUBLE_EQ(Parse("call_latency.p999 < 50ms").limit, 50000);
  EXPECT_DOUBLE_EQ(Parse("message_latency.p50 <= 250us").limit, 250);
  EXPECT_DOUBLE_EQ(Parse("message_latency.max < 1.5s").limit, 1.5e6);
  EXPECT_DOUBLE_EQ(Parse("message_latency.mean < 500ns").limit, 0.5);
  EXPECT_DOUBLE_EQ(Parse("message_latency.p90 < 2 ms").limit, 2000) << "space before unit";
  EXPECT_DOUBLE_EQ(Parse("schedule_lag_latency.p99<1ms").limit, 1000) << "no spaces";
}

TEST(ParseThresholdTest, PercentagesAndFractions) {
  EXPECT_DOUBLE_EQ(Parse("error_rate < 0.1%").limit, 0.001);
  EXPECT_DOUBLE_EQ(Parse("error_rate < 0.001").limit, 0.001);
  EXPECT_DOUBLE_EQ(Parse("error_rate <= 5 %").limit, 0.05);
  EXPECT_EQ(Parse("error_rate < 1%").unit, MetricUnit::kFraction);
}

TEST(ParseThresholdTest, RatesAndCountsWithSuffixes) {
  EXPECT_DOUBLE_EQ(Parse("throughput.messages_per_s > 20000").limit, 20000);
  EXPECT_DOUBLE_EQ(Parse("throughput.messages_per_s > 20k").limit, 20000);
  EXPECT_DOUBLE_EQ(Parse("throughput.bytes_sent_per_s >= 1.5M").limit, 1.5e6);
  EXPECT_DOUBLE_EQ(Parse("throughput.calls_per_s > 100/s").limit, 100);
  EXPECT_DOUBLE_EQ(Parse("throughput.calls_per_s > 2k/s").limit, 2000);
  EXPECT_DOUBLE_EQ(Parse("calls.OK >= 1k").limit, 1000);
  EXPECT_DOUBLE_EQ(Parse("integrity_errors == 0").limit, 0);
}

TEST(ParseThresholdTest, EveryOperator) {
  EXPECT_EQ(Parse("integrity_errors < 1").op, Comparison::kLess);
  EXPECT_EQ(Parse("integrity_errors <= 1").op, Comparison::kLessEqual);
  EXPECT_EQ(Parse("integrity_errors > 1").op, Comparison::kGreater);
  EXPECT_EQ(Parse("integrity_errors >= 1").op, Comparison::kGreaterEqual);
  EXPECT_EQ(Parse("integrity_errors == 1").op, Comparison::kEqual);
  EXPECT_EQ(Parse("integrity_errors != 1").op, Comparison::kNotEqual);
}

TEST(ParseThresholdTest, VariantPrefix) {
  Threshold t = Parse("[variant=large-window] message_latency.p99 < 5ms");
  EXPECT_EQ(t.variant, "large-window");
  EXPECT_EQ(t.metric, "message_latency.p99");
  EXPECT_EQ(t.text, "[variant=large-window] message_latency.p99 < 5ms");
  EXPECT_EQ(Parse("  [ variant = small ]integrity_errors == 0 ").variant, "small");
}

TEST(ParseThresholdTest, BadExpressionsHaveExactErrors) {
  EXPECT_EQ(ParseError("   "), "empty threshold");
  EXPECT_EQ(ParseError("mesage_latency.p99 < 5ms"),
            "threshold \"mesage_latency.p99 < 5ms\": unknown metric \"mesage_latency.p99\" (did "
            "you mean \"message_latency.p99\"?)");
  EXPECT_EQ(ParseError("throughput.msgs < 5"),
            "threshold \"throughput.msgs < 5\": unknown metric \"throughput.msgs\" (known: "
            "throughput.bytes_received_per_s, throughput.bytes_sent_per_s, "
            "throughput.calls_per_s, throughput.messages_per_s, "
            "throughput.messages_received_per_s, throughput.messages_sent_per_s, "
            "throughput.target_rate_per_s)");
  EXPECT_EQ(ParseError("cpu_usage < 5"),
            "threshold \"cpu_usage < 5\": unknown metric \"cpu_usage\" (see the metric list in "
            "bench/gate/README.md)");
  EXPECT_EQ(ParseError("message_latency.p99 5ms"),
            "threshold \"message_latency.p99 5ms\": missing comparison operator (one of < <= > >= "
            "== !=)");
  EXPECT_EQ(ParseError("integrity_errors = 0"),
            "threshold \"integrity_errors = 0\": use \"==\" to compare, not \"=\"");
  EXPECT_EQ(ParseError("< 5ms"), "threshold \"< 5ms\": missing metric before \"<\"");
  EXPECT_EQ(ParseError("error_rate <"), "threshold \"error_rate <\": missing value after \"<\"");
  EXPECT_EQ(ParseError("error_rate < 1 < 2"),
            "threshold \"error_rate < 1 < 2\": more than one comparison operator");
  EXPECT_EQ(ParseError("message_latency.p99 < 5"),
            "threshold \"message_latency.p99 < 5\": latency limit \"5\" needs a unit (us, ms or "
            "s)");
  EXPECT_EQ(ParseError("message_latency.p99 < 5mss"),
            "threshold \"message_latency.p99 < 5mss\": unit \"mss\" does not fit (a latency takes "
            "us, ms or s, e.g. 5ms)");
  EXPECT_EQ(ParseError("error_rate < 5ms"),
            "threshold \"error_rate < 5ms\": unit \"ms\" does not fit (a rate of calls takes a "
            "fraction or a percentage, e.g. 0.1% or 0.001)");
  EXPECT_EQ(ParseError("throughput.messages_per_s > 10%"),
            "threshold \"throughput.messages_per_s > 10%\": unit \"%\" does not fit (a throughput "
            "takes a plain number with an optional k, M or G suffix, e.g. 20k)");
  EXPECT_EQ(ParseError("integrity_errors == none"),
            "threshold \"integrity_errors == none\": \"none\" is not a number");
  EXPECT_EQ(ParseError("integrity_errors < inf"),
            "threshold \"integrity_errors < inf\": \"inf\" is not a number");
  EXPECT_EQ(ParseError("[variant=x message_latency.p99 < 5ms"),
            "threshold \"[variant=x message_latency.p99 < 5ms\": missing \"]\" after "
            "\"[variant=NAME\"");
  EXPECT_EQ(ParseError("[mode=bidi] error_rate < 1%"),
            "threshold \"[mode=bidi] error_rate < 1%\": expected \"[variant=NAME]\", got "
            "\"[mode=bidi]\"");
  EXPECT_EQ(ParseError("[variant=] error_rate < 1%"),
            "threshold \"[variant=] error_rate < 1%\": empty variant name in \"[variant=]\"");
  EXPECT_EQ(ParseError("calls.NOPE > 0"),
            "threshold \"calls.NOPE > 0\": unknown metric \"calls.NOPE\" (did you mean "
            "\"calls.OK\"?)");
}

TEST(EvaluateThresholdTest, LatencyOverLimitSaysByHowMuch) {
  const ThresholdResult r = EvaluateThreshold(Parse("message_latency.p99 < 5ms"), SampleRun());
  EXPECT_FALSE(r.passed);
  EXPECT_DOUBLE_EQ(r.measured, 6200);
  EXPECT_DOUBLE_EQ(r.limit, 5000);
  EXPECT_EQ(r.variant, "default");
  EXPECT_EQ(r.message, "message_latency.p99 = 6.20ms, limit < 5ms: over by 1.20ms (+24.0%)");
}

TEST(EvaluateThresholdTest, PassingThresholdStatesValueAndLimit) {
  const ThresholdResult r = EvaluateThreshold(Parse("call_latency.p999 < 50ms"), SampleRun());
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.message, "call_latency.p999 = 40.0ms, limit < 50ms");
}

TEST(EvaluateThresholdTest, ErrorRateIsNonOkShareOfFinishedCalls) {
  const ThresholdResult pass = EvaluateThreshold(Parse("error_rate < 0.5%"), SampleRun());
  EXPECT_TRUE(pass.passed);
  EXPECT_DOUBLE_EQ(pass.measured, 0.002);
  const ThresholdResult fail = EvaluateThreshold(Parse("error_rate < 0.1%"), SampleRun());
  EXPECT_FALSE(fail.passed);
  EXPECT_EQ(fail.message, "error_rate = 0.20%, limit < 0.1%: over by 0.10% (+100.0%)");
}

TEST(EvaluateThresholdTest, ThroughputUnderLimit) {
  const ThresholdResult r =
      EvaluateThreshold(Parse("throughput.messages_per_s > 20000"), SampleRun());
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.message,
            "throughput.messages_per_s = 18.0k/s, limit > 20000: under by 2.00k/s (-10.0%)");
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
  const ThresholdResult eq = EvaluateThreshold(Parse("integrity_errors == 0"), run);
  EXPECT_FALSE(eq.passed);
  EXPECT_EQ(eq.message, "integrity_errors = 3, limit == 0: off by 3");
  EXPECT_EQ(EvaluateThreshold(Parse("integrity_errors != 3"), run).message,
            "integrity_errors = 3, limit != 3: equal to the limit");
  EXPECT_EQ(EvaluateThreshold(Parse("integrity_errors < 3"), run).message,
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
  EXPECT_EQ(none[0].message, "no run of variant \"larg\" (variants: default, large-window)");
}

}  // namespace
}  // namespace streambench::gate
