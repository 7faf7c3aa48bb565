#include "bench/report/merge.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

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
  p.message_latency = stats::Compact(h);
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
  EXPECT_EQ(run.series[0].message_latency.Count(), all.size());
  EXPECT_EQ(merged.shard.merged, (std::vector<int>{0, 1, 2}));
  EXPECT_TRUE(merged.pass);
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
