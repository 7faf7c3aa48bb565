#include "server/server_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <string>
#include <thread>
#include <vector>

#include "tests/server/server_test_support.h"

namespace streambench {
namespace {

using ::testing::HasSubstr;

const prometheus::MetricFamily* Find(const std::vector<prometheus::MetricFamily>& families,
                                     const std::string& name) {
  for (const auto& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

using testing::SampleValue;

TEST(ServerMetricsTest, CountsByMethodCodeAndDirection) {
  ServerMetrics metrics(std::make_shared<prometheus::Registry>());
  ServerMetrics::Method& bidi = metrics.ForMethod("/m/Bidi");
  EXPECT_EQ(&bidi, &metrics.ForMethod("/m/Bidi"));  // one handle per method
  bidi.CallStarted();
  bidi.CallStarted();
  bidi.MessageReceived(100);
  bidi.MessageSent(30);
  bidi.MessageSent(40);
  bidi.FailureInjected(grpc::StatusCode::UNAVAILABLE);
  bidi.CallFinished(grpc::StatusCode::UNAVAILABLE);
  bidi.RequestChecksumError();

  auto families = metrics.collectable()->Collect();
  const std::vector<prometheus::ClientMetric::Label> m = {{"method", "/m/Bidi"}};
  // The sample of `family` for /m/Bidi whose `label` is `value`.
  auto sample = [&](const std::string& family, std::string label, std::string value) {
    auto labels = m;
    labels.push_back({std::move(label), std::move(value)});
    return SampleValue(*Find(families, family), labels);
  };
  ASSERT_NE(Find(families, "streambench_server_calls_started_total"), nullptr);
  EXPECT_EQ(SampleValue(*Find(families, "streambench_server_calls_started_total"), m), 2);
  EXPECT_EQ(SampleValue(*Find(families, "streambench_server_active_streams"), m), 1);
  EXPECT_EQ(sample("streambench_server_calls_total", "code", "UNAVAILABLE"), 1);
  // Every code is pre-created, so a scrape shows explicit zeros.
  EXPECT_EQ(sample("streambench_server_calls_total", "code", "OK"), 0);
  EXPECT_EQ(Find(families, "streambench_server_calls_total")->metric.size(), 17u);
  EXPECT_EQ(sample("streambench_server_messages_total", "direction", "sent"), 2);
  EXPECT_EQ(sample("streambench_server_payload_bytes_total", "direction", "sent"), 70);
  EXPECT_EQ(sample("streambench_server_payload_bytes_total", "direction", "received"), 100);
  EXPECT_EQ(sample("streambench_server_injected_failures_total", "code", "UNAVAILABLE"), 1);
  EXPECT_EQ(sample("streambench_server_integrity_errors_total", "kind", "checksum"), 1);
  ASSERT_NE(Find(families, "process_cpu_seconds_total"), nullptr);
  EXPECT_GT(Find(families, "process_cpu_seconds_total")->metric[0].counter.value, 0);
  ASSERT_NE(Find(families, "process_resident_memory_bytes"), nullptr);
  EXPECT_GT(Find(families, "process_resident_memory_bytes")->metric[0].gauge.value, 1 << 20);
}

TEST(ServerMetricsTest, WriteBlockedHistogramBucketsAreCumulativeInSeconds) {
  ServerMetrics metrics(std::make_shared<prometheus::Registry>());
  ServerMetrics::Method& method = metrics.ForMethod("/m/S");
  method.WriteCompleted(500);             // 0.5 us -> le=1e-06
  method.WriteCompleted(3'000);           // 3 us -> le=5e-06
  method.WriteCompleted(20'000'000'000);  // 20 s -> +Inf only
  auto families = metrics.collectable()->Collect();
  const auto* h = Find(families, "streambench_server_write_blocked_seconds");
  ASSERT_NE(h, nullptr);
  ASSERT_EQ(h->type, prometheus::MetricType::Histogram);
  ASSERT_EQ(h->metric.size(), 1u);
  const auto& hist = h->metric[0].histogram;
  EXPECT_EQ(hist.sample_count, 3u);
  EXPECT_NEAR(hist.sample_sum, 20.0000035, 1e-9);
  ASSERT_EQ(hist.bucket.size(), 23u);
  EXPECT_DOUBLE_EQ(hist.bucket.front().upper_bound, 1e-6);
  EXPECT_EQ(hist.bucket[0].cumulative_count, 1u);
  EXPECT_EQ(hist.bucket[1].cumulative_count, 1u);  // 2.5 us
  EXPECT_EQ(hist.bucket[2].cumulative_count, 2u);  // 5 us
  EXPECT_DOUBLE_EQ(hist.bucket[21].upper_bound, 10.0);
  EXPECT_EQ(hist.bucket[21].cumulative_count, 2u);
  EXPECT_TRUE(std::isinf(hist.bucket[22].upper_bound));
  EXPECT_EQ(hist.bucket[22].cumulative_count, 3u);

  // The text exposition Prometheus scrapes.
  const std::string text = prometheus::TextSerializer().Serialize(families);
  EXPECT_THAT(text, HasSubstr("# TYPE streambench_server_write_blocked_seconds histogram"));
  EXPECT_THAT(text, HasSubstr("streambench_server_write_blocked_seconds_count{method=\"/m/S\"} 3"));
}

TEST(ServerMetricsTest, ConcurrentRecordingLosesNothing) {
  ServerMetrics metrics(std::make_shared<prometheus::Registry>());
  ServerMetrics::Method& method = metrics.ForMethod("/m/C");
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        method.MessageSent(1);
        method.WriteCompleted(i);
      }
    });
  }
  for (auto& t : threads) t.join();
  auto families = metrics.collectable()->Collect();
  EXPECT_EQ(SampleValue(*Find(families, "streambench_server_messages_total"),
                        {{"method", "/m/C"}, {"direction", "sent"}}),
            kThreads * kPerThread);
  EXPECT_EQ(SampleValue(*Find(families, "streambench_server_write_blocked_seconds"),
                        {{"method", "/m/C"}}),
            kThreads * kPerThread);
}

}  // namespace
}  // namespace streambench
