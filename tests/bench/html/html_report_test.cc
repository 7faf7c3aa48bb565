#include "bench/html/html_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "bench/report/comparison.h"
#include "bench/report/json_report.h"
#include "bench/report/result_fields.h"
#include "tests/bench/report/test_results.h"

namespace streambench::html {
namespace {

using Json = nlohmann::json;

// The sample result with a second run whose figures differ from the first, so a report that
// mixed up runs would show.
report::ScenarioResult TwoDifferentRuns() {
  report::ScenarioResult result = report::testing::SampleResult();
  report::RunResult& second = result.runs[1];
  second.messages_sent = 777;
  second.messages_per_s = 31.5;
  second.integrity.lost = 9;
  second.latency_us["message"].p99_us = 4321.5;
  second.calls_by_code = {{"OK", 100}, {"DEADLINE_EXCEEDED", 7}};
  return result;
}

// The data-value attributes of the elements carrying `attribute="name"`, in document order.
std::vector<double> ValuesOf(const std::string& html, const std::string& attribute,
                             const std::string& name) {
  std::vector<double> values;
  const std::regex pattern(attribute + "=\"" +
                           std::regex_replace(name, std::regex(R"([.])"), R"(\.)") +
                           "\"[^>]*?data-value=\"([^\"]*)\"");
  for (std::sregex_iterator it(html.begin(), html.end(), pattern), end; it != end; ++it) {
    values.push_back(std::stod((*it)[1]));
  }
  return values;
}

// The JSON value at a dotted path, as a number.
double JsonNumber(const Json& run, const std::string& path) {
  const Json* node = &run;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    node = &node->at(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (node->is_boolean()) return node->get<bool>() ? 1 : 0;
  return node->get<double>();
}

TEST(HtmlReportTest, EveryNumberInTheTablesIsTheResultsFilesNumber) {
  // Drawn from the results file read back, as `streambench report` does.
  const std::string text = report::ToJson(TwoDifferentRuns());
  report::ScenarioResult read;
  std::string error;
  ASSERT_TRUE(report::FromJson(text, &read, &error)) << error;
  const std::string html = RenderHtmlReport({{"results.json", read}});
  const Json json = Json::parse(text);

  int compared = 0;
  for (const report::RunField& field : report::RunFields()) {
    if (field.ref == nullptr || field.unit == report::MetricUnit::kText) continue;
    if (!json["runs"][0].contains(nlohmann::json::json_pointer(
            "/" + std::regex_replace(field.json_path, std::regex(R"([.])"), "/")))) {
      continue;  // not written for these runs (link, transfers, ...)
    }
    const std::vector<double> cells = ValuesOf(html, "data-field", field.json_path);
    ASSERT_EQ(cells.size(), 2u) << field.json_path;
    for (size_t i = 0; i < 2; ++i) {
      EXPECT_DOUBLE_EQ(cells[i], JsonNumber(json["runs"][i], field.json_path)) << field.json_path;
      ++compared;
    }
  }
  for (const char* kind : {"message", "call", "schedule_lag"}) {
    for (const report::LatencyStat& stat : report::LatencyStats()) {
      const std::string path = std::string("latency_us.") + kind + "." + stat.name;
      const std::vector<double> cells = ValuesOf(html, "data-field", path);
      ASSERT_EQ(cells.size(), 2u) << path;
      for (size_t i = 0; i < 2; ++i) {
        EXPECT_DOUBLE_EQ(cells[i], JsonNumber(json["runs"][i], path)) << path;
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 60);
}

TEST(HtmlReportTest, ChartsHaveABarPerRunAndCategoryWithTheResultsValues) {
  const report::ScenarioResult result = TwoDifferentRuns();
  const std::string html = RenderHtmlReport({{"results.json", result}});
  // One latency chart per kind measured (message, call, schedule_lag), throughput, statuses,
  // integrity.
  const std::regex svg("<svg ");
  EXPECT_EQ(
      std::distance(std::sregex_iterator(html.begin(), html.end(), svg), std::sregex_iterator()),
      6);
  // The message latency p99 bars: one per run, each the run's value.
  const std::vector<double> p99 = ValuesOf(html, "data-category", "p99");
  ASSERT_EQ(p99.size(), 6u);  // 3 latency kinds x 2 runs
  EXPECT_DOUBLE_EQ(p99[0], result.runs[0].latency_us.at("message").p99_us);
  EXPECT_DOUBLE_EQ(p99[1], result.runs[1].latency_us.at("message").p99_us);
  // Statuses: the union of the codes, a bar for each run (0 where a run had none).
  EXPECT_EQ(ValuesOf(html, "data-category", "DEADLINE_EXCEEDED"), (std::vector<double>{0, 7}));
  EXPECT_EQ(ValuesOf(html, "data-category", "UNAVAILABLE"), (std::vector<double>{10, 0}));
  EXPECT_EQ(ValuesOf(html, "data-category", "lost"), (std::vector<double>{3, 9}));
  EXPECT_EQ(ValuesOf(html, "data-category", "messages_per_s"),
            (std::vector<double>{24083.5, 31.5}));
}

TEST(HtmlReportTest, EveryRunOfEveryInputIsNamedAfterItsFileAndRepetition) {
  // Both sample runs are the second repetition of their variant.
  const report::ScenarioResult result = TwoDifferentRuns();
  const std::string html =
      RenderHtmlReport({{"baseline.json", result}, {"candidate.json", result}});
  for (const char* name : {"baseline.json: default #2", "baseline.json: large-window #2",
                           "candidate.json: default #2", "candidate.json: large-window #2"}) {
    EXPECT_NE(html.find(std::string("data-series=\"") + name + "\""), std::string::npos) << name;
  }
  // Every bar of the message latency chart: 7 statistics x 4 runs.
  const std::string chart = html.substr(html.find("message latency"));
  EXPECT_EQ(ValuesOf(chart.substr(0, chart.find("</svg>")), "class", "bar").size(), 28u);
}

TEST(HtmlReportTest, VariantsSideBySideShowTheComparisonsMediansAndRatios) {
  report::ScenarioResult result = TwoDifferentRuns();
  result.runs.push_back(result.runs[1]);  // a second repetition of large-window
  result.runs.back().messages_per_s = 63.5;
  result.comparison = report::BuildComparison(result.runs);
  ASSERT_EQ(result.comparison.size(), 2u);
  const report::ComparisonRow& second = result.comparison[1];
  ASSERT_EQ(second.repeats, 2);
  const std::string html = RenderHtmlReport({{"results.json", result}});
  EXPECT_EQ(ValuesOf(html, "data-field", "comparison.messages_per_s"),
            (std::vector<double>{result.comparison[0].messages_per_s.median,
                                 second.messages_per_s.median}));
  EXPECT_DOUBLE_EQ(second.messages_per_s.median, (31.5 + 63.5) / 2);
  // The ratio chart: one bar per variant, the baseline at 1.
  const size_t chart = html.find("variants: median / first variant");
  ASSERT_NE(chart, std::string::npos);
  const std::string svg = html.substr(chart, html.find("</svg>", chart) - chart);
  EXPECT_EQ(ValuesOf(svg, "data-category", "messages_per_s"),
            (std::vector<double>{1, second.messages_per_s_ratio}));
  EXPECT_EQ(ValuesOf(svg, "class", "bar").size(), 8u);  // 4 ratios x 2 variants
  // The spread of a repeated variant.
  EXPECT_NE(html.find("48/s (32/s–64/s)"), std::string::npos);
}

TEST(HtmlReportTest, OutagesAreListed) {
  report::ScenarioResult result = TwoDifferentRuns();
  result.runs[1].outages = {{2.5, 1.25, 42, false}};
  const std::string html = RenderHtmlReport({{"results.json", result}});
  EXPECT_NE(html.find("<td class=\"name\">large-window #2</td><td>2.5 s</td><td>1.25 s</td>"
                      "<td>42</td><td>no</td>"),
            std::string::npos);
}

TEST(HtmlReportTest, HostileStringsFromResultsCannotInjectMarkup) {
  report::ScenarioResult result = TwoDifferentRuns();
  result.scenario = "<script>alert(1)</script>";
  result.runs[0].variant = "\"><img src=x onerror=alert(2)>";
  result.runs[0].target = "<iframe src=//evil>";
  result.runs[0].checks[1].detail = "</td></table><b>boom</b>";
  result.runs[0].calls_by_code["<svg onload=alert(3)>"] = 1;
  const std::string html = RenderHtmlReport({{"<style>x</style>.json", result}});
  for (const char* injected :
       {"<script", "<img", "<iframe", "<b>", "<svg onload", "<style>x", "</table><"}) {
    EXPECT_EQ(html.find(injected), std::string::npos) << injected;
  }
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;/td&gt;&lt;/table&gt;&lt;b&gt;boom&lt;/b&gt;"), std::string::npos);
}

TEST(HtmlReportTest, TheDocumentLoadsNothingAndRunsNoScript) {
  const std::string html = RenderHtmlReport({{"results.json", TwoDifferentRuns()}});
  EXPECT_NE(html.find("content=\"default-src 'none'; style-src 'unsafe-inline'\""),
            std::string::npos);
  for (const char* fetching : {"<script", "<link", "src=", "href=", "@import", "url("}) {
    EXPECT_EQ(html.find(fetching), std::string::npos) << fetching;
  }
}

TEST(HtmlReportTest, FailedChecksComeFirst) {
  const std::string html = RenderHtmlReport({{"results.json", TwoDifferentRuns()}});
  const size_t fail = html.find("FAIL</td><td class=\"name\">expectation");
  const size_t pass = html.find("pass</td><td class=\"name\">expectation");
  ASSERT_NE(fail, std::string::npos);
  ASSERT_NE(pass, std::string::npos);
  EXPECT_LT(fail, pass);
}

}  // namespace
}  // namespace streambench::html

namespace streambench::html {
namespace {

TEST(HtmlReportTest, ACapacitySearchDrawsItsCurveWithTheObjectiveLine) {
  report::ScenarioResult result = report::testing::SampleResult();
  report::CapacityResult& c = result.runs[0].capacity;
  c.searched = true;
  c.objective = "error_rate < 0.1%; message_latency.p99 < 10ms";
  const double rates[] = {1000, 2000, 4000, 3000};
  const double p99s[] = {900, 1500, 25000, 8000};
  for (int i = 0; i < 4; ++i) {
    report::CapacityStep step;
    step.target_rate_per_s = rates[i];
    step.achieved_rate_per_s = rates[i] - 1;
    step.latency_kind = "message";
    step.p50_us = 100;
    step.p99_us = p99s[i];
    step.sustained = p99s[i] < 10000;
    c.steps.push_back(step);
  }
  const std::string html = RenderHtmlReport({{"r.json", result}});
  EXPECT_NE(html.find("capacity search: message latency p99 against the achieved rate"),
            std::string::npos);
  // The objective's limit, in microseconds, across the chart.
  const std::regex objective(R"re(<line class="objective"[^>]*data-value="([^"]*)")re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(html, m, objective));
  EXPECT_EQ(std::stod(m[1]), 10000);
  // Every step is a point at (achieved rate, p99), in rate order, failed ones marked.
  const std::regex point(
      R"re(<circle class="step"[^>]*data-rate="([^"]*)" data-latency-us="([^"]*)" )re"
      R"re(data-sustained="([a-z]*)")re");
  std::vector<std::string> seen;
  for (std::sregex_iterator it(html.begin(), html.end(), point), end; it != end; ++it) {
    seen.push_back((*it)[1].str() + "@" + (*it)[2].str() + ":" + (*it)[3].str());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"999@900:true", "1999@1500:true", "2999@8000:true",
                                            "3999@25000:false"}));
  // A result without a search draws no curve.
  EXPECT_EQ(RenderHtmlReport({{"r.json", report::testing::SampleResult()}}).find("class=\"step\""),
            std::string::npos);
}

}  // namespace
}  // namespace streambench::html
