// The charts over time and the percentile plot against the results file they are drawn from: a
// run with ten minutes of per-second series and real histograms, written as JSON and read back
// as `streambench report` does.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "bench/html/html_report.h"
#include "bench/html/percentile_plot.h"
#include "bench/report/comparison.h"
#include "bench/report/json_report.h"
#include "bench/stats/compact_histogram.h"
#include "common/split_mix.h"
#include "tests/bench/report/test_results.h"

namespace streambench::html {
namespace {

using Json = nlohmann::json;

constexpr int kSeconds = 600;

// Ten minutes at ~1000 messages a second with a burst at 300 s, latency spread over a
// millisecond with a slow second at 420 s, UNAVAILABLE during an outage at 100-103 s.
report::ScenarioResult TenMinutes() {
  report::ScenarioResult result = report::testing::SampleResult();
  result.runs.resize(1);
  report::RunResult& run = result.runs[0];
  run.duration_s = kSeconds;
  run.streambench_version = "0.1.0";
  run.command_line = "streambench run scenarios/bidi_open_loop.yaml --set 'load.rate=1000/s'";
  run.target_rate_per_s = 1000;
  run.outages = {{100, 3.5, 7, true}};
  stats::LogLinearHistogram whole;
  for (int t = 0; t < kSeconds; ++t) {
    report::IntervalPoint p;
    p.t_s = t;
    p.duration_s = t == kSeconds - 1 ? 0.5 : 1.0;
    p.messages_sent = 1000 + SplitMix64(t) % 50 + (t == 300 ? 4000 : 0);
    p.messages_received = p.messages_sent - SplitMix64(t + 7) % 5;
    p.calls_finished = 10;
    p.calls_by_code["OK"] = t >= 100 && t < 104 ? 3 : 10;
    if (t >= 100 && t < 104) p.calls_by_code["UNAVAILABLE"] = 7;
    stats::LogLinearHistogram second;
    for (int i = 0; i < 200; ++i) {
      const int64_t ns = 50'000 + static_cast<int64_t>(SplitMix64(t * 1000 + i) % 1'000'000) +
                         (t == 420 ? 30'000'000 : 0);
      second.Record(ns);
      whole.Record(ns);
    }
    p.latency["message"] = stats::Compact(second);
    run.series.push_back(std::move(p));
  }
  run.latency_us = {{"message", report::Summarize(whole)}};
  run.latency_histograms = {{"message", stats::Compact(whole)}};
  return result;
}

// The value of `attribute` on the element of `element` class whose data-series is `series`, in
// document order.
std::vector<double> Attribute(const std::string& html, const std::string& element,
                              const std::string& series, const std::string& attribute) {
  std::vector<double> values;
  const std::regex pattern("<" + element + " [^>]*data-series=\"" + series + "\"[^>]*" + attribute +
                           "=\"([^\"]*)\"");
  for (std::sregex_iterator it(html.begin(), html.end(), pattern), end; it != end; ++it) {
    values.push_back(std::stod((*it)[1]));
  }
  return values;
}

struct Drawn {
  Json json;
  std::string html;
};

Drawn DrawnFromTheResultsFile(const report::ScenarioResult& result) {
  const std::string text = report::ToJson(result);
  report::ScenarioResult read;
  std::string error;
  EXPECT_TRUE(report::FromJson(text, &read, &error)) << error;
  return {Json::parse(text), RenderHtmlReport({{"results.json", read}})};
}

TEST(HtmlSeriesTest, ThroughputOverTimeKeepsTheResultsFilesPeakAndDrawsTheTarget) {
  const Drawn d = DrawnFromTheResultsFile(TenMinutes());
  double sent_max = 0, received_max = 0;
  for (const Json& p : d.json["runs"][0]["series"]) {
    sent_max = std::max(sent_max, p["messages_sent"].get<double>() / p["duration_s"].get<double>());
    received_max = std::max(received_max,
                            p["messages_received"].get<double>() / p["duration_s"].get<double>());
  }
  EXPECT_EQ(Attribute(d.html, "polyline", "sent", "data-max"), std::vector<double>{sent_max});
  EXPECT_EQ(Attribute(d.html, "polyline", "received", "data-max"),
            std::vector<double>{received_max});
  // Thinned: 600 seconds, at most two points in each of 200 buckets.
  const std::vector<double> points = Attribute(d.html, "polyline", "sent", "data-points");
  ASSERT_EQ(points.size(), 1u);
  EXPECT_LE(points[0], 400);
  EXPECT_EQ(Attribute(d.html, "line", R"(target rate \(mean\))", "data-value"),
            std::vector<double>{1000});
}

TEST(HtmlSeriesTest, LatencyOverTimeIsEachSecondsPercentileFromTheResultsFile) {
  const Drawn d = DrawnFromTheResultsFile(TenMinutes());
  // The JSON's per-second p99 (written beside each second's histogram) peaks in the slow second.
  double p99_max = 0, p99_min = 1e18;
  for (const Json& p : d.json["runs"][0]["series"]) {
    p99_max = std::max(p99_max, p["latency_us"]["message"]["p99"].get<double>());
    p99_min = std::min(p99_min, p["latency_us"]["message"]["p99"].get<double>());
  }
  EXPECT_GT(p99_max, 30000);
  EXPECT_EQ(Attribute(d.html, "polyline", "p99", "data-max"), std::vector<double>{p99_max});
  EXPECT_EQ(Attribute(d.html, "polyline", "p99", "data-min"), std::vector<double>{p99_min});
  for (const char* line : {"p50", "p90", "p99.9"}) {
    EXPECT_EQ(Attribute(d.html, "polyline", line, "data-max").size(), 1u) << line;
  }
}

TEST(HtmlSeriesTest, EveryLatencyKindWithSamplesHasItsOwnChartOverTime) {
  report::ScenarioResult result = TenMinutes();
  // Schedule lag in the first minute only, 2 ms at its worst in second 30.
  for (report::IntervalPoint& p : result.runs[0].series) {
    if (p.t_s >= 60) continue;
    stats::LogLinearHistogram lag;
    for (int i = 0; i < 50; ++i) lag.Record(10'000 + i * 100 + (p.t_s == 30 ? 2'000'000 : 0));
    p.latency["schedule_lag"] = stats::Compact(lag);
  }
  const Drawn d = DrawnFromTheResultsFile(result);
  std::vector<std::string> titles;
  const std::regex caption(R"re(<figcaption>([^<]*latency over time)</figcaption>)re");
  for (std::sregex_iterator it(d.html.begin(), d.html.end(), caption), end; it != end; ++it) {
    titles.push_back((*it)[1]);
  }
  EXPECT_EQ(titles, (std::vector<std::string>{"message latency over time",
                                              "schedule lag latency over time"}));
  double lag_p99_max = 0;
  int lag_seconds = 0;
  for (const Json& p : d.json["runs"][0]["series"]) {
    if (!p["latency_us"].contains("schedule_lag")) continue;
    lag_p99_max = std::max(lag_p99_max, p["latency_us"]["schedule_lag"]["p99"].get<double>());
    ++lag_seconds;
  }
  EXPECT_EQ(lag_seconds, 60) << "a kind is written only for the seconds that have its samples";
  EXPECT_GT(lag_p99_max, 2000);
  // The p99 lines in chart order: message latency's, then schedule lag's.
  const std::vector<double> p99_max = Attribute(d.html, "polyline", "p99", "data-max");
  ASSERT_EQ(p99_max.size(), 2u);
  EXPECT_EQ(p99_max[1], lag_p99_max);
  EXPECT_EQ(Attribute(d.html, "polyline", "p99", "data-points")[1], 60);
}

TEST(HtmlSeriesTest, StatusesOverTimeShowTheOutageAsAShadedSpan) {
  const Drawn d = DrawnFromTheResultsFile(TenMinutes());
  EXPECT_EQ(Attribute(d.html, "polyline", "UNAVAILABLE", "data-max"), std::vector<double>{7});
  EXPECT_EQ(Attribute(d.html, "polyline", "OK", "data-min"), std::vector<double>{3});
  // Every chart over time shades it (throughput, latency, statuses).
  const std::regex span(
      R"re(<rect class="span"[^>]*data-start-s="([^"]*)" data-duration-s="([^"]*)")re");
  int spans = 0;
  for (std::sregex_iterator it(d.html.begin(), d.html.end(), span), end; it != end; ++it) {
    EXPECT_EQ(std::stod((*it)[1]), d.json["runs"][0]["outages"][0]["start_s"].get<double>());
    EXPECT_EQ(std::stod((*it)[2]), d.json["runs"][0]["outages"][0]["duration_s"].get<double>());
    ++spans;
  }
  EXPECT_EQ(spans, 3);
}

TEST(HtmlSeriesTest, ThePercentilePlotsLabelledPointsAreTheResultsFilesPercentiles) {
  const Drawn d = DrawnFromTheResultsFile(TenMinutes());
  const Json& latency = d.json["runs"][0]["latency_us"]["message"];
  const std::regex level(
      R"re(<circle class="level"[^>]*data-percentile="([^"]*)" data-latency-us="([^"]*)")re");
  std::vector<std::pair<double, double>> levels;
  for (std::sregex_iterator it(d.html.begin(), d.html.end(), level), end; it != end; ++it) {
    levels.emplace_back(std::stod((*it)[1]), std::stod((*it)[2]));
  }
  // 120000 samples resolve 50% to 99.999%.
  ASSERT_EQ(levels.size(), 6u);
  EXPECT_EQ(levels[0], std::make_pair(50.0, latency["p50"].get<double>()));
  EXPECT_EQ(levels[1], std::make_pair(90.0, latency["p90"].get<double>()));
  EXPECT_EQ(levels[2], std::make_pair(99.0, latency["p99"].get<double>()));
  EXPECT_EQ(levels[3], std::make_pair(99.9, latency["p999"].get<double>()));
}

TEST(HtmlSeriesTest, APercentileCurveRisesAndEndsAtTheLastSample) {
  stats::LogLinearHistogram h;
  for (int i = 1; i <= 1000; ++i) h.Record(i * 1000);
  const PercentileCurve curve = PercentileCurveOf("run", h);
  ASSERT_FALSE(curve.points.empty());
  for (size_t i = 1; i < curve.points.size(); ++i) {
    EXPECT_GT(curve.points[i].percentile, curve.points[i - 1].percentile);
    EXPECT_GE(curve.points[i].latency_us, curve.points[i - 1].latency_us);
  }
  // 1000 samples: 1/(1-q) up to 1000, i.e. 99.9%, the last sample.
  EXPECT_DOUBLE_EQ(curve.points.back().percentile, 99.9);
  EXPECT_EQ(curve.points.back().latency_us,
            static_cast<double>(h.ValueAtPercentileNs(99.9)) / 1000);
  EXPECT_TRUE(PercentileCurveOf("empty", stats::LogLinearHistogram()).points.empty());
}

TEST(HtmlSeriesTest, TheHeaderSaysWhichVersionAndCommandMadeTheRun) {
  const Drawn d = DrawnFromTheResultsFile(TenMinutes());
  EXPECT_EQ(d.json["runs"][0]["streambench_version"], "0.1.0");
  EXPECT_NE(d.html.find("<dd class=\"version\">0.1.0</dd>"), std::string::npos);
  EXPECT_NE(d.html.find("<dd class=\"command\"><code>streambench run scenarios/bidi_open_loop.yaml "
                        "--set &#39;load.rate=1000/s&#39;</code></dd>"),
            std::string::npos);
}

TEST(HtmlSeriesTest, BaselineChecksAreListedFailuresFirst) {
  report::ScenarioResult candidate = report::testing::SampleResult();
  report::Check ok, regressed;
  ok.variant = regressed.variant = "default";
  ok.metric = "throughput.messages_per_s";
  ok.measured = ok.limit = 24083.5;
  ok.baseline = report::BaselineFigures{report::Better::kHigher, 1, 0.1, false};
  regressed.metric = "message_latency.p99";
  regressed.measured = 2468;
  regressed.limit = 1234;
  regressed.passed = false;
  regressed.baseline = report::BaselineFigures{report::Better::kLower, 2, 0.1, false};
  candidate.gate.evaluated = true;
  candidate.gate.baseline = {ok, regressed};
  candidate.gate.baseline_path = "baseline.json";
  const std::string html = RenderHtmlReport({{"candidate.json", candidate}});
  const size_t table = html.find("<table class=\"baseline\">");
  ASSERT_NE(table, std::string::npos);
  EXPECT_NE(html.find("1 of 2 checks failed"), std::string::npos);
  const size_t failed = html.find("<tr data-passed=\"false\">", table);
  const size_t passed = html.find("<tr data-passed=\"true\">", table);
  ASSERT_NE(failed, std::string::npos);
  ASSERT_NE(passed, std::string::npos);
  EXPECT_LT(failed, passed);
  EXPECT_NE(html.find("message_latency.p99</td><td data-value=\"1234\">", failed),
            std::string::npos);
}

}  // namespace
}  // namespace streambench::html

namespace streambench::html {
namespace {

TEST(HtmlSeriesTest, EachComparedFigureShowsTheMedianWithTheRepeatsSpread) {
  report::ScenarioResult result = report::testing::SampleResult();
  result.runs.push_back(result.runs[1]);  // large-window again: two repeats
  result.runs[1].send_queue_depth.max = 3;
  result.runs[2].send_queue_depth.max = 11;
  result.runs[0].send_queue_depth.max = 5;
  result.comparison = report::BuildComparison(result.runs);
  const std::string html = RenderHtmlReport({{"results.json", result}});
  const size_t chart = html.find("send_queue_depth_max: median of the repeats");
  ASSERT_NE(chart, std::string::npos);
  const std::string svg = html.substr(chart, html.find("</svg>", chart) - chart);
  const std::regex bar(R"re(<rect class="bar"[^>]*data-category="([^"]*)" data-value="([^"]*)")re");
  const std::regex whisker(
      R"re(<line class="spread"[^>]*data-category="([^"]*)" data-min="([^"]*)" data-max="([^"]*)")re");
  std::vector<std::string> bars, whiskers;
  for (std::sregex_iterator it(svg.begin(), svg.end(), bar), end; it != end; ++it) {
    bars.push_back((*it)[1].str() + "=" + (*it)[2].str());
  }
  for (std::sregex_iterator it(svg.begin(), svg.end(), whisker), end; it != end; ++it) {
    whiskers.push_back((*it)[1].str() + ":" + (*it)[2].str() + "-" + (*it)[3].str());
  }
  // The comparison's medians and spreads: large-window's two repeats, 3 and 11.
  EXPECT_EQ(bars, (std::vector<std::string>{"default=5", "large-window=7"}));
  EXPECT_EQ(whiskers, (std::vector<std::string>{"default:5-5", "large-window:3-11"}));
}

}  // namespace
}  // namespace streambench::html
