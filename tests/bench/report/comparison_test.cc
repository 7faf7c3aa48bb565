// The comparison of variants: spreads (median, min, max) over repeats, ratios to the first
// variant, the console table, the comparison CSV and its path, and the JSON round trip of the
// comparison and the per-run flow-control fields.
#include "bench/report/comparison.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "bench/report/csv_report.h"
#include "bench/report/json_report.h"

namespace streambench::report {
namespace {

RunResult MakeRun(const std::string& variant, int repeat, double msgs_per_s, double p50_us,
                  double p99_us) {
  RunResult run;
  run.variant = variant;
  run.mode = "bidi";
  run.repeat_index = repeat;
  run.messages_per_s = msgs_per_s;
  run.bytes_sent_per_s = msgs_per_s * 50;
  run.bytes_received_per_s = msgs_per_s * 50;
  LatencySummary message;
  message.count = 10;
  message.p50_us = p50_us;
  message.p99_us = p99_us;
  run.latency_us["message"] = message;
  LatencySummary blocked;
  blocked.count = 10;
  blocked.p99_us = p99_us / 2;
  run.latency_us["write_blocked"] = blocked;
  run.send_queue_depth = {10, 1.5, 1, 3, static_cast<uint64_t>(repeat + 4)};
  run.server_dropped_messages = static_cast<uint64_t>(repeat);
  return run;
}

// Two variants, three repeats each, interleaved as the runner produces them.
std::vector<RunResult> Runs() {
  return {MakeRun("A", 0, 1000, 100, 900),  MakeRun("B", 0, 3000, 50, 300),
          MakeRun("A", 1, 1200, 120, 1100), MakeRun("B", 1, 2000, 60, 200),
          MakeRun("A", 2, 800, 80, 1000),   MakeRun("B", 2, 2600, 40, 400)};
}

TEST(SpreadTest, MedianMinMax) {
  const Spread odd = SpreadOf({3, 1, 2});
  EXPECT_EQ(odd.median, 2);
  EXPECT_EQ(odd.min, 1);
  EXPECT_EQ(odd.max, 3);
  EXPECT_EQ(SpreadOf({4, 1, 3, 2}).median, 2.5);
  EXPECT_EQ(SpreadOf({}).median, 0);
}

TEST(ComparisonTest, OneRowPerVariantWithMediansAndRatiosToTheFirst) {
  const std::vector<ComparisonRow> rows = BuildComparison(Runs());
  ASSERT_EQ(rows.size(), 2u);
  const ComparisonRow& a = rows[0];
  const ComparisonRow& b = rows[1];
  EXPECT_EQ(a.variant, "A");
  EXPECT_EQ(a.repeats, 3);
  EXPECT_EQ(a.messages_per_s.median, 1000);
  EXPECT_EQ(a.messages_per_s.min, 800);
  EXPECT_EQ(a.messages_per_s.max, 1200);
  EXPECT_EQ(a.message_p99_us.median, 1000);
  EXPECT_EQ(a.write_blocked_p99_us.median, 500);
  EXPECT_EQ(a.send_queue_depth_max.median, 5);
  EXPECT_EQ(a.server_dropped_messages.max, 2);
  EXPECT_EQ(a.messages_per_s_ratio, 1.0);
  EXPECT_EQ(b.messages_per_s.median, 2600);
  EXPECT_DOUBLE_EQ(b.messages_per_s_ratio, 2.6);
  EXPECT_DOUBLE_EQ(b.bytes_per_s_ratio, 2.6);
  EXPECT_DOUBLE_EQ(b.message_p50_ratio, 0.5);
  EXPECT_DOUBLE_EQ(b.message_p99_ratio, 0.3);
}

TEST(ComparisonTest, WantedForSeveralVariantsOrRepeatsOnly) {
  EXPECT_FALSE(WantsComparison({MakeRun("A", 0, 1, 1, 1)}));
  EXPECT_TRUE(WantsComparison({MakeRun("A", 0, 1, 1, 1), MakeRun("A", 1, 1, 1, 1)}));
  EXPECT_TRUE(WantsComparison({MakeRun("A", 0, 1, 1, 1), MakeRun("B", 0, 1, 1, 1)}));
  EXPECT_FALSE(WantsComparison({}));
}

TEST(ComparisonTest, ZeroBaselineGivesNoRatio) {
  const std::vector<ComparisonRow> rows =
      BuildComparison({MakeRun("A", 0, 0, 0, 0), MakeRun("B", 0, 10, 1, 1)});
  EXPECT_EQ(rows[1].messages_per_s_ratio, 0);
  std::ostringstream out;
  PrintComparisonTable(rows, out);
  EXPECT_NE(out.str().find(" - "), std::string::npos) << out.str();
}

TEST(ComparisonTest, ConsoleTableShowsSpreadAndRatios) {
  std::ostringstream out;
  PrintComparisonTable(BuildComparison(Runs()), out);
  const std::string text = out.str();
  EXPECT_NE(text.find("Comparison (median (min-max) over repeats; ratios to the baseline `A`)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("2.60x"), std::string::npos) << text;
  EXPECT_NE(text.find("0.30x"), std::string::npos) << text;
  EXPECT_NE(text.find("1.00ms (900us-1.10ms)"), std::string::npos) << text;
  std::ostringstream empty;
  PrintComparisonTable({}, empty);
  EXPECT_EQ(empty.str(), "");
}

TEST(ComparisonTest, CsvHasAHeaderAndOneRowPerVariant) {
  const std::string csv = ComparisonToCsv(BuildComparison(Runs()));
  std::istringstream lines(csv);
  std::string header, a, b, extra;
  std::getline(lines, header);
  std::getline(lines, a);
  std::getline(lines, b);
  EXPECT_FALSE(std::getline(lines, extra));
  EXPECT_EQ(header.rfind("variant,repeats,messages_per_s_median,", 0), 0u);
  EXPECT_EQ(a.rfind("A,3,1000,800,1200,1,", 0), 0u) << a;
  EXPECT_EQ(b.rfind("B,3,2600,2000,3000,2.6,", 0), 0u) << b;
  EXPECT_EQ(ComparisonCsvPath("out/results.csv"), "out/results.comparison.csv");
  EXPECT_EQ(ComparisonCsvPath("results"), "results.comparison.csv");
}

TEST(ComparisonTest, WriteCsvFileWritesTheComparisonBesideTheRuns) {
  ScenarioResult result;
  result.scenario = "s";
  result.runs = Runs();
  result.comparison = BuildComparison(result.runs);
  const std::string path = ::testing::TempDir() + "/comparison_test_results.csv";
  std::string error;
  ASSERT_TRUE(WriteCsvFile(result, path, &error)) << error;
  std::ifstream in(ComparisonCsvPath(path));
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), ComparisonToCsv(result.comparison));
  std::remove(path.c_str());
  std::remove(ComparisonCsvPath(path).c_str());
}

TEST(ComparisonTest, JsonRoundTripKeepsComparisonAndFlowFields) {
  ScenarioResult result;
  result.scenario = "s";
  result.runs = Runs();
  result.runs[0].link = LinkResult{true, 40000, 100000000, 5, 600000, "rtt 40ms", 1, 2, 3, 4, 5};
  result.comparison = BuildComparison(result.runs);
  ScenarioResult back;
  std::string error;
  ASSERT_TRUE(FromJson(ToJson(result), &back, &error)) << error;
  ASSERT_EQ(back.comparison.size(), 2u);
  EXPECT_EQ(back.comparison[1].messages_per_s.median, 2600);
  EXPECT_DOUBLE_EQ(back.comparison[1].message_p99_ratio, 0.3);
  EXPECT_EQ(back.comparison[0].send_queue_depth_max.max, 6);
  EXPECT_EQ(back.runs[0].send_queue_depth.max, 4u);
  EXPECT_EQ(back.runs[2].server_dropped_messages, 1u);
  EXPECT_TRUE(back.runs[0].link.enabled);
  EXPECT_EQ(back.runs[0].link.rtt_us, 40000);
  EXPECT_EQ(back.runs[0].link.max_queued_bytes_down, 5u);
  EXPECT_FALSE(back.runs[1].link.enabled);
  // Without a comparison, no `comparison` key.
  result.comparison.clear();
  EXPECT_EQ(ToJson(result).find("\"comparison\""), std::string::npos);
  // A malformed comparison names its path.
  ASSERT_FALSE(FromJson(R"({"scenario": "s", "runs": [], "comparison": [{"repeats": "x"}]})", &back,
                        &error));
  EXPECT_EQ(error, "comparison[0].repeats: expected an integer");
}

}  // namespace
}  // namespace streambench::report
