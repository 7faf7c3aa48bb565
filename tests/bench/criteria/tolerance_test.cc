#include "bench/criteria/tolerance.h"

#include <gtest/gtest.h>

#include <string>

#include "bench/criteria/metric_names.h"

namespace streambench::criteria {
namespace {

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

TEST(BaselineMetricsTest, EveryComparedMetricIsKnown) {
  for (const std::string& name : BaselineMetrics()) {
    MetricUnit unit;
    EXPECT_TRUE(LookupMetric(name, &unit)) << name;
  }
}

}  // namespace
}  // namespace streambench::criteria
