#include "bench/html/bar_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bench/html/html_escape.h"

namespace streambench::html {
namespace {

// Plot geometry, in SVG user units (pixels at 100%).
constexpr double kBarWidth = 14;
constexpr double kGroupGap = 24;
constexpr double kPlotHeight = 220;
constexpr double kLeft = 72, kRight = 16, kTop = 12, kBottom = 40;

// Colour-blind-safe (Okabe-Ito), cycled when there are more series.
constexpr const char* kColours[] = {"#0072b2", "#e69f00", "#009e73", "#cc79a7",
                                    "#56b4e9", "#d55e00", "#f0e442", "#000000"};

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

// The exact value, for data-value (round-trips a double).
std::string Exact(double v) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

// Maps a value to a height in [0, kPlotHeight] and lists the ticks.
struct Scale {
  bool log = false;
  double lo = 0, hi = 1;  // linear: values; log: log10 of values

  double Height(double v) const {
    if (log) {
      if (v <= 0) return 0;
      return std::clamp((std::log10(v) - lo) / (hi - lo), 0.0, 1.0) * kPlotHeight;
    }
    return std::clamp((v - lo) / (hi - lo), 0.0, 1.0) * kPlotHeight;
  }
  std::vector<double> Ticks() const {
    std::vector<double> ticks;
    if (log) {
      for (double e = lo; e <= hi + 1e-9; e += 1) ticks.push_back(std::pow(10.0, e));
    } else {
      for (int i = 0; i <= 4; ++i) ticks.push_back(lo + (hi - lo) * i / 4);
    }
    return ticks;
  }
};

Scale ScaleFor(const BarChart& chart) {
  double max = 0, min_positive = 0;
  for (const BarSeries& s : chart.series) {
    for (double v : s.values) {
      max = std::max(max, v);
      if (v > 0 && (min_positive == 0 || v < min_positive)) min_positive = v;
    }
  }
  Scale scale;
  scale.log = chart.log_scale;
  if (scale.log) {
    if (max <= 0) return Scale{true, 0, 1};
    scale.lo = std::floor(std::log10(min_positive));
    scale.hi = std::ceil(std::log10(max));
    if (scale.hi <= scale.lo) scale.hi = scale.lo + 1;
    return scale;
  }
  if (max <= 0) return Scale{false, 0, 1};
  // The top tick is a round number: 1, 2 or 5 times a power of ten, at or above the maximum.
  const double decade = std::pow(10.0, std::floor(std::log10(max)));
  for (double step : {1.0, 2.0, 5.0, 10.0}) {
    if (step * decade >= max) {
      scale.hi = step * decade;
      break;
    }
  }
  return scale;
}

}  // namespace

std::string RenderBarChart(const BarChart& chart) {
  const Scale scale = ScaleFor(chart);
  const size_t bars_per_group = std::max<size_t>(chart.series.size(), 1);
  const double group_width = bars_per_group * kBarWidth + kGroupGap;
  const double width = kLeft + kRight + std::max<size_t>(chart.categories.size(), 1) * group_width;
  const double height = kTop + kPlotHeight + kBottom;
  const double base_y = kTop + kPlotHeight;
  auto format = [&chart](double v) { return chart.format ? chart.format(v) : Exact(v); };

  std::string svg =
      "<figure class=\"chart\"><figcaption>" + EscapeHtml(chart.title) +
      "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" +
      Number(width) + "\" height=\"" + Number(height) + "\" viewBox=\"0 0 " + Number(width) + " " +
      Number(height) + "\" data-scale=\"" + (scale.log ? "log" : "linear") + "\">\n<title>" +
      EscapeHtml(chart.title) + "</title>\n";
  // The y axis: gridlines and tick labels, and its label (unit) turned along it.
  for (double tick : scale.Ticks()) {
    const double y = base_y - scale.Height(tick);
    svg += "<line class=\"grid\" x1=\"" + Number(kLeft) + "\" x2=\"" + Number(width - kRight) +
           "\" y1=\"" + Number(y) + "\" y2=\"" + Number(y) + "\"/><text class=\"tick\" x=\"" +
           Number(kLeft - 4) + "\" y=\"" + Number(y + 4) + "\" text-anchor=\"end\">" +
           EscapeHtml(format(tick)) + "</text>\n";
  }
  svg += "<text class=\"axis-label\" transform=\"translate(14 " + Number(kTop + kPlotHeight / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">" + EscapeHtml(chart.y_label) + "</text>\n";
  for (size_t c = 0; c < chart.categories.size(); ++c) {
    const double group_x = kLeft + kGroupGap / 2 + c * group_width;
    for (size_t s = 0; s < chart.series.size(); ++s) {
      const BarSeries& series = chart.series[s];
      const double value = c < series.values.size() ? series.values[c] : 0;
      const double h = scale.Height(value);
      svg += "<rect class=\"bar\" x=\"" + Number(group_x + s * kBarWidth) + "\" y=\"" +
             Number(base_y - h) + "\" width=\"" + Number(kBarWidth - 2) + "\" height=\"" +
             Number(h) + "\" fill=\"" + kColours[s % std::size(kColours)] + "\" data-series=\"" +
             EscapeHtml(series.name) + "\" data-category=\"" + EscapeHtml(chart.categories[c]) +
             "\" data-value=\"" + Exact(value) + "\"><title>" +
             EscapeHtml(series.name + " " + chart.categories[c] + ": " + format(value)) +
             "</title></rect>\n";
    }
    svg += "<text class=\"category\" x=\"" + Number(group_x + bars_per_group * kBarWidth / 2) +
           "\" y=\"" + Number(base_y + 16) + "\" text-anchor=\"middle\">" +
           EscapeHtml(chart.categories[c]) + "</text>\n";
  }
  svg += "<line class=\"axis\" x1=\"" + Number(kLeft) + "\" x2=\"" + Number(width - kRight) +
         "\" y1=\"" + Number(base_y) + "\" y2=\"" + Number(base_y) + "\"/>\n</svg>\n";
  svg += "<ul class=\"legend\">";
  for (size_t s = 0; s < chart.series.size(); ++s) {
    svg += "<li><span class=\"swatch\" style=\"background:" +
           std::string(kColours[s % std::size(kColours)]) + "\"></span>" +
           EscapeHtml(chart.series[s].name) + "</li>";
  }
  svg += "</ul></figure>\n";
  return svg;
}

}  // namespace streambench::html
