#include "bench/metrics/snapshot_collector.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace streambench::metrics {
namespace {

using prometheus::MetricFamily;
using prometheus::MetricType;

const MetricFamily* FindFamily(const std::vector<MetricFamily>& families, const std::string& name) {
  for (const auto& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string LabelValue(const prometheus::ClientMetric& m, const std::string& name) {
  for (const auto& l : m.label) {
    if (l.name == name) return l.value;
  }
  return "<missing>";
}

stats::Snapshot MakeSnapshot() {
  stats::Snapshot s;
  s.counters.messages_sent = 100;
  s.counters.messages_received = 98;
  s.counters.bytes_sent = 100 * 512;
  s.counters.bytes_received = 98 * 512;
  s.counters.calls_started = 10;
  s.counters.calls_by_code[0] = 7;   // OK
  s.counters.calls_by_code[14] = 2;  // UNAVAILABLE
  s.counters.integrity.lost = 2;
  s.counters.integrity.corrupted = 1;
  s.latency[static_cast<int>(stats::Latency::kMessage)].RecordN(80'000, 90);    // 80 us
  s.latency[static_cast<int>(stats::Latency::kMessage)].RecordN(3'000'000, 8);  // 3 ms
  s.latency[static_cast<int>(stats::Latency::kCall)].RecordN(40'000'000, 9);    // 40 ms
  return s;
}

TEST(SnapshotCollector, EmptyCollectsNothing) {
  SnapshotCollector c;
  EXPECT_TRUE(c.Collect().empty());
  EXPECT_TRUE(c.Scenarios().empty());
}

TEST(SnapshotCollector, CountersWithRunAndDirectionLabels) {
  SnapshotCollector c;
  c.Update("sc", "window-64k", "bidi", MakeSnapshot(), LiveGauges{500, 4, 0.002});
  const auto families = c.Collect();

  const MetricFamily* messages = FindFamily(families, names::kMessagesTotal);
  ASSERT_NE(messages, nullptr);
  EXPECT_EQ(messages->type, MetricType::Counter);
  ASSERT_EQ(messages->metric.size(), 2u);
  for (const auto& m : messages->metric) {
    EXPECT_EQ(LabelValue(m, "scenario"), "sc");
    EXPECT_EQ(LabelValue(m, "variant"), "window-64k");
    EXPECT_EQ(LabelValue(m, "mode"), "bidi");
    const std::string dir = LabelValue(m, "direction");
    EXPECT_EQ(m.counter.value, dir == "sent" ? 100 : 98) << dir;
  }
  const MetricFamily* bytes = FindFamily(families, names::kPayloadBytesTotal);
  ASSERT_NE(bytes, nullptr);
  ASSERT_EQ(bytes->metric.size(), 2u);
  for (const auto& m : bytes->metric) {
    EXPECT_EQ(m.counter.value, LabelValue(m, "direction") == "sent" ? 51200 : 50176);
  }

  const MetricFamily* started = FindFamily(families, names::kCallsStartedTotal);
  ASSERT_NE(started, nullptr);
  ASSERT_EQ(started->metric.size(), 1u);
  EXPECT_EQ(started->metric[0].counter.value, 10);

  // Every status code is exported (zeros included), each exactly once.
  const MetricFamily* calls = FindFamily(families, names::kCallsTotal);
  ASSERT_NE(calls, nullptr);
  ASSERT_EQ(calls->metric.size(), static_cast<size_t>(stats::kStatusCodeCount));
  std::set<std::string> codes;
  for (const auto& m : calls->metric) {
    const std::string code = LabelValue(m, "code");
    codes.insert(code);
    const double expected = code == "OK" ? 7 : code == "UNAVAILABLE" ? 2 : 0;
    EXPECT_EQ(m.counter.value, expected) << code;
  }
  EXPECT_EQ(codes.size(), static_cast<size_t>(stats::kStatusCodeCount));
  EXPECT_TRUE(codes.count("DEADLINE_EXCEEDED"));
  EXPECT_TRUE(codes.count("UNAUTHENTICATED"));

  const MetricFamily* integrity = FindFamily(families, names::kIntegrityErrorsTotal);
  ASSERT_NE(integrity, nullptr);
  ASSERT_EQ(integrity->metric.size(), 4u);
  for (const auto& m : integrity->metric) {
    const std::string kind = LabelValue(m, "kind");
    const double expected = kind == "lost" ? 2 : kind == "corrupted" ? 1 : 0;
    EXPECT_EQ(m.counter.value, expected) << kind;
  }
}

TEST(SnapshotCollector, GaugesFromLiveValues) {
  SnapshotCollector c;
  c.Update("sc", "v", "bidi", MakeSnapshot(), LiveGauges{500, 4, 0.002});
  const auto families = c.Collect();
  const MetricFamily* active = FindFamily(families, names::kActiveStreams);
  const MetricFamily* target = FindFamily(families, names::kTargetRate);
  const MetricFamily* lag = FindFamily(families, names::kCurrentScheduleLag);
  ASSERT_TRUE(active && target && lag);
  EXPECT_EQ(active->type, MetricType::Gauge);
  EXPECT_EQ(active->metric.at(0).gauge.value, 4);
  EXPECT_EQ(target->metric.at(0).gauge.value, 500);
  EXPECT_EQ(lag->metric.at(0).gauge.value, 0.002);
  // The lag gauge and the lag histogram must not share a name.
  EXPECT_STRNE(names::kCurrentScheduleLag, names::kScheduleLag);
}

TEST(SnapshotCollector, HistogramsRenderedFromSnapshot) {
  SnapshotCollector c;
  c.Update("sc", "v", "bidi", MakeSnapshot(), LiveGauges{});
  const auto families = c.Collect();
  for (int k = 0; k < static_cast<int>(stats::Latency::kCount); ++k) {
    const auto kind = static_cast<stats::Latency>(k);
    const MetricFamily* f = FindFamily(families, LatencyMetricName(kind));
    ASSERT_NE(f, nullptr) << LatencyMetricName(kind);
    EXPECT_EQ(f->type, MetricType::Histogram);
    ASSERT_EQ(f->metric.size(), 1u);
  }
  const auto& message = FindFamily(families, names::kMessageLatency)->metric[0].histogram;
  EXPECT_EQ(message.sample_count, 98u);
  EXPECT_NEAR(message.sample_sum, (90 * 80e-6 + 8 * 3e-3), 1e-9);
  // 80 us -> le 100us; 3 ms -> le 5ms.
  for (const auto& b : message.bucket) {
    uint64_t expected = 0;
    if (b.upper_bound >= 100e-6) expected += 90;
    if (b.upper_bound >= 5e-3) expected += 8;
    EXPECT_EQ(b.cumulative_count, expected) << "le=" << b.upper_bound;
  }
  EXPECT_TRUE(std::isinf(message.bucket.back().upper_bound));
  const auto& call = FindFamily(families, names::kCallLatency)->metric[0].histogram;
  EXPECT_EQ(call.sample_count, 9u);
  const auto& lag = FindFamily(families, names::kScheduleLag)->metric[0].histogram;
  EXPECT_EQ(lag.sample_count, 0u);
}

TEST(SnapshotCollector, MessagesPerStreamInMessagesWithEmptyStreamsAtZero) {
  SnapshotCollector c;
  c.Update("sc", "echo", "bidi", MakeSnapshot(), LiveGauges{});
  EXPECT_EQ(FindFamily(c.Collect(), names::kMessagesPerStream), nullptr)
      << "no series for a run without receiving streams";

  stats::Snapshot s = MakeSnapshot();
  s.messages_per_stream.RecordN(10, 6);  // six streams of 10 messages
  s.messages_per_stream.RecordN(3, 1);   // one cut short at 3
  s.counters.streams_without_messages = 2;
  c.Update("sc", "stream", "server_stream", s, LiveGauges{});
  const auto families = c.Collect();
  const MetricFamily* f = FindFamily(families, names::kMessagesPerStream);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->type, MetricType::Histogram);
  ASSERT_EQ(f->metric.size(), 1u);
  EXPECT_EQ(LabelValue(f->metric[0], "variant"), "stream");
  const auto& h = f->metric[0].histogram;
  EXPECT_EQ(h.sample_count, 9u);
  EXPECT_NEAR(h.sample_sum, 63, 1e-6);
  for (const auto& b : h.bucket) {
    uint64_t expected = 2;
    if (b.upper_bound >= 5) expected += 1;
    if (b.upper_bound >= 10) expected += 6;
    EXPECT_EQ(b.cumulative_count, expected) << "le=" << b.upper_bound;
  }
  EXPECT_EQ(h.bucket.front().upper_bound, 0);
  EXPECT_TRUE(std::isinf(h.bucket.back().upper_bound));
}

TEST(SnapshotCollector, UpdateReplacesRunAndKeepsOtherRuns) {
  SnapshotCollector c;
  stats::Snapshot first = MakeSnapshot();
  c.Update("sc", "a", "bidi", first, LiveGauges{});
  stats::Snapshot later = MakeSnapshot();
  later.counters.messages_sent = 250;  // cumulative: grows
  c.Update("sc", "a", "bidi", later, LiveGauges{});
  c.Update("sc", "b", "bidi", first, LiveGauges{});
  c.Update("other", "a", "unary", first, LiveGauges{});

  const auto all = c.Collect();
  const MetricFamily* messages = FindFamily(all, names::kMessagesTotal);
  ASSERT_NE(messages, nullptr);
  EXPECT_EQ(messages->metric.size(), 6u);  // 3 runs x 2 directions
  for (const auto& m : messages->metric) {
    if (LabelValue(m, "scenario") == "sc" && LabelValue(m, "variant") == "a" &&
        LabelValue(m, "direction") == "sent") {
      EXPECT_EQ(m.counter.value, 250);
    }
  }
  EXPECT_EQ(c.Scenarios(), (std::vector<std::string>{"other", "sc"}));

  const auto only_sc = c.CollectScenario("sc");
  const MetricFamily* sc_messages = FindFamily(only_sc, names::kMessagesTotal);
  ASSERT_NE(sc_messages, nullptr);
  EXPECT_EQ(sc_messages->metric.size(), 4u);
  for (const auto& m : sc_messages->metric) EXPECT_EQ(LabelValue(m, "scenario"), "sc");
  EXPECT_TRUE(c.CollectScenario("nope").empty());
}

TEST(SnapshotCollector, ShardLabelOnEverySeriesOnlyWhenSharded) {
  SnapshotCollector c;
  c.Update("sc", "v", "bidi", MakeSnapshot(), LiveGauges{500, 4, 0.002});
  for (const MetricFamily& f : c.Collect()) {
    for (const auto& m : f.metric) EXPECT_EQ(LabelValue(m, "shard"), "<missing>") << f.name;
  }
  c.SetShardLabel("3");
  size_t series = 0;
  for (const MetricFamily& f : c.Collect()) {
    for (const auto& m : f.metric) {
      EXPECT_EQ(LabelValue(m, "shard"), "3") << f.name;
      ++series;
    }
  }
  EXPECT_GT(series, 20u);
}

TEST(StatusCodeLabel, NamesAndOutOfRange) {
  EXPECT_STREQ(StatusCodeLabel(0), "OK");
  EXPECT_STREQ(StatusCodeLabel(4), "DEADLINE_EXCEEDED");
  EXPECT_STREQ(StatusCodeLabel(16), "UNAUTHENTICATED");
  EXPECT_STREQ(StatusCodeLabel(17), "UNKNOWN");
  EXPECT_STREQ(StatusCodeLabel(-1), "UNKNOWN");
}

}  // namespace
}  // namespace streambench::metrics
