#include "bench/report/merge.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "bench/report/json_report.h"

namespace streambench::report {
namespace {

// Shard `index` of `count`: one run whose message latencies are `samples_ns`.
MergeInput Shard(int index, int count, const std::vector<int64_t>& samples_ns) {
  stats::LogLinearHistogram h;
  for (int64_t v : samples_ns) h.Record(v);
  RunResult run;
  run.variant = "default";
  run.mode = "bidi";
  run.duration_s = 10;
  run.messages_sent = samples_ns.size();
  run.messages_received = samples_ns.size();
  run.messages_per_s = 2.0 * static_cast<double>(samples_ns.size()) / 10;
  run.calls_finished = 2;
  run.calls_by_code = {{"OK", 2}};
  run.latency_us["message"] = Summarize(h);
  run.latency_histograms["message"] = stats::Compact(h);
  IntervalPoint p;
  p.t_s = 0;
  p.duration_s = 1;
  p.messages_sent = samples_ns.size();
  p.latency["message"] = stats::Compact(h);
  run.series = {p};
  MergeInput in;
  in.path = "shard-" + std::to_string(index) + ".json";
  in.result.scenario = "s";
  in.result.shard = {true, index, count, "", 0, {}, {}};
  in.result.runs = {run};
  FinalizeScenarioResult(&in.result);
  return in;
}

// Nearest-rank percentile of the raw samples: the reference the merge must match.
int64_t RawPercentile(std::vector<int64_t> v, double p) {
  std::sort(v.begin(), v.end());
  const size_t rank = std::max<size_t>(1, static_cast<size_t>(std::ceil(p / 100 * v.size())));
  return v[rank - 1];
}

TEST(MergeTest, MergedPercentilesAreThoseOfAllSamplesWithinTheHistogramError) {
  std::mt19937_64 rng(11);
  std::vector<std::vector<int64_t>> per_shard(3);
  std::vector<int64_t> all;
  // Shards with different latency: a merge that averaged percentiles would be far off.
  const double medians_log[] = {11.0, 12.5, 14.0};
  for (int i = 0; i < 3; ++i) {
    std::lognormal_distribution<double> d(medians_log[i], 0.7);
    for (int k = 0; k < 20000 * (i + 1); ++k) {
      per_shard[i].push_back(static_cast<int64_t>(d(rng)) + 1);
      all.push_back(per_shard[i].back());
    }
  }
  std::vector<MergeInput> inputs;
  for (int i = 2; i >= 0; --i) inputs.push_back(Shard(i, 3, per_shard[i]));  // any order
  ScenarioResult merged;
  std::string error;
  ASSERT_TRUE(MergeShardResults(inputs, false, &merged, &error)) << error;
  ASSERT_EQ(merged.runs.size(), 1u);
  const RunResult& run = merged.runs[0];
  EXPECT_EQ(run.messages_sent, all.size());
  EXPECT_EQ(run.calls_by_code.at("OK"), 6u);
  const LatencySummary& m = run.latency_us.at("message");
  EXPECT_EQ(m.count, all.size());
  const std::pair<double, double> stats[] = {
      {50, m.p50_us}, {90, m.p90_us}, {99, m.p99_us}, {99.9, m.p999_us}};
  for (const auto& [p, merged_us] : stats) {
    const double raw_us = static_cast<double>(RawPercentile(all, p)) / 1e3;
    // The histogram's stated error: at most 1/128 of the value (bench/stats/histogram.h).
    EXPECT_NEAR(merged_us, raw_us, raw_us / 128 + 1e-3) << "p" << p;
  }
  EXPECT_DOUBLE_EQ(m.max_us, static_cast<double>(*std::max_element(all.begin(), all.end())) / 1e3);
  ASSERT_EQ(run.series.size(), 1u);
  EXPECT_EQ(run.series[0].messages_sent, all.size());
  EXPECT_EQ(run.series[0].latency.at("message").Count(), all.size());
  EXPECT_EQ(merged.shard.merged, (std::vector<int>{0, 1, 2}));
  EXPECT_TRUE(merged.pass);
}

// Shard `index` of 2 whose streams saw `depths` (send-queue depth after each enqueue) and whose
// receiving streams got `per_stream` messages each, as RunResultBuilder records them.
MergeInput CountsShard(int index, const std::vector<int64_t>& depths,
                       const std::vector<int64_t>& per_stream) {
  MergeInput in = Shard(index, 2, {1000});
  stats::LogLinearHistogram depth, messages;
  for (int64_t v : depths) depth.Record(v);
  for (int64_t v : per_stream) messages.Record(v);
  RunResult& run = in.result.runs[0];
  run.send_queue_depth = SummarizeQueueDepth(depth);
  SummarizeMessagesPerStream(messages, &run.messages_per_stream);
  run.messages_per_stream.streams_without_messages = 3;
  run.count_histograms[kSendQueueDepthHistogram] = stats::Compact(depth);
  run.count_histograms[kMessagesPerStreamHistogram] = stats::Compact(messages);
  return in;
}

TEST(MergeTest, SendQueueDepthAndMessagesPerStreamAreThoseOfAllSamples) {
  // A busy shard with shallow queues and long streams, a quiet one with deep queues and short
  // streams: the largest shard's percentile (what a merge without histograms can say) is far off.
  std::vector<int64_t> depths_0(9000, 1), depths_1;
  for (int k = 0; k < 1000; ++k) depths_1.push_back(2 + k % 200);
  std::vector<int64_t> streams_0(50, 40), streams_1;
  for (int k = 0; k < 150; ++k) streams_1.push_back(5 + k % 3);
  std::vector<int64_t> all_depths = depths_0, all_streams = streams_0;
  all_depths.insert(all_depths.end(), depths_1.begin(), depths_1.end());
  all_streams.insert(all_streams.end(), streams_1.begin(), streams_1.end());

  ScenarioResult merged;
  std::string error;
  ASSERT_TRUE(
      MergeShardResults({CountsShard(0, depths_0, streams_0), CountsShard(1, depths_1, streams_1)},
                        false, &merged, &error))
      << error;
  // Through the results file and back, as `streambench merge` writes it.
  ScenarioResult read;
  ASSERT_TRUE(FromJson(ToJson(merged), &read, &error)) << error;
  const RunResult& run = read.runs[0];
  EXPECT_EQ(run.merge_approximate, "");
  // Values below 256 are exact in the histogram: the merged figures are those of all samples.
  const QueueDepthSummary& q = run.send_queue_depth;
  EXPECT_EQ(q.samples, all_depths.size());
  EXPECT_EQ(q.p50, static_cast<uint64_t>(RawPercentile(all_depths, 50)));
  EXPECT_EQ(q.p99, static_cast<uint64_t>(RawPercentile(all_depths, 99)));
  EXPECT_EQ(q.max, 201u);
  double depth_sum = 0;
  for (int64_t v : all_depths) depth_sum += static_cast<double>(v);
  EXPECT_NEAR(q.mean, depth_sum / static_cast<double>(all_depths.size()), 1e-9);
  const StreamMessagesSummary& s = run.messages_per_stream;
  EXPECT_EQ(s.streams, all_streams.size());
  EXPECT_EQ(s.streams_without_messages, 6u);
  EXPECT_EQ(s.min, 5u);
  EXPECT_EQ(s.p50, static_cast<uint64_t>(RawPercentile(all_streams, 50)));
  EXPECT_EQ(s.p99, static_cast<uint64_t>(RawPercentile(all_streams, 99)));
  EXPECT_EQ(s.max, 40u);
  // The merged histograms are written, so merged results merge again exactly.
  EXPECT_EQ(run.count_histograms.at(kSendQueueDepthHistogram).Count(), all_depths.size());
  EXPECT_EQ(run.count_histograms.at(kMessagesPerStreamHistogram).Count(), all_streams.size());
}

TEST(MergeTest, AShardWithoutCountHistogramsLeavesBoundsAndSaysSo) {
  MergeInput old_file = CountsShard(1, std::vector<int64_t>(100, 7), {3});
  old_file.result.runs[0].count_histograms.erase(kSendQueueDepthHistogram);
  ScenarioResult merged;
  std::string error;
  ASSERT_TRUE(MergeShardResults({CountsShard(0, std::vector<int64_t>(1000, 1), {3}), old_file},
                                false, &merged, &error))
      << error;
  ScenarioResult read;
  ASSERT_TRUE(FromJson(ToJson(merged), &read, &error)) << error;
  const RunResult& run = read.runs[0];
  EXPECT_EQ(run.merge_approximate, kSendQueueDepthHistogram);
  EXPECT_EQ(run.send_queue_depth.p50, 7u) << "the largest shard's median, a bound";
  EXPECT_EQ(run.count_histograms.count(kSendQueueDepthHistogram), 0u)
      << "one shard's histogram is not the run's";
  EXPECT_EQ(run.messages_per_stream.streams, 2u);
  EXPECT_EQ(run.count_histograms.at(kMessagesPerStreamHistogram).Count(), 2u);
}

TEST(MergeTest, RefusesOverlapsMissingShardsAndOtherScenarios) {
  ScenarioResult merged;
  std::string error;
  EXPECT_FALSE(MergeShardResults({Shard(0, 2, {5}), Shard(0, 2, {6})}, false, &merged, &error));
  EXPECT_EQ(error, "shard-0.json: shard 0 overlaps shard-0.json");
  EXPECT_FALSE(MergeShardResults({Shard(0, 3, {5}), Shard(2, 3, {6})}, false, &merged, &error));
  EXPECT_EQ(error, "missing shard 1 of 3 (--allow-missing merges what is there)");
  MergeInput other = Shard(1, 2, {5});
  other.result.scenario = "t";
  EXPECT_FALSE(MergeShardResults({Shard(0, 2, {5}), other}, false, &merged, &error));
  EXPECT_NE(error.find("scenario 't' is not 's'"), std::string::npos) << error;
  MergeInput no_histogram = Shard(1, 2, {5});
  no_histogram.result.runs[0].latency_histograms.clear();
  EXPECT_FALSE(MergeShardResults({Shard(0, 2, {5}), no_histogram}, false, &merged, &error));
  EXPECT_NE(error.find("no histogram of message latency"), std::string::npos) << error;
}

TEST(MergeTest, AllowMissingReportsTheGapAndDoesNotPass) {
  ScenarioResult merged;
  std::string error;
  ASSERT_TRUE(MergeShardResults({Shard(0, 4, {5}), Shard(3, 4, {6})}, true, &merged, &error))
      << error;
  EXPECT_EQ(merged.shard.missing, (std::vector<int>{1, 2}));
  EXPECT_EQ(merged.shard.merged, (std::vector<int>{0, 3}));
  EXPECT_FALSE(merged.pass);
  EXPECT_EQ(merged.runs[0].messages_sent, 2u);
}

}  // namespace
}  // namespace streambench::report
