#include "bench/report/csv_report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/bench/report/test_results.h"

namespace streambench::report {
namespace {

// A small RFC 4180 reader: rows of fields, quoted fields may hold commas, quotes and newlines.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(field);
      field.clear();
      rows.push_back(row);
      row.clear();
      ++i;
    } else {
      field += c;
    }
  }
  EXPECT_TRUE(row.empty() && field.empty()) << "last line must end in CRLF";
  return rows;
}

size_t Column(const std::vector<std::string>& header, const std::string& name) {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

TEST(CsvReportTest, GeneratorCpuColumns) {
  ScenarioResult result = testing::SampleResult();
  GeneratorCpu& cpu = result.runs[0].generator;
  cpu.cpu_seconds = 12.5;
  cpu.cpu_utilization = 0.625;
  cpu.busiest_thread_utilization = 0.95;
  cpu.cores = 2;
  cpu.includes_server = true;
  cpu.saturated = true;
  const auto rows = ParseCsv(ToCsv(result));
  ASSERT_EQ(rows.size(), 3u);
  const std::vector<std::string>& header = rows[0];
  EXPECT_EQ(rows[1][Column(header, "generator_cpu_s")], "12.500");
  EXPECT_EQ(rows[1][Column(header, "generator_cpu_utilization")], "0.625");
  EXPECT_EQ(rows[1][Column(header, "generator_busiest_thread_utilization")], "0.950");
  EXPECT_EQ(rows[1][Column(header, "generator_cores")], "2");
  EXPECT_EQ(rows[1][Column(header, "generator_includes_server")], "true");
  EXPECT_EQ(rows[1][Column(header, "generator_saturated")], "true");
  EXPECT_EQ(rows[2][Column(header, "generator_saturated")], "false") << "not measured";
  EXPECT_EQ(rows[2][Column(header, "generator_cores")], "0");
}

TEST(CsvReportTest, HeaderAndOneRowPerRunParseBack) {
  const ScenarioResult result = testing::SampleResult();
  const auto rows = ParseCsv(ToCsv(result));
  ASSERT_EQ(rows.size(), 3u);
  const std::vector<std::string>& header = rows[0];
  EXPECT_EQ(header, CsvColumns());
  for (const auto& row : rows) EXPECT_EQ(row.size(), header.size());

  // The first run's cells; the failing check's detail holds a comma and quotes: quoted on
  // write, intact on read.
  const std::pair<const char*, const char*> kFirstRun[] = {
      {"scenario", "bidi_pingpong"},
      {"variant", "default"},
      {"mode", "bidi"},
      {"repeat", "1"},
      {"pass", "false"},
      {"messages_sent", "123456"},
      {"bytes_received", "7897600"},
      {"calls_finished", "100"},
      {"calls_ok", "90"},
      {"calls_not_ok", "10"},
      {"calls_by_code", "OK=90 UNAVAILABLE=10"},
      {"messages_per_s", "24083.500"},
      {"latency_message_p99_us", "1234.000"},
      {"latency_message_count", "123400"},
      {"latency_call_p50_us", "1000000.000"},
      {"latency_write_blocked_count", "0"},
      {"integrity_corrupted", "4"},
      {"failed_checks", "integrity errors: 10, \"quoted\"; expected 0"},
  };
  for (const auto& [column, value] : kFirstRun) {
    EXPECT_EQ(rows[1][Column(header, column)], value) << column;
  }
  EXPECT_EQ(rows[2][Column(header, "variant")], "large-window");
  EXPECT_EQ(rows[2][Column(header, "pass")], "true");
}

TEST(CsvReportTest, ColumnOrderIsFixed) {
  const std::vector<std::string> columns = CsvColumns();
  ASSERT_GE(columns.size(), 10u);
  EXPECT_EQ(columns[0], "scenario");
  EXPECT_EQ(columns[1], "variant");
  EXPECT_EQ(columns.back(), "failed_checks");
  // Same columns regardless of which latency kinds a run recorded.
  ScenarioResult sparse;
  sparse.runs.emplace_back();
  EXPECT_EQ(ParseCsv(ToCsv(sparse))[1].size(), columns.size());
}

TEST(CsvReportTest, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(CsvQuote("plain"), "plain");
  EXPECT_EQ(CsvQuote("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvQuote("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvQuote("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvQuote(""), "");
}

TEST(CsvReportTest, WriteCsvFileWritesTheSameText) {
  const std::string path =
      ::testing::TempDir() + "/report_csv_" + std::to_string(getpid()) + ".csv";
  std::string error;
  const ScenarioResult result = testing::SampleResult();
  ASSERT_TRUE(WriteCsvFile(result, path, &error)) << error;
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), ToCsv(result));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace streambench::report
