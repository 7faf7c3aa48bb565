#include "bench/html/html_report.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <type_traits>
#include <variant>

#include "bench/criteria/threshold.h"
#include "bench/html/bar_chart.h"
#include "bench/html/curve_chart.h"
#include "bench/html/html_escape.h"
#include "bench/html/percentile_plot.h"
#include "bench/html/series_charts.h"
#include "bench/report/atomic_file.h"
#include "bench/report/comparison.h"
#include "bench/report/format.h"
#include "bench/report/result_fields.h"
#include "bench/stats/compact_histogram.h"

namespace streambench::html {
namespace {

using report::MetricUnit;
using report::RunField;
using report::RunResult;

// No script and nothing fetched: anything that tried would be blocked and logged.
constexpr const char* kHead = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
)html";

constexpr const char* kStyle = R"css(<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.25em; margin-top: 1.5em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: right; }
th:first-child, td.name { text-align: left; }
.fail { color: #b00020; font-weight: bold; } .pass { color: #1b5e20; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5em; }
figure.chart { margin: 0; } figcaption { font-weight: bold; }
svg text { font-size: 11px; fill: #333; } svg .grid { stroke: #e4e4e4; }
svg .axis { stroke: #333; } figure.chart svg { overflow: visible; }
ul.legend { list-style: none; padding: 0; margin: 0.25em 0; display: flex; flex-wrap: wrap; gap: 1em; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
dl.header { display: grid; grid-template-columns: max-content auto; gap: 2px 1em; }
dt { color: #555; } dd { margin: 0; } dd code { white-space: pre-wrap; word-break: break-all; }
details.run-series { margin: 0.5em 0; } details.run-series > summary { font-weight: bold; }
</style>
)css";

std::string Exact(double v) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

// A run's name in charts and tables: the input's label when there are several inputs, the
// variant, and the repetition when the variant repeats.
struct NamedRun {
  std::string name;
  const RunResult* run;
};

std::vector<NamedRun> NamedRuns(const std::vector<ReportInput>& inputs) {
  std::vector<NamedRun> runs;
  for (const ReportInput& input : inputs) {
    for (const RunResult& run : input.result.runs) {
      bool repeats = false;
      for (const RunResult& other : input.result.runs) {
        repeats = repeats || (other.variant == run.variant && other.repeat_index != 0);
      }
      std::string name = inputs.size() > 1 ? input.label + ": " : "";
      name += run.variant;
      if (repeats) name += " #" + std::to_string(run.repeat_index + 1);
      runs.push_back({name, &run});
    }
  }
  return runs;
}

// A number as the tables show it, in its unit.
std::string ValueText(MetricUnit unit, double v) {
  switch (unit) {
    case MetricUnit::kLatencyUs:
      return report::FormatLatencyUs(v);
    case MetricUnit::kFraction:
      return report::FormatPercent(v);
    case MetricUnit::kPerSecond:
      return report::FormatRate(v) + "/s";
    case MetricUnit::kSeconds:
      return report::FormatNumber(v, 4) + " s";
    case MetricUnit::kCount:
    case MetricUnit::kText:
      break;
  }
  return report::FormatNumber(v, 9);
}

// A stored field's value as the table shows it, in the field's unit.
// The field table's accessors take a mutable run only to point into it; reading through them
// must not copy the run (with its per-second series, megabytes for a long run) for every cell.
report::FieldRef ReadRef(const RunField& field, const RunResult& run) {
  return field.ref(const_cast<RunResult&>(run));
}

std::string Formatted(const RunField& field, const RunResult& run) {
  const report::FieldRef ref = ReadRef(field, run);
  if (const auto* s = std::get_if<std::string*>(&ref)) return **s;
  if (const auto* b = std::get_if<bool*>(&ref)) return **b ? "yes" : "no";
  return ValueText(field.unit, report::FieldNumber(field, run));
}

bool IsNumeric(const RunField& field, const RunResult& run) {
  const report::FieldRef ref = ReadRef(field, run);
  return !std::holds_alternative<std::string*>(ref) && !std::holds_alternative<bool*>(ref);
}

std::string CountText(double v) { return report::FormatNumber(v, 9); }
std::string RateText(double v) { return report::FormatRate(v) + "/s"; }

// Bars of the stored fields `fields` for every run.
BarChart FieldChart(std::string title, std::string y_label,
                    const std::vector<const RunField*>& fields, const std::string& strip_prefix,
                    const std::vector<NamedRun>& runs) {
  BarChart chart;
  chart.title = std::move(title);
  chart.y_label = std::move(y_label);
  for (const RunField* field : fields) {
    chart.categories.push_back(field->json_path.substr(strip_prefix.size()));
  }
  for (const NamedRun& named : runs) {
    BarSeries series{named.name, {}, {}};
    for (const RunField* field : fields) {
      series.values.push_back(report::FieldNumber(*field, *named.run));
    }
    chart.series.push_back(std::move(series));
  }
  return chart;
}

std::vector<const RunField*> FieldsWithPrefix(const std::string& prefix, MetricUnit unit) {
  std::vector<const RunField*> fields;
  for (const RunField& field : report::RunFields()) {
    if (field.ref != nullptr && field.unit == unit && field.json_path.rfind(prefix, 0) == 0) {
      fields.push_back(&field);
    }
  }
  return fields;
}

// The capacity searches' latency-throughput curves: the percentile the first latency objective
// names (p50, p99 or p999 of the steps' latency kind) with its limit across, else p99 alone.
std::string CapacityCurve(const std::vector<NamedRun>& runs) {
  CurveChart chart;
  std::string stat = "p99", kind;
  for (const NamedRun& named : runs) {
    const report::CapacityResult& c = named.run->capacity;
    if (!c.searched || c.steps.empty()) continue;
    if (kind.empty()) {
      kind = c.steps[0].latency_kind;
      size_t begin = 0;
      while (begin < c.objective.size() && chart.objective_us == 0) {
        size_t end = c.objective.find("; ", begin);
        if (end == std::string::npos) end = c.objective.size();
        criteria::Threshold t;
        std::string error;
        const std::string prefix = kind + "_latency.";
        if (criteria::ParseThreshold(c.objective.substr(begin, end - begin), &t, &error) &&
            t.metric.rfind(prefix, 0) == 0) {
          const std::string named_stat = t.metric.substr(prefix.size());
          if (named_stat == "p50" || named_stat == "p99" || named_stat == "p999") {
            stat = named_stat;
            chart.objective_us = t.limit;
          }
        }
        begin = end + 2;
      }
    }
    CurveSeries series{named.name, {}};
    for (const report::CapacityStep& step : c.steps) {
      const double us = stat == "p50" ? step.p50_us : stat == "p999" ? step.p999_us : step.p99_us;
      series.points.push_back({step.achieved_rate_per_s, us, step.sustained});
    }
    chart.series.push_back(std::move(series));
  }
  if (chart.series.empty()) return "";
  chart.title = "capacity search: " + kind + " latency " + stat + " against the achieved rate";
  chart.y_label = kind + " latency " + stat + " (log scale)";
  return RenderCurveChart(chart);
}

std::string Charts(const std::vector<NamedRun>& runs) {
  std::string out = "<h2>Charts</h2>\n<div class=\"charts\">\n";
  out += CapacityCurve(runs);
  // Latency: one chart per kind measured in any run; the percentiles on a log axis.
  std::vector<const report::LatencyStat*> stats;
  for (const report::LatencyStat& stat : report::LatencyStats()) {
    if (stat.unit == MetricUnit::kLatencyUs) stats.push_back(&stat);
  }
  for (const std::string& kind : report::LatencyKinds()) {
    bool measured = false;
    for (const NamedRun& named : runs) measured = measured || named.run->latency_us.count(kind);
    if (!measured) continue;
    BarChart chart;
    chart.title = kind + " latency";
    chart.y_label = "latency (log scale)";
    chart.log_scale = true;
    chart.format = report::FormatLatencyUs;
    for (const report::LatencyStat* stat : stats) chart.categories.push_back(stat->name);
    for (const NamedRun& named : runs) {
      auto it = named.run->latency_us.find(kind);
      report::LatencySummary summary =
          it == named.run->latency_us.end() ? report::LatencySummary{} : it->second;
      BarSeries series{named.name, {}, {}};
      for (const report::LatencyStat* stat : stats) {
        series.values.push_back(*std::get<double*>(stat->ref(summary)));
      }
      chart.series.push_back(std::move(series));
    }
    out += RenderBarChart(chart);
  }
  BarChart throughput =
      FieldChart("throughput", "per second (log scale)",
                 FieldsWithPrefix("throughput.", MetricUnit::kPerSecond), "throughput.", runs);
  throughput.log_scale = true;
  throughput.format = RateText;
  out += RenderBarChart(throughput);

  BarChart statuses;
  statuses.title = "finished calls by status";
  statuses.y_label = "calls";
  statuses.format = CountText;
  std::set<std::string> codes;
  for (const NamedRun& named : runs) {
    for (const auto& [code, count] : named.run->calls_by_code) codes.insert(code);
  }
  statuses.categories.assign(codes.begin(), codes.end());
  for (const NamedRun& named : runs) {
    BarSeries series{named.name, {}, {}};
    for (const std::string& code : codes) {
      auto it = named.run->calls_by_code.find(code);
      series.values.push_back(it == named.run->calls_by_code.end() ? 0 : it->second);
    }
    statuses.series.push_back(std::move(series));
  }
  if (!codes.empty()) out += RenderBarChart(statuses);

  BarChart integrity =
      FieldChart("integrity errors", "messages", FieldsWithPrefix("integrity.", MetricUnit::kCount),
                 "integrity.", runs);
  integrity.format = CountText;
  out += RenderBarChart(integrity);
  return out + "</div>\n";
}

// Each run's per-second series over time; a long report opens only the first few runs' charts
// (a closed <details> is not laid out, so the page opens fast).
constexpr size_t kOpenRunSeries = 4;

std::string OverTime(const std::vector<NamedRun>& runs) {
  std::string out;
  size_t drawn = 0;
  for (const NamedRun& named : runs) {
    const std::vector<TimeSeriesChart> charts = SeriesChartsOf(*named.run);
    if (charts.empty()) continue;
    out += std::string("<details class=\"run-series\"") + (drawn < kOpenRunSeries ? " open" : "") +
           "><summary>" + EscapeHtml(named.name) + "</summary>\n" + RenderSeriesCharts(charts) +
           "</details>\n";
    ++drawn;
  }
  if (out.empty()) return "";
  return "<h2>Over time</h2>\n" + out;
}

// The latency distributions: one percentile plot per kind, every run of every input overlaid,
// from the lossless histograms (results written before they existed have none).
std::string Distributions(const std::vector<NamedRun>& runs) {
  std::string out;
  for (const std::string& kind : report::LatencyKinds()) {
    PercentilePlot plot;
    plot.title = kind + " latency distribution";
    for (const NamedRun& named : runs) {
      auto it = named.run->latency_histograms.find(kind);
      if (it == named.run->latency_histograms.end() || it->second.empty()) continue;
      stats::LogLinearHistogram histogram;
      std::string error;
      if (!stats::ExpandInto(it->second, &histogram, &error)) continue;
      plot.curves.push_back(PercentileCurveOf(named.name, histogram));
    }
    if (!plot.curves.empty()) out += RenderPercentilePlot(plot);
  }
  if (out.empty()) return "";
  return "<h2>Latency distribution</h2>\n<div class=\"charts\">\n" + out + "</div>\n";
}

std::string HeaderRow(const std::vector<NamedRun>& runs, const std::string& first) {
  std::string out = "<tr><th>" + first + "</th>";
  for (const NamedRun& named : runs) out += "<th>" + EscapeHtml(named.name) + "</th>";
  return out + "</tr>\n";
}

// Every stored figure of every run (the field table's order), the ones that apply to some run.
std::string FiguresTable(const std::vector<NamedRun>& runs) {
  std::string out = "<h2>Figures</h2>\n<table class=\"figures\">\n" + HeaderRow(runs, "field");
  for (const RunField& field : report::RunFields()) {
    if (field.ref == nullptr) continue;
    bool applies = field.written == nullptr;
    for (const NamedRun& named : runs) applies = applies || field.written(*named.run);
    if (!applies) continue;
    out += "<tr><td class=\"name\" title=\"" + EscapeHtml(field.doc) + "\">" +
           EscapeHtml(field.json_path) + "</td>";
    for (const NamedRun& named : runs) {
      out += "<td data-field=\"" + EscapeHtml(field.json_path) + "\"";
      if (IsNumeric(field, *named.run)) {
        out += " data-value=\"" + Exact(report::FieldNumber(field, *named.run)) + "\"";
      }
      out += ">" + EscapeHtml(Formatted(field, *named.run)) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

std::string LatencyTable(const std::vector<NamedRun>& runs) {
  std::string out = "<h2>Latency</h2>\n<table class=\"latency\">\n" + HeaderRow(runs, "latency");
  for (const std::string& kind : report::LatencyKinds()) {
    bool measured = false;
    for (const NamedRun& named : runs) measured = measured || named.run->latency_us.count(kind);
    if (!measured) continue;
    for (const report::LatencyStat& stat : report::LatencyStats()) {
      out += "<tr><td class=\"name\">" + EscapeHtml(kind + " " + stat.name) + "</td>";
      for (const NamedRun& named : runs) {
        auto it = named.run->latency_us.find(kind);
        report::LatencySummary summary =
            it == named.run->latency_us.end() ? report::LatencySummary{} : it->second;
        const report::FieldRef ref = stat.ref(summary);
        const double v = std::holds_alternative<double*>(ref)
                             ? *std::get<double*>(ref)
                             : static_cast<double>(*std::get<uint64_t*>(ref));
        out += "<td data-field=\"latency_us." + EscapeHtml(kind + "." + stat.name) +
               "\" data-value=\"" + Exact(v) + "\">" +
               (stat.unit == MetricUnit::kLatencyUs ? report::FormatLatencyUs(v)
                                                    : report::FormatNumber(v, 9)) +
               "</td>";
      }
      out += "</tr>\n";
    }
  }
  return out + "</table>\n";
}

std::string (*FormatOf(MetricUnit unit))(double) {
  switch (unit) {
    case MetricUnit::kLatencyUs:
      return report::FormatLatencyUs;
    case MetricUnit::kPerSecond:
      return RateText;
    default:
      return CountText;
  }
}

// Each compared figure (throughput, latency, write-blocked time, send-queue depth, ...): every
// variant's median as a bar, the spread of its repeats as a whisker.
std::string SpreadCharts(const std::vector<ReportInput>& inputs) {
  std::string out;
  for (const report::ComparisonFigure& figure : report::ComparisonFigures()) {
    BarChart chart;
    chart.title = std::string(figure.key) + ": median of the repeats, whisker min–max";
    chart.y_label = figure.key;
    chart.log_scale = figure.unit == MetricUnit::kLatencyUs;
    chart.format = FormatOf(figure.unit);
    BarSeries series{"median", {}, {}};
    bool any = false;
    for (const ReportInput& input : inputs) {
      for (const report::ComparisonRow& row : input.result.comparison) {
        const report::Spread& spread = row.*figure.spread;
        chart.categories.push_back((inputs.size() > 1 ? input.label + ": " : "") + row.variant);
        series.values.push_back(spread.median);
        series.spread.emplace_back(spread.min, spread.max);
        any = any || spread.max > 0;
      }
    }
    chart.series.push_back(std::move(series));
    if (any) out += RenderBarChart(chart);
  }
  return out;
}

// Variants side by side (each input's `comparison`): the ratio of their medians to the first
// variant's as a chart, then every figure's median and spread over the repeats.
std::string Comparison(const std::vector<ReportInput>& inputs) {
  BarChart chart;
  chart.title = "variants: median / first variant's median";
  chart.y_label = "ratio";
  chart.format = [](double v) { return report::FormatNumber(v, 3) + "x"; };
  std::string rows;
  for (const report::ComparisonFigure& figure : report::ComparisonFigures()) {
    if (figure.ratio != nullptr) chart.categories.push_back(figure.ratio_key);
  }
  for (const ReportInput& input : inputs) {
    for (const report::ComparisonRow& row : input.result.comparison) {
      const std::string name = (inputs.size() > 1 ? input.label + ": " : "") + row.variant;
      BarSeries series{name, {}, {}};
      rows += "<tr><td class=\"name\">" + EscapeHtml(name) + "</td><td>" +
              std::to_string(row.repeats) + "</td>";
      for (const report::ComparisonFigure& figure : report::ComparisonFigures()) {
        const report::Spread& spread = row.*figure.spread;
        rows += "<td data-field=\"comparison." + std::string(figure.key) + "\" data-value=\"" +
                Exact(spread.median) + "\">" + ValueText(figure.unit, spread.median);
        if (row.repeats > 1) {
          rows += " (" + ValueText(figure.unit, spread.min) + "–" +
                  ValueText(figure.unit, spread.max) + ")";
        }
        rows += "</td>";
        if (figure.ratio != nullptr) series.values.push_back(row.*figure.ratio);
      }
      rows += "</tr>\n";
      chart.series.push_back(std::move(series));
    }
  }
  if (chart.series.empty()) return "";
  std::string out = "<h2>Variants side by side</h2>\n<div class=\"charts\">\n" +
                    RenderBarChart(chart) + SpreadCharts(inputs) + "</div>\n" +
                    "<table class=\"comparison\">\n<tr><th>variant</th><th>repeats</th>";
  for (const report::ComparisonFigure& figure : report::ComparisonFigures()) {
    out += std::string("<th>") + figure.key + " (min–max)</th>";
  }
  return out + "</tr>\n" + rows + "</table>\n";
}

// Periods without a reachable target, per run.
std::string Outages(const std::vector<NamedRun>& runs) {
  std::string rows;
  for (const NamedRun& named : runs) {
    for (const report::Outage& outage : named.run->outages) {
      rows += "<tr><td class=\"name\">" + EscapeHtml(named.name) + "</td><td>" +
              report::FormatNumber(outage.start_s, 4) + " s</td><td>" +
              report::FormatNumber(outage.duration_s, 4) + " s</td><td>" +
              report::FormatCount(outage.failed_calls) + "</td><td>" +
              (outage.recovered ? "yes" : "no") + "</td></tr>\n";
    }
  }
  if (rows.empty()) return "";
  return "<h2>Outages</h2>\n<table class=\"outages\">\n<tr><th>run</th><th>start</th>"
         "<th>duration</th><th>failed calls</th><th>recovered</th></tr>\n" +
         rows + "</table>\n";
}

// Checks, failures first: each run's expectations, then the gate's thresholds (the baseline's
// have a section of their own).
std::string ChecksTable(const std::vector<ReportInput>& inputs, const std::vector<NamedRun>& runs) {
  struct Row {
    std::string kind, run, name, detail;
    bool passed;
  };
  std::vector<Row> rows;
  for (const NamedRun& named : runs) {
    for (const report::Check& c : named.run->checks) {
      rows.push_back({"expectation", named.name, c.name, c.detail, c.passed});
    }
  }
  for (const ReportInput& input : inputs) {
    const std::string prefix = inputs.size() > 1 ? input.label + ": " : "";
    for (const report::Check& c : input.result.gate.thresholds) {
      rows.push_back({"threshold", prefix + c.variant, c.name, c.detail, c.passed});
    }
  }
  if (rows.empty()) return "";
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return !a.passed && b.passed; });
  std::string out =
      "<h2>Checks</h2>\n<table class=\"checks\">\n<tr><th>verdict</th><th>kind</th><th>run</th>"
      "<th>check</th><th>detail</th></tr>\n";
  for (const Row& row : rows) {
    out += std::string("<tr><td class=\"name ") + (row.passed ? "pass\">pass" : "fail\">FAIL") +
           "</td><td class=\"name\">" + row.kind + "</td><td class=\"name\">" +
           EscapeHtml(row.run) + "</td><td class=\"name\">" + EscapeHtml(row.name) +
           "</td><td class=\"name\">" + EscapeHtml(row.detail) + "</td></tr>\n";
  }
  return out + "</table>\n";
}

// Baseline against candidate: every check of the gate's baseline comparison (as `run --baseline`
// or `report BASELINE CANDIDATE` judged it, bench/gate), failures first, with both figures.
std::string BaselineSection(const std::vector<ReportInput>& inputs) {
  std::string out;
  for (const ReportInput& input : inputs) {
    const report::GateResult& gate = input.result.gate;
    if (gate.baseline.empty()) continue;
    std::vector<const report::Check*> checks;
    for (const report::Check& c : gate.baseline) checks.push_back(&c);
    size_t failed = 0;
    for (const report::Check* c : checks) failed += c->passed ? 0 : 1;
    out += "<h3>" +
           EscapeHtml((input.label.empty() ? "this run" : input.label) + " against " +
                      (gate.baseline_path.empty() ? "the baseline" : gate.baseline_path)) +
           ": <span class=\"" + (failed ? "fail\">" : "pass\">") + std::to_string(failed) + " of " +
           std::to_string(checks.size()) + " checks failed</span></h3>\n";
    // The failures in the open; the passed checks folded below them, so a long comparison that
    // passed does not push the charts off the first screen.
    std::string failed_rows, passed_rows;
    for (const report::Check* c : checks) {
      const report::BaselineFigures figures = c->baseline.value_or(report::BaselineFigures{});
      const report::Metric* metric = report::FindMetric(c->metric);
      const MetricUnit unit = metric ? metric->unit : MetricUnit::kCount;
      auto number = [&](double v) {
        return "<td data-value=\"" + Exact(v) + "\">" +
               (figures.missing ? std::string("–") : ValueText(unit, v)) + "</td>";
      };
      (c->passed ? passed_rows : failed_rows) +=
          std::string("<tr data-passed=\"") + (c->passed ? "true" : "false") +
          "\"><td class=\"name " + (c->passed ? "pass\">pass" : "fail\">FAIL") +
          "</td><td class=\"name\">" + EscapeHtml(c->variant) + "</td><td class=\"name\">" +
          EscapeHtml(c->metric.empty() ? "(variant)" : c->metric) + "</td>" + number(c->limit) +
          number(c->measured) + "<td>" +
          (figures.missing ? "–" : "x" + report::FormatNumber(figures.ratio, 4)) + "</td><td>" +
          report::FormatPercent(figures.tolerance_fraction) + "</td><td class=\"name\">" +
          EscapeHtml(c->detail) + "</td></tr>\n";
    }
    const std::string head =
        "<table class=\"baseline\">\n<tr><th>verdict</th><th>variant</th><th>metric</th>"
        "<th>baseline</th><th>candidate</th><th>ratio</th><th>tolerance</th><th>detail</th></tr>\n";
    if (!failed_rows.empty()) out += head + failed_rows + "</table>\n";
    if (!passed_rows.empty()) {
      out += "<details class=\"baseline-passed\"><summary>" +
             std::to_string(checks.size() - failed) + " checks passed</summary>\n" + head +
             passed_rows + "</table>\n</details>\n";
    }
  }
  if (out.empty()) return "";
  return "<h2>Baseline against candidate</h2>\n" + out;
}

// What ran: per input, the scenario, its file, when, the verdict and the generator's CPU.
std::string Header(const ReportInput& input) {
  const report::ScenarioResult& r = input.result;
  std::string out = "<dl class=\"header\">";
  if (!input.label.empty()) out += "<dt>results</dt><dd>" + EscapeHtml(input.label) + "</dd>";
  out += "<dt>scenario</dt><dd>" + EscapeHtml(r.scenario) + "</dd>" + "<dt>scenario file</dt><dd>" +
         EscapeHtml(r.source_path) + "</dd>" + "<dt>started</dt><dd>" + EscapeHtml(r.started_at) +
         "</dd>" + "<dt>verdict</dt><dd class=\"" + (r.pass ? "pass\">pass" : "fail\">FAIL") +
         (r.interrupted ? " (interrupted)" : "") + "</dd>";
  if (r.gate.evaluated) {
    out += std::string("<dt>gate</dt><dd class=\"") +
           (r.gate.pass ? "pass\">pass" : "fail\">FAIL") + "</dd>";
  }
  // One command made every run of a file; a merged file may hold several (one per shard).
  std::set<std::string> versions, commands;
  for (const RunResult& run : r.runs) {
    if (!run.streambench_version.empty()) versions.insert(run.streambench_version);
    if (!run.command_line.empty()) commands.insert(run.command_line);
  }
  for (const std::string& version : versions) {
    out += "<dt>streambench</dt><dd class=\"version\">" + EscapeHtml(version) + "</dd>";
  }
  for (const std::string& command : commands) {
    out += "<dt>command</dt><dd class=\"command\"><code>" + EscapeHtml(command) + "</code></dd>";
  }
  for (const RunResult& run : r.runs) {
    out += "<dt>run " + EscapeHtml(run.variant) +
           (run.repeat_index > 0 ? " #" + std::to_string(run.repeat_index + 1) : "") + "</dt><dd>" +
           EscapeHtml(run.mode + " against " + run.target + ", " +
                      report::FormatNumber(run.duration_s, 4) + " s measured") +
           (run.interrupted ? " (interrupted)" : "") + "</dd>";
  }
  for (const RunResult& run : r.runs) {
    if (run.generator.cores == 0) continue;
    out += "<dt>generator CPU (" + EscapeHtml(run.variant) + ")</dt><dd" +
           (run.generator.saturated ? " class=\"fail\">" : ">") +
           report::FormatPercent(run.generator.cpu_utilization) + " of " +
           std::to_string(run.generator.cores) + " cores" +
           (run.generator.saturated
                ? ": saturated, the figures may be the generator's limit rather than the target's"
                : "") +
           "</dd>";
  }
  return out + "</dl>\n";
}

}  // namespace

std::string RenderHtmlReport(const std::vector<ReportInput>& inputs) {
  std::string names;
  for (const ReportInput& input : inputs) {
    if (!names.empty()) names += ", ";
    names += input.result.scenario;
  }
  const std::vector<NamedRun> runs = NamedRuns(inputs);
  std::string out = kHead;
  out += "<title>streambench: " + EscapeHtml(names) + "</title>\n";
  out += kStyle;
  out += "</head>\n<body>\n<h1>streambench: " + EscapeHtml(names) + "</h1>\n";
  for (const ReportInput& input : inputs) out += Header(input);
  out += BaselineSection(inputs);
  if (!runs.empty()) {
    out += Charts(runs);
    out += OverTime(runs);
    out += Distributions(runs);
    out += FiguresTable(runs);
    out += LatencyTable(runs);
    out += Outages(runs);
  }
  out += Comparison(inputs);
  out += ChecksTable(inputs, runs);
  return out + "</body>\n</html>\n";
}

bool WriteHtmlFile(const std::vector<ReportInput>& inputs, const std::string& path,
                   std::string* error) {
  return report::WriteFileAtomically(path, RenderHtmlReport(inputs), error);
}

namespace {

class HtmlSink : public report::ResultSink {
 public:
  explicit HtmlSink(std::string path) : path_(std::move(path)) {}
  bool Write(const report::ScenarioResult& result, std::vector<std::string>* errors) override {
    std::string error;
    // One input: the report is of this run, not of a results file.
    if (WriteHtmlFile({{"", result}}, path_, &error)) return true;
    errors->push_back(error);
    return false;
  }

 private:
  std::string path_;
};

}  // namespace

std::unique_ptr<report::ResultSink> HtmlFileSink(std::string path) {
  return std::make_unique<HtmlSink>(std::move(path));
}

}  // namespace streambench::html
