#include "bench/report/console_report.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tests/bench/report/test_results.h"

namespace streambench::report {
namespace {

std::string Table(const ScenarioResult& result) {
  std::ostringstream out;
  PrintConsoleTable(result, out);
  return out.str();
}

void ExpectContains(const std::string& text, const std::string& needle) {
  EXPECT_NE(text.find(needle), std::string::npos) << "missing \"" << needle << "\" in:\n" << text;
}

TEST(ConsoleReportTest, StreamsOpenedInTheWarmUpAreNamedAsSuch) {
  // Long-lived streams opened during the warm-up finish in the measured phase without having
  // started in it.
  RunResult run = testing::SampleRun("default");
  run.calls_started = 0;
  run.calls_finished = 16;
  run.calls_per_s = 1.6;
  std::ostringstream out;
  PrintRunTable(run, out);
  ExpectContains(out.str(), "started 0 (+16 open from the warm-up), finished 16 (1.60/s)");
}

TEST(ConsoleReportTest, MessagesPerStreamOnlyWhereStreamsReceivedOnTheirOwn) {
  RunResult run = testing::SampleRun("default");
  std::ostringstream echo;
  PrintRunTable(run, echo);
  EXPECT_EQ(echo.str().find("msgs/stream"), std::string::npos);
  run.messages_per_stream = StreamMessagesSummary{40, 2, 9.5, 3, 10, 11, 12};
  std::ostringstream streamed;
  PrintRunTable(run, streamed);
  ExpectContains(streamed.str(),
                 "msgs/stream   min 3  mean 9.5  p50 10  p99 11  max 12  (40 streams, 2 without a "
                 "message)");
}

TEST(ConsoleReportTest, LatencyColumnsLineUpWhateverTheKindNames) {
  RunResult run = testing::SampleRun("default");
  LatencySummary s;
  s.count = 7;
  s.p50_us = 90'000;
  run.latency_us["first_write_to_response"] = s;
  std::ostringstream out;
  PrintRunTable(run, out);
  // The header and every latency row are the label column and eight columns of ten.
  std::istringstream lines(out.str());
  std::vector<size_t> widths;
  bool in_latency = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  latency", 0) == 0) in_latency = true;
    if (in_latency && line.rfind("    ", 0) != 0 && line.rfind("  latency", 0) != 0) break;
    if (in_latency) widths.push_back(line.size());
  }
  ASSERT_GE(widths.size(), 3u) << out.str();
  for (size_t width : widths) EXPECT_EQ(width, widths[0]) << out.str();
}

TEST(ConsoleReportTest, TableShowsTheKeyFigures) {
  const std::string text = Table(testing::SampleResult());
  ExpectContains(text, "scenario bidi_pingpong");
  ExpectContains(text, "variant default");
  ExpectContains(text, "variant large-window");
  ExpectContains(text, "123,456 (12.0k/s)");     // messages sent and their rate
  ExpectContains(text, "123,400 (12.0k/s)");     // received
  ExpectContains(text, "7.54 MiB (753 KiB/s)");  // bytes sent
  ExpectContains(text, "started 110, finished 100 (9.76/s)");
  ExpectContains(text, "24.1k msg/s total (target 12.0k op/s)");
  ExpectContains(text, "OK 90 (90.0%)  UNAVAILABLE 10 (10.0%)");
  ExpectContains(text, "p99.9");
  ExpectContains(text, "1.23ms");  // message p99 1234 us
  ExpectContains(text, "5.00ms");  // message p999
  ExpectContains(text, "400us");   // message p90 400.25 us
  ExpectContains(text, "123,400");
  ExpectContains(text, "schedule_lag");
  ExpectContains(text, "lost 3  duplicated 1  reordered 2  corrupted 4");
  ExpectContains(text, "PASS  status OK");
  ExpectContains(text, "FAIL  integrity errors: 10, \"quoted\"; expected 0");
  ExpectContains(text, "INTERRUPTED");
  EXPECT_EQ(text.find("write_blocked"), std::string::npos) << "unrecorded kinds are omitted";
}

TEST(ConsoleReportTest, VerdictLineNamesFailedVariants) {
  const std::string text = Table(testing::SampleResult());
  ExpectContains(text, "FAIL: 1 of 2 runs failed (default)");

  ScenarioResult passing = testing::SampleResult();
  passing.runs.pop_back();
  passing.runs[0].pass = true;
  passing.runs[0].interrupted = false;
  passing.pass = true;
  passing.interrupted = false;
  const std::string pass_text = Table(passing);
  ExpectContains(pass_text, "PASS: 1 of 1 run passed\n");
  EXPECT_EQ(pass_text.find("INTERRUPTED"), std::string::npos);
}

TEST(ConsoleReportTest, NoRunsIsAFailure) {
  ScenarioResult empty;
  empty.scenario = "x";
  ExpectContains(Table(empty), "FAIL: no runs");
}

TEST(ConsoleReportTest, ProgressLineHoldsElapsedRateP99AndErrors) {
  EXPECT_EQ(FormatProgressLine(12.04, 12345, 1250, 3),
            "[  12.0s]   12.3k msg/s  p99 1.25ms   errors 3");
  EXPECT_EQ(FormatProgressLine(0.5, 0, 0, 0), "[   0.5s]    0.00 msg/s  p99 0us      errors 0");
  EXPECT_EQ(FormatProgressLine(3600, 2.5e6, 2.5e6, 1234567),
            "[3600.0s]   2.50M msg/s  p99 2.50s    errors 1,234,567");
}

}  // namespace
}  // namespace streambench::report
