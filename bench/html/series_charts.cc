#include "bench/html/series_charts.h"

#include <algorithm>
#include <set>

#include "bench/html/html_escape.h"
#include "bench/html/svg_style.h"
#include "bench/report/format.h"
#include "bench/stats/compact_histogram.h"
#include "bench/stats/recorder.h"

namespace streambench::html {
namespace {

constexpr double kNsPerUs = 1000;

std::string RateText(double v) { return report::FormatRate(v) + "/s"; }

// Per second over the interval's actual length (the last may be short).
double PerSecond(uint64_t count, const report::IntervalPoint& p) {
  return p.duration_s > 0 ? static_cast<double>(count) / p.duration_s : 0;
}

TimeSeriesChart Titled(std::string title, std::string y_label, std::string (*format)(double)) {
  TimeSeriesChart chart;
  chart.title = std::move(title);
  chart.y_label = std::move(y_label);
  chart.format = format;
  return chart;
}

TimeSeriesChart Throughput(const report::RunResult& run) {
  TimeSeriesChart chart = Titled("throughput over time", "messages per second", RateText);
  TimeSeries sent{"sent", {}}, received{"received", {}};
  for (const report::IntervalPoint& p : run.series) {
    sent.points.push_back({static_cast<double>(p.t_s), PerSecond(p.messages_sent, p)});
    received.points.push_back({static_cast<double>(p.t_s), PerSecond(p.messages_received, p)});
  }
  chart.series = {std::move(sent), std::move(received)};
  // The results hold the schedule's mean rate only: a ramp's target is drawn flat at its mean.
  if (run.target_rate_per_s > 0) {
    chart.references.push_back({"target rate (mean)", run.target_rate_per_s});
  }
  return chart;
}

// The percentiles of latency `kind` (stats::LatencyName) second by second.
TimeSeriesChart LatencyPercentiles(const report::RunResult& run, const std::string& kind) {
  std::string words = kind;  // "first_message" -> "first message latency over time"
  std::replace(words.begin(), words.end(), '_', ' ');
  TimeSeriesChart chart =
      Titled(words + " latency over time", "latency (log scale)", report::FormatLatencyUs);
  chart.log_scale = true;
  // The same literals as report::Summarize, so a second's p99 is what its summary would say.
  const double kPercentiles[] = {50, 90, 99, 99.9};
  const char* kNames[] = {"p50", "p90", "p99", "p99.9"};
  for (const char* name : kNames) chart.series.push_back({name, {}});
  stats::LogLinearHistogram histogram;
  for (const report::IntervalPoint& p : run.series) {
    auto it = p.latency.find(kind);
    if (it == p.latency.end() || it->second.empty()) continue;
    histogram.Reset();
    std::string error;
    if (!stats::ExpandInto(it->second, &histogram, &error)) continue;
    for (size_t i = 0; i < std::size(kPercentiles); ++i) {
      chart.series[i].points.push_back(
          {static_cast<double>(p.t_s),
           static_cast<double>(histogram.ValueAtPercentileNs(kPercentiles[i])) / kNsPerUs});
    }
  }
  return chart;
}

TimeSeriesChart Statuses(const report::RunResult& run) {
  TimeSeriesChart chart =
      Titled("finished calls by status over time", "calls per second", RateText);
  std::set<std::string> codes;
  for (const report::IntervalPoint& p : run.series) {
    for (const auto& [code, count] : p.calls_by_code) codes.insert(code);
  }
  for (const std::string& code : codes) {
    TimeSeries series{code, {}};
    for (const report::IntervalPoint& p : run.series) {
      auto it = p.calls_by_code.find(code);
      series.points.push_back(
          {static_cast<double>(p.t_s), PerSecond(it == p.calls_by_code.end() ? 0 : it->second, p)});
    }
    chart.series.push_back(std::move(series));
  }
  return chart;
}

}  // namespace

std::vector<TimeSeriesChart> SeriesChartsOf(const report::RunResult& run) {
  if (run.series.empty()) return {};
  std::vector<TimeSeriesChart> charts;
  std::vector<TimeSeriesChart> candidates = {Throughput(run)};
  // A latency chart per kind the run measured, in the recorder's order (message latency first).
  for (stats::Latency kind : stats::kLatencyKinds) {
    candidates.push_back(LatencyPercentiles(run, stats::LatencyName(kind)));
  }
  candidates.push_back(Statuses(run));
  // A chart only for what the run measured (a run without messages has no message latency).
  for (TimeSeriesChart& chart : candidates) {
    bool drawn = false;
    for (const TimeSeries& s : chart.series) drawn = drawn || !s.points.empty();
    if (drawn) charts.push_back(std::move(chart));
  }
  const report::IntervalPoint& last = run.series.back();
  std::vector<TimeSpan> outages;
  for (const report::Outage& o : run.outages) {
    outages.push_back({"outage: " + report::FormatCount(o.failed_calls) + " calls failed" +
                           (o.recovered ? "" : ", not recovered"),
                       o.start_s, o.duration_s});
  }
  for (TimeSeriesChart& chart : charts) {
    chart.end_s = std::max(run.duration_s, static_cast<double>(last.t_s) + last.duration_s);
    chart.spans = outages;
  }
  return charts;
}

std::string RenderSeriesCharts(const std::vector<TimeSeriesChart>& charts) {
  std::string out = "<div class=\"charts\">\n";
  std::string rows;
  for (const TimeSeriesChart& chart : charts) {
    out += RenderTimeSeriesChart(chart);
    for (const TimeSeries& s : chart.series) {
      if (s.points.empty()) continue;
      double lo = s.points[0].value, hi = lo, sum = 0;
      for (const SeriesPoint& p : s.points) {
        lo = std::min(lo, p.value);
        hi = std::max(hi, p.value);
        sum += p.value;
      }
      const double mean = sum / static_cast<double>(s.points.size());
      auto cell = [&chart](const char* stat, double v) {
        return std::string("<td data-stat=\"") + stat + "\" data-value=\"" + ExactNumber(v) +
               "\">" + EscapeHtml(chart.format ? chart.format(v) : ExactNumber(v)) + "</td>";
      };
      rows += "<tr><td class=\"name\">" + EscapeHtml(chart.title + ": " + s.name) + "</td>" +
              cell("min", lo) + cell("mean", mean) + cell("max", hi) + "<td>" +
              std::to_string(s.points.size()) + "</td></tr>\n";
    }
  }
  out += "</div>\n";
  if (rows.empty()) return out;
  return out +
         "<table class=\"series-summary\">\n<tr><th>line (per second)</th><th>min</th>"
         "<th>mean</th><th>max</th><th>seconds</th></tr>\n" +
         rows + "</table>\n";
}

}  // namespace streambench::html
