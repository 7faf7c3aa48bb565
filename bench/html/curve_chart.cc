#include "bench/html/curve_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bench/html/html_escape.h"
#include "bench/html/svg_style.h"
#include "bench/report/format.h"

namespace streambench::html {
namespace {

constexpr double kPlotWidth = 480, kPlotHeight = 220;
constexpr double kLeft = 72, kRight = 16, kTop = 12, kBottom = 44;

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
  if (max_rate <= 0) max_rate = 1;
  // A round top for the rate axis: 1, 2 or 5 times a power of ten.
  const double decade = std::pow(10.0, std::floor(std::log10(max_rate)));
  double top_rate = 10 * decade;
  for (double step : {1.0, 2.0, 5.0}) {
    if (step * decade >= max_rate) {
      top_rate = step * decade;
      break;
    }
  }
  const double lo = min_us > 0 ? std::floor(std::log10(min_us)) : 0;
  double hi = max_us > 0 ? std::ceil(std::log10(max_us)) : 1;
  if (hi <= lo) hi = lo + 1;
  auto x_of = [&](double rate) {
    return kLeft + std::clamp(rate / top_rate, 0.0, 1.0) * kPlotWidth;
  };
  auto y_of = [&](double us) {
    const double f = us > 0 ? std::clamp((std::log10(us) - lo) / (hi - lo), 0.0, 1.0) : 0;
    return kTop + kPlotHeight - f * kPlotHeight;
  };
  const double width = kLeft + kPlotWidth + kRight, height = kTop + kPlotHeight + kBottom;
  const double base_y = kTop + kPlotHeight;

  std::string svg =
      "<figure class=\"chart curve\"><figcaption>" + EscapeHtml(chart.title) +
      "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" +
      SvgNumber(width) + "\" height=\"" + SvgNumber(height) + "\" viewBox=\"0 0 " +
      SvgNumber(width) + " " + SvgNumber(height) + "\">\n<title>" + EscapeHtml(chart.title) +
      "</title>\n";
  for (double e = lo; e <= hi + 1e-9; e += 1) {
    const double y = y_of(std::pow(10.0, e));
    svg += "<line class=\"grid\" x1=\"" + SvgNumber(kLeft) + "\" x2=\"" +
           SvgNumber(kLeft + kPlotWidth) + "\" y1=\"" + SvgNumber(y) + "\" y2=\"" + SvgNumber(y) +
           "\"/><text class=\"tick\" x=\"" + SvgNumber(kLeft - 4) + "\" y=\"" + SvgNumber(y + 4) +
           "\" text-anchor=\"end\">" + EscapeHtml(report::FormatLatencyUs(std::pow(10.0, e))) +
           "</text>\n";
  }
  for (int i = 0; i <= 4; ++i) {
    const double rate = top_rate * i / 4;
    svg += "<text class=\"tick\" x=\"" + SvgNumber(x_of(rate)) + "\" y=\"" +
           SvgNumber(base_y + 16) + "\" text-anchor=\"middle\">" +
           EscapeHtml(report::FormatRate(rate) + "/s") + "</text>\n";
  }
  svg += "<text class=\"axis-label\" transform=\"translate(14 " +
         SvgNumber(kTop + kPlotHeight / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
         EscapeHtml(chart.y_label) + "</text>\n";
  svg += "<text class=\"axis-label\" x=\"" + SvgNumber(kLeft + kPlotWidth / 2) + "\" y=\"" +
         SvgNumber(base_y + 36) + "\" text-anchor=\"middle\">achieved rate (per second)</text>\n";
  if (chart.objective_us > 0) {
    const double y = y_of(chart.objective_us);
    svg += "<line class=\"objective\" x1=\"" + SvgNumber(kLeft) + "\" x2=\"" +
           SvgNumber(kLeft + kPlotWidth) + "\" y1=\"" + SvgNumber(y) + "\" y2=\"" + SvgNumber(y) +
           "\" stroke=\"#d55e00\" stroke-dasharray=\"6 4\" data-value=\"" +
           ExactNumber(chart.objective_us) +
           "\"><title>objective: " + EscapeHtml(report::FormatLatencyUs(chart.objective_us)) +
           "</title></line>\n";
  }
  for (size_t s = 0; s < chart.series.size(); ++s) {
    const CurveSeries& series = chart.series[s];
    const char* colour = SeriesColour(s);
    std::vector<CurvePoint> points = series.points;
    std::stable_sort(points.begin(), points.end(), [](const CurvePoint& a, const CurvePoint& b) {
      return a.rate_per_s < b.rate_per_s;
    });
    std::string path;
    for (const CurvePoint& p : points) {
      path += (path.empty() ? "" : " ") + SvgNumber(x_of(p.rate_per_s)) + "," +
              SvgNumber(y_of(p.latency_us));
    }
    svg += "<polyline class=\"curve\" fill=\"none\" stroke=\"" + std::string(colour) +
           "\" points=\"" + path + "\"/>\n";
    for (const CurvePoint& p : points) {
      // Sustained steps are filled, failed ones hollow.
      svg += "<circle class=\"step\" cx=\"" + SvgNumber(x_of(p.rate_per_s)) + "\" cy=\"" +
             SvgNumber(y_of(p.latency_us)) + "\" r=\"4\" stroke=\"" + colour + "\" fill=\"" +
             (p.sustained ? colour : "#ffffff") + "\" data-series=\"" + EscapeHtml(series.name) +
             "\" data-rate=\"" + ExactNumber(p.rate_per_s) + "\" data-latency-us=\"" +
             ExactNumber(p.latency_us) + "\" data-sustained=\"" + (p.sustained ? "true" : "false") +
             "\"><title>" +
             EscapeHtml(series.name + ": " + report::FormatRate(p.rate_per_s) + "/s, " +
                        report::FormatLatencyUs(p.latency_us) +
                        (p.sustained ? ", sustained" : ", failed")) +
             "</title></circle>\n";
    }
  }
  svg += "<line class=\"axis\" x1=\"" + SvgNumber(kLeft) + "\" x2=\"" +
         SvgNumber(kLeft + kPlotWidth) + "\" y1=\"" + SvgNumber(base_y) + "\" y2=\"" +
         SvgNumber(base_y) + "\"/>\n</svg>\n";
  svg += "<ul class=\"legend\">";
  for (size_t s = 0; s < chart.series.size(); ++s) {
    svg += "<li><span class=\"swatch\" style=\"background:" + std::string(SeriesColour(s)) +
           "\"></span>" + EscapeHtml(chart.series[s].name) + "</li>";
  }
  if (chart.objective_us > 0) svg += "<li>dashed: the objective; hollow: a failed step</li>";
  svg += "</ul></figure>\n";
  return svg;
}

}  // namespace streambench::html
