#include "bench/criteria/metric_names.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace streambench::criteria {
namespace {

TEST(MetricNamesTest, CatalogCoversEveryFamily) {
  MetricUnit unit;
  for (const char* kind : {"message", "call", "first_message", "final_response", "write_blocked",
                           "schedule_lag", "message_gap", "first_write_to_response"}) {
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

TEST(MetricNamesTest, SuggestionsForTypos) {
  EXPECT_EQ(SuggestMetric("mesage_latency.p99"), "message_latency.p99");
  EXPECT_EQ(SuggestMetric("error-rate"), "error_rate");
  EXPECT_EQ(SuggestMetric("integrity_error"), "integrity_errors");
  EXPECT_EQ(SuggestMetric("completely_unrelated_thing"), "");
}

}  // namespace
}  // namespace streambench::criteria
