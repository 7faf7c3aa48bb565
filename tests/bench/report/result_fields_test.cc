#include "bench/report/result_fields.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tests/bench/report/test_results.h"

namespace streambench::report {
namespace {

double Value(const std::string& name, const RunResult& run) {
  const Metric* metric = FindMetric(name);
  EXPECT_NE(metric, nullptr) << name;
  return metric == nullptr ? -1 : metric->value(run);
}

TEST(MetricsTest, ValuesComeFromTheRun) {
  RunResult run;
  run.calls_finished = 8;
  run.calls_started = 9;
  run.calls_by_code = {{"OK", 6}, {"CANCELLED", 2}};
  run.bytes_received_per_s = 42;
  run.integrity.duplicated = 2;
  run.integrity.reordered = 5;
  LatencySummary s;
  s.count = 3;
  s.p90_us = 77;
  s.mean_us = 50;
  run.latency_us["write_blocked"] = s;
  EXPECT_DOUBLE_EQ(Value("error_rate", run), 0.25);
  EXPECT_DOUBLE_EQ(Value("calls.CANCELLED", run), 2);
  EXPECT_DOUBLE_EQ(Value("calls.UNAVAILABLE", run), 0);
  EXPECT_DOUBLE_EQ(Value("calls.started", run), 9);
  EXPECT_DOUBLE_EQ(Value("throughput.bytes_received_per_s", run), 42);
  EXPECT_DOUBLE_EQ(Value("integrity_errors", run), 7);
  EXPECT_DOUBLE_EQ(Value("integrity.reordered", run), 5);
  EXPECT_DOUBLE_EQ(Value("write_blocked_latency.p90", run), 77);
  EXPECT_DOUBLE_EQ(Value("write_blocked_latency.mean", run), 50);
  EXPECT_DOUBLE_EQ(Value("write_blocked_latency.count", run), 3);
  EXPECT_DOUBLE_EQ(Value("message_latency.p99", run), 0) << "not recorded";
  EXPECT_DOUBLE_EQ(Value("error_rate", RunResult{}), 0) << "no calls";
}

TEST(RunFieldsTest, EveryFieldHasAUniqueJsonPathAndCsvColumn) {
  std::set<std::string> paths, columns;
  for (const RunField& field : RunFields()) {
    EXPECT_TRUE(paths.insert(field.json_path).second) << field.json_path;
    if (!field.csv_column.empty()) {
      EXPECT_TRUE(columns.insert(field.csv_column).second) << field.csv_column;
    }
    // A stored field has an accessor and a doc line; a composite has neither.
    EXPECT_EQ(field.ref == nullptr, field.composite != Composite::kNone) << field.json_path;
    if (field.ref != nullptr) {
      EXPECT_FALSE(field.doc.empty()) << field.json_path;
    }
  }
}

TEST(RunFieldsTest, AccessorsReachTheirFields) {
  RunResult run = testing::SampleRun("default");
  for (const RunField& field : RunFields()) {
    const double value = FieldNumber(field, run);
    if (field.json_path == "integrity.corrupted") {
      EXPECT_EQ(value, 4);
    } else if (field.json_path == "messages.received") {
      EXPECT_EQ(value, 123400);
    } else if (field.json_path == "throughput.messages_per_s") {
      EXPECT_EQ(value, 24083.5);
    }
  }
}

TEST(MetricsTest, EveryMetricFieldIsInTheCatalogueWithItsUnitAndDirection) {
  for (const RunField& field : RunFields()) {
    if (field.metric.empty()) continue;
    const Metric* metric = FindMetric(field.metric);
    ASSERT_NE(metric, nullptr) << field.metric;
    EXPECT_EQ(metric->unit, field.unit);
    EXPECT_EQ(metric->better, field.better);
  }
  EXPECT_EQ(FindMetric("throughput.messages_per_s")->better, Better::kHigher);
  EXPECT_EQ(FindMetric("message_latency.p99")->better, Better::kLower);
  EXPECT_EQ(FindMetric("message_latency.p99")->unit, MetricUnit::kLatencyUs);
  EXPECT_EQ(FindMetric("error_rate")->better, Better::kLower);
  EXPECT_EQ(FindMetric("nope"), nullptr);
}

TEST(MetricsTest, StreamFiguresAreMetrics) {
  // The gap is a duration like every latency kind, so it is written with time units.
  ASSERT_NE(FindMetric("message_gap_latency.p99"), nullptr);
  EXPECT_EQ(FindMetric("message_gap_latency.p99")->unit, MetricUnit::kLatencyUs);
  EXPECT_EQ(FindMetric("message_gap_latency.p99")->better, Better::kLower);
  ASSERT_NE(FindMetric("first_write_to_response_latency.p50"), nullptr);
  // Messages per stream is a count: fewer than the baseline means streams were cut short.
  RunResult run;
  run.messages_per_stream = StreamMessagesSummary{40, 2, 9.5, 3, 10, 11, 12};
  EXPECT_EQ(FindMetric("messages_per_stream.p50")->unit, MetricUnit::kCount);
  EXPECT_EQ(FindMetric("messages_per_stream.p50")->better, Better::kHigher);
  EXPECT_DOUBLE_EQ(Value("messages_per_stream.p50", run), 10);
  EXPECT_DOUBLE_EQ(Value("messages_per_stream.p99", run), 11);
  EXPECT_DOUBLE_EQ(Value("messages_per_stream.min", run), 3);
  EXPECT_DOUBLE_EQ(Value("messages_per_stream.mean", run), 9.5);
  EXPECT_DOUBLE_EQ(Value("messages_per_stream.streams_without_messages", run), 2);
  EXPECT_EQ(FindMetric("messages_per_stream.streams_without_messages")->better, Better::kLower);
}

TEST(LatencyTablesTest, KindsAndStatistics) {
  EXPECT_EQ(LatencyKinds().front(), "message");
  EXPECT_EQ(LatencyKinds().back(), "first_write_to_response");
  EXPECT_EQ(LatencyStats().front().name, "p50");
  EXPECT_EQ(LatencyStats().back().name, "count");
}

}  // namespace
}  // namespace streambench::report
