#include "bench/criteria/threshold.h"

#include <gtest/gtest.h>

#include <string>

namespace streambench::criteria {
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

TEST(HoldsTest, EachOperator) {
  EXPECT_TRUE(Holds(1, Comparison::kLess, 2));
  EXPECT_FALSE(Holds(2, Comparison::kLess, 2));
  EXPECT_TRUE(Holds(2, Comparison::kLessEqual, 2));
  EXPECT_TRUE(Holds(3, Comparison::kGreater, 2));
  EXPECT_TRUE(Holds(2, Comparison::kGreaterEqual, 2));
  EXPECT_TRUE(Holds(2, Comparison::kEqual, 2));
  EXPECT_FALSE(Holds(2, Comparison::kNotEqual, 2));
}

TEST(ThresholdTest, SameTextIsTheSameRule) {
  EXPECT_EQ(Parse("error_rate < 1%"), Parse("  error_rate < 1%  "));
  EXPECT_FALSE(Parse("error_rate < 1%") == Parse("error_rate < 2%"));
}

}  // namespace
}  // namespace streambench::criteria
