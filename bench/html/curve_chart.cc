#include "bench/html/curve_chart.h"

#include <algorithm>

#include "bench/html/chart_axes.h"
#include "bench/html/html_escape.h"
#include "bench/html/svg_style.h"
#include "bench/report/format.h"

namespace streambench::html {
namespace {

std::string RateText(double v) { return report::FormatRate(v) + "/s"; }

}  // namespace

std::string RenderCurveChart(const CurveChart& chart) {
  double max_rate = 0, min_us = 0, max_us = chart.objective_us;
  for (const CurveSeries& s : chart.series) {
    for (const CurvePoint& p : s.points) {
      max_rate = std::max(max_rate, p.rate_per_s);
      if (p.latency_us > 0 && (min_us == 0 || p.latency_us < min_us)) min_us = p.latency_us;
      max_us = std::max(max_us, p.latency_us);
    }
  }
  if (chart.objective_us > 0 && (min_us == 0 || chart.objective_us < min_us)) {
    min_us = chart.objective_us;
  }
  PlotFrame frame;
  frame.height = 220;
  frame.right = 16;
  const Axis x = Axis::Linear(0, max_rate > 0 ? max_rate : 1);
  const Axis y = Axis::Log10(min_us, max_us);

  std::string svg = OpenFigure("curve", chart.title, frame);
  svg += YAxisMarkup(frame, y, TicksOf(y, report::FormatLatencyUs), chart.y_label);
  svg += XAxisMarkup(frame, x, TicksOf(x, RateText), "achieved rate (per second)");
  if (chart.objective_us > 0) {
    const std::string at = SvgNumber(frame.Y(y, chart.objective_us));
    svg += "<line class=\"objective\" x1=\"" + SvgNumber(frame.left) + "\" x2=\"" +
           SvgNumber(frame.left + frame.width) + "\" y1=\"" + at + "\" y2=\"" + at +
           "\" stroke=\"#d55e00\" stroke-dasharray=\"6 4\" data-value=\"" +
           ExactNumber(chart.objective_us) +
           "\"><title>objective: " + EscapeHtml(report::FormatLatencyUs(chart.objective_us)) +
           "</title></line>\n";
  }
  std::vector<std::string> names;
  for (size_t s = 0; s < chart.series.size(); ++s) {
    const CurveSeries& series = chart.series[s];
    const char* colour = SeriesColour(s);
    std::vector<CurvePoint> points = series.points;
    std::stable_sort(points.begin(), points.end(), [](const CurvePoint& a, const CurvePoint& b) {
      return a.rate_per_s < b.rate_per_s;
    });
    std::vector<std::pair<double, double>> xy;
    for (const CurvePoint& p : points) {
      xy.emplace_back(frame.X(x, p.rate_per_s), frame.Y(y, p.latency_us));
    }
    svg += PolylineMarkup(xy, colour, " class=\"curve\"");
    for (const CurvePoint& p : points) {
      // Sustained steps are filled, failed ones hollow.
      svg += "<circle class=\"step\" cx=\"" + SvgNumber(frame.X(x, p.rate_per_s)) + "\" cy=\"" +
             SvgNumber(frame.Y(y, p.latency_us)) + "\" r=\"4\" stroke=\"" + colour + "\" fill=\"" +
             (p.sustained ? colour : "#ffffff") + "\" data-series=\"" + EscapeHtml(series.name) +
             "\" data-rate=\"" + ExactNumber(p.rate_per_s) + "\" data-latency-us=\"" +
             ExactNumber(p.latency_us) + "\" data-sustained=\"" + (p.sustained ? "true" : "false") +
             "\"><title>" +
             EscapeHtml(series.name + ": " + report::FormatRate(p.rate_per_s) + "/s, " +
                        report::FormatLatencyUs(p.latency_us) +
                        (p.sustained ? ", sustained" : ", failed")) +
             "</title></circle>\n";
    }
    names.push_back(series.name);
  }
  return svg + CloseFigure(names, chart.objective_us > 0
                                      ? "dashed: the objective; hollow: a failed step"
                                      : "");
}

}  // namespace streambench::html
