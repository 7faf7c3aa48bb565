#include "bench/html/bar_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bench/html/chart_axes.h"
#include "bench/html/html_escape.h"
#include "bench/html/svg_style.h"

namespace streambench::html {
namespace {

// Plot geometry, in SVG user units (pixels at 100%).
constexpr double kBarWidth = 14;
constexpr double kGroupGap = 24;
constexpr double kPlotHeight = 220;
constexpr double kLeft = 72, kRight = 16, kTop = 12, kBottom = 40;
// About how wide a character of an 11px label is: labels wider than their group are slanted.
constexpr double kLabelCharWidth = 6.5;

// The value axis over every bar and whisker.
Axis AxisFor(const BarChart& chart) {
  double max = 0, min_positive = 0;
  for (const BarSeries& s : chart.series) {
    std::vector<double> values = s.values;
    for (const auto& [low, high] : s.spread) values.insert(values.end(), {low, high});
    for (double v : values) {
      max = std::max(max, v);
      if (v > 0 && (min_positive == 0 || v < min_positive)) min_positive = v;
    }
  }
  if (chart.log_scale) return Axis::Log10(min_positive, max);
  return max > 0 ? Axis::Linear(0, max) : Axis::Exact(0, 1);
}

}  // namespace

std::string RenderBarChart(const BarChart& chart) {
  const Axis scale = AxisFor(chart);
  auto height_of = [&scale](double v) { return scale.Fraction(v) * kPlotHeight; };
  const size_t bars_per_group = std::max<size_t>(chart.series.size(), 1);
  const double group_width = bars_per_group * kBarWidth + kGroupGap;
  const double width = kLeft + kRight + std::max<size_t>(chart.categories.size(), 1) * group_width;
  // Category names wider than their group (throughput's field names) would overlap: slant them
  // and make room below.
  size_t longest = 0;
  for (const std::string& category : chart.categories) longest = std::max(longest, category.size());
  const bool slanted = static_cast<double>(longest) * kLabelCharWidth > group_width;
  const double height = kTop + kPlotHeight + kBottom +
                        (slanted ? static_cast<double>(longest) * kLabelCharWidth * 0.6 : 0);
  const double base_y = kTop + kPlotHeight;
  auto format = [&chart](double v) { return chart.format ? chart.format(v) : ExactNumber(v); };

  std::string svg =
      "<figure class=\"chart\"><figcaption>" + EscapeHtml(chart.title) +
      "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" +
      SvgNumber(width) + "\" height=\"" + SvgNumber(height) + "\" viewBox=\"0 0 " +
      SvgNumber(width) + " " + SvgNumber(height) + "\" data-scale=\"" +
      (scale.log() ? "log" : "linear") + "\">\n<title>" + EscapeHtml(chart.title) + "</title>\n";
  // The y axis: gridlines and tick labels, and its label (unit) turned along it.
  for (double tick : scale.Ticks()) {
    const double y = base_y - height_of(tick);
    svg += "<line class=\"grid\" x1=\"" + SvgNumber(kLeft) + "\" x2=\"" +
           SvgNumber(width - kRight) + "\" y1=\"" + SvgNumber(y) + "\" y2=\"" + SvgNumber(y) +
           "\"/><text class=\"tick\" x=\"" + SvgNumber(kLeft - 4) + "\" y=\"" + SvgNumber(y + 4) +
           "\" text-anchor=\"end\">" + EscapeHtml(format(tick)) + "</text>\n";
  }
  svg += "<text class=\"axis-label\" transform=\"translate(14 " +
         SvgNumber(kTop + kPlotHeight / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
         EscapeHtml(chart.y_label) + "</text>\n";
  for (size_t c = 0; c < chart.categories.size(); ++c) {
    const double group_x = kLeft + kGroupGap / 2 + c * group_width;
    for (size_t s = 0; s < chart.series.size(); ++s) {
      const BarSeries& series = chart.series[s];
      const double value = c < series.values.size() ? series.values[c] : 0;
      const double h = height_of(value);
      svg += "<rect class=\"bar\" x=\"" + SvgNumber(group_x + s * kBarWidth) + "\" y=\"" +
             SvgNumber(base_y - h) + "\" width=\"" + SvgNumber(kBarWidth - 2) + "\" height=\"" +
             SvgNumber(h) + "\" fill=\"" + SeriesColour(s) + "\" data-series=\"" +
             EscapeHtml(series.name) + "\" data-category=\"" + EscapeHtml(chart.categories[c]) +
             "\" data-value=\"" + ExactNumber(value) + "\"><title>" +
             EscapeHtml(series.name + " " + chart.categories[c] + ": " + format(value)) +
             "</title></rect>\n";
      if (c < series.spread.size()) {
        const auto [low, high] = series.spread[c];
        const std::string x = SvgNumber(group_x + s * kBarWidth + (kBarWidth - 2) / 2);
        svg += "<line class=\"spread\" x1=\"" + x + "\" x2=\"" + x + "\" y1=\"" +
               SvgNumber(base_y - height_of(low)) + "\" y2=\"" +
               SvgNumber(base_y - height_of(high)) +
               "\" stroke=\"#222222\" stroke-width=\"2\" data-series=\"" + EscapeHtml(series.name) +
               "\" data-category=\"" + EscapeHtml(chart.categories[c]) + "\" data-min=\"" +
               ExactNumber(low) + "\" data-max=\"" + ExactNumber(high) + "\"><title>" +
               EscapeHtml(series.name + " " + chart.categories[c] + ": " + format(low) + " to " +
                          format(high)) +
               "</title></line>\n";
      }
    }
    const std::string x = SvgNumber(group_x + bars_per_group * kBarWidth / 2);
    const std::string y = SvgNumber(base_y + 16);
    svg += "<text class=\"category\" x=\"" + x + "\" y=\"" + y + "\" text-anchor=\"" +
           (slanted ? "end\" transform=\"rotate(-35 " + x + " " + y + ")\">" : "middle\">") +
           EscapeHtml(chart.categories[c]) + "</text>\n";
  }
  svg += "<line class=\"axis\" x1=\"" + SvgNumber(kLeft) + "\" x2=\"" + SvgNumber(width - kRight) +
         "\" y1=\"" + SvgNumber(base_y) + "\" y2=\"" + SvgNumber(base_y) + "\"/>\n</svg>\n";
  svg += "<ul class=\"legend\">";
  for (size_t s = 0; s < chart.series.size(); ++s) {
    svg += "<li><span class=\"swatch\" style=\"background:" + std::string(SeriesColour(s)) +
           "\"></span>" + EscapeHtml(chart.series[s].name) + "</li>";
  }
  svg += "</ul></figure>\n";
  return svg;
}

}  // namespace streambench::html
