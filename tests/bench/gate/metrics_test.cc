#include "bench/gate/metrics.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace streambench::gate {
namespace {

TEST(GateMetricsTest, CatalogCoversEveryFamily) {
  MetricUnit unit;
  for (const char* kind :
       {"message", "call", "first_message", "final_response", "write_blocked", "schedule_lag"}) {
    for (const char* stat : {"p50", "p90", "p99", "p999", "max", "mean"}) {
      const std::string name = std::string(kind) + "_latency." + stat;
      ASSERT_TRUE(LookupMetric(name, &unit)) << name;
      EXPECT_EQ(unit, MetricUnit::kLatencyUs) << name;
    }
  }
  for (const char* name : {"throughput.messages_per_s", "throughput.messages_sent_per_s",
                           "throughput.messages_received_per_s", "throughput.bytes_sent_per_s",
                           "throughput.bytes_received_per_s", "throughput.calls_per_s"}) {
    ASSERT_TRUE(LookupMetric(name, &unit)) << name;
    EXPECT_EQ(unit, MetricUnit::kPerSecond);
  }
  ASSERT_TRUE(LookupMetric("error_rate", &unit));
  EXPECT_EQ(unit, MetricUnit::kFraction);
  for (const char* name : {"calls.OK", "calls.UNAVAILABLE", "calls.UNAUTHENTICATED",
                           "integrity_errors", "integrity.lost", "integrity.corrupted"}) {
    ASSERT_TRUE(LookupMetric(name, &unit)) << name;
    EXPECT_EQ(unit, MetricUnit::kCount);
  }
  EXPECT_FALSE(LookupMetric("calls.ok", &unit));
  EXPECT_FALSE(LookupMetric("message_latency", &unit));
  EXPECT_FALSE(LookupMetric("throughput", &unit));
  const auto names = KnownMetricNames();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

TEST(GateMetricsTest, ValuesComeFromTheRun) {
  report::RunResult run;
  run.calls_finished = 8;
  run.calls_started = 9;
  run.calls_by_code = {{"OK", 6}, {"CANCELLED", 2}};
  run.bytes_received_per_s = 42;
  run.integrity.duplicated = 2;
  run.integrity.reordered = 5;
  report::LatencySummary s;
  s.count = 3;
  s.p90_us = 77;
  s.mean_us = 50;
  run.latency_us["write_blocked"] = s;
  EXPECT_DOUBLE_EQ(MetricValue("error_rate", run), 0.25);
  EXPECT_DOUBLE_EQ(MetricValue("calls.CANCELLED", run), 2);
  EXPECT_DOUBLE_EQ(MetricValue("calls.UNAVAILABLE", run), 0);
  EXPECT_DOUBLE_EQ(MetricValue("calls.started", run), 9);
  EXPECT_DOUBLE_EQ(MetricValue("throughput.bytes_received_per_s", run), 42);
  EXPECT_DOUBLE_EQ(MetricValue("integrity_errors", run), 7);
  EXPECT_DOUBLE_EQ(MetricValue("integrity.reordered", run), 5);
  EXPECT_DOUBLE_EQ(MetricValue("write_blocked_latency.p90", run), 77);
  EXPECT_DOUBLE_EQ(MetricValue("write_blocked_latency.mean", run), 50);
  EXPECT_DOUBLE_EQ(MetricValue("write_blocked_latency.count", run), 3);
  EXPECT_DOUBLE_EQ(MetricValue("message_latency.p99", run), 0) << "not recorded";
  EXPECT_DOUBLE_EQ(MetricValue("error_rate", report::RunResult{}), 0) << "no calls";
}

TEST(GateMetricsTest, SuggestionsForTypos) {
  EXPECT_EQ(SuggestMetric("mesage_latency.p99"), "message_latency.p99");
  EXPECT_EQ(SuggestMetric("error-rate"), "error_rate");
  EXPECT_EQ(SuggestMetric("integrity_error"), "integrity_errors");
  EXPECT_EQ(SuggestMetric("completely_unrelated_thing"), "");
}

}  // namespace
}  // namespace streambench::gate
