#include "bench/html/time_series_chart.h"

#include <algorithm>

#include "bench/html/chart_axes.h"
#include "bench/html/html_escape.h"
#include "bench/html/svg_style.h"
#include "bench/report/format.h"

namespace streambench::html {
namespace {

std::string SecondsText(double s) { return report::FormatNumber(s, 4) + " s"; }

}  // namespace

std::string RenderTimeSeriesChart(const TimeSeriesChart& chart) {
  std::vector<std::vector<SeriesPoint>> drawn;
  double end_s = chart.end_s, max = 0, min_positive = 0;
  auto widen = [&](double v) {
    max = std::max(max, v);
    if (v > 0 && (min_positive == 0 || v < min_positive)) min_positive = v;
  };
  for (const TimeSeries& s : chart.series) {
    drawn.push_back(DownsampleMinMax(s.points, chart.buckets));
    for (const SeriesPoint& p : drawn.back()) {
      widen(p.value);
      end_s = std::max(end_s, p.t_s);
    }
  }
  for (const Reference& r : chart.references) widen(r.value);
  const PlotFrame frame;
  const Axis x = Axis::Exact(0, end_s > 0 ? end_s : 1);
  const Axis y = chart.log_scale ? Axis::Log10(min_positive, max) : Axis::Linear(0, max);

  std::string svg = OpenFigure("timeseries", chart.title, frame,
                               std::string(" data-scale=\"") + (y.log() ? "log" : "linear") + "\"");
  for (const TimeSpan& span : chart.spans) {
    const double x0 = frame.X(x, span.start_s);
    const double x1 = std::max(frame.X(x, span.start_s + span.duration_s), x0 + 1);
    svg += "<rect class=\"span\" x=\"" + SvgNumber(x0) + "\" y=\"" + SvgNumber(frame.top) +
           "\" width=\"" + SvgNumber(x1 - x0) + "\" height=\"" + SvgNumber(frame.height) +
           "\" fill=\"#d55e00\" fill-opacity=\"0.15\" data-start-s=\"" + ExactNumber(span.start_s) +
           "\" data-duration-s=\"" + ExactNumber(span.duration_s) + "\"><title>" +
           EscapeHtml(span.name) + "</title></rect>\n";
  }
  svg += YAxisMarkup(frame, y, TicksOf(y, chart.format), chart.y_label);
  svg += XAxisMarkup(frame, x, TicksOf(x, SecondsText), "time since the measured phase began");
  std::vector<std::string> names;
  for (size_t s = 0; s < chart.series.size(); ++s) {
    std::vector<std::pair<double, double>> xy;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < drawn[s].size(); ++i) {
      const SeriesPoint& p = drawn[s][i];
      xy.emplace_back(frame.X(x, p.t_s), frame.Y(y, p.value));
      lo = i == 0 ? p.value : std::min(lo, p.value);
      hi = i == 0 ? p.value : std::max(hi, p.value);
    }
    names.push_back(chart.series[s].name);
    svg += PolylineMarkup(xy, SeriesColour(s),
                          " class=\"series\" data-series=\"" + EscapeHtml(chart.series[s].name) +
                              "\" data-points=\"" + std::to_string(xy.size()) + "\" data-min=\"" +
                              ExactNumber(lo) + "\" data-max=\"" + ExactNumber(hi) + "\"");
  }
  std::string note;
  for (const Reference& r : chart.references) {
    const std::string at = SvgNumber(frame.Y(y, r.value));
    svg +=
        "<line class=\"reference\" x1=\"" + SvgNumber(frame.left) + "\" x2=\"" +
        SvgNumber(frame.left + frame.width) + "\" y1=\"" + at + "\" y2=\"" + at +
        "\" stroke=\"#000000\" stroke-dasharray=\"6 4\" data-series=\"" + EscapeHtml(r.name) +
        "\" data-value=\"" + ExactNumber(r.value) + "\"><title>" +
        EscapeHtml(r.name + ": " + (chart.format ? chart.format(r.value) : ExactNumber(r.value))) +
        "</title></line>\n";
    note += (note.empty() ? "dashed: " : ", ") + r.name;
  }
  if (!chart.spans.empty())
    note += std::string(note.empty() ? "" : "; ") + "shaded: " + chart.spans_label;
  return svg + CloseFigure(names, note);
}

}  // namespace streambench::html
