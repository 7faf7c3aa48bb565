#include "bench/html/percentile_plot.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "bench/html/chart_axes.h"
#include "bench/html/html_escape.h"
#include "bench/html/svg_style.h"
#include "bench/report/format.h"

namespace streambench::html {
namespace {

constexpr double kNsPerUs = 1000;
constexpr int kStepsPerDecade = 20;

// x of a percentile: log10(1 / (1 - q)).
double Nines(double percentile) { return -std::log10(1 - percentile / 100); }

// The labelled levels, written as literals so that they are the very percentiles the results'
// summaries (report::Summarize) ask the histogram for; index n has n nines (50 first).
constexpr double kLevels[] = {50, 90, 99, 99.9, 99.99, 99.999, 99.9999, 99.99999, 99.999999};

// "0%", "90%", "99%", "99.9%", ... for 0, 1, 2, 3 nines.
std::string LevelLabel(int nines) {
  if (nines == 0) return "0%";
  if (nines < static_cast<int>(std::size(kLevels))) {
    return report::FormatNumber(kLevels[nines], 12) + "%";
  }
  return "1-1e-" + std::to_string(nines);
}

}  // namespace

PercentileCurve PercentileCurveOf(std::string name, const stats::LogLinearHistogram& histogram) {
  PercentileCurve curve{std::move(name), {}};
  const uint64_t count = histogram.Count();
  if (count == 0) return curve;
  const double top = std::log10(static_cast<double>(count));  // 1/(1-q) = count: the last sample
  auto at = [&](double percentile, bool labelled) {
    curve.points.push_back(
        {percentile, static_cast<double>(histogram.ValueAtPercentileNs(percentile)) / kNsPerUs,
         labelled});
  };
  std::vector<double> labelled;
  for (size_t nines = 0; nines < std::size(kLevels) && Nines(kLevels[nines]) <= top + 1e-9;
       ++nines) {
    labelled.push_back(kLevels[nines]);
  }
  size_t next_label = 0;
  for (int step = 0; step <= top * kStepsPerDecade + 1e-9; ++step) {
    const double percentile =
        100 - 100 * std::pow(10.0, -static_cast<double>(step) / kStepsPerDecade);
    while (next_label < labelled.size() && labelled[next_label] <= percentile + 1e-9) {
      if (labelled[next_label] < percentile - 1e-9) at(labelled[next_label], true);
      ++next_label;
    }
    const bool is_label = next_label > 0 && std::fabs(labelled[next_label - 1] - percentile) < 1e-9;
    at(is_label ? labelled[next_label - 1] : percentile, is_label);
  }
  while (next_label < labelled.size()) at(labelled[next_label++], true);
  return curve;
}

std::string RenderPercentilePlot(const PercentilePlot& plot) {
  double max_nines = 1, max_us = 0, min_us = 0;
  for (const PercentileCurve& curve : plot.curves) {
    for (const PercentilePoint& p : curve.points) {
      max_nines = std::max(max_nines, Nines(p.percentile));
      max_us = std::max(max_us, p.latency_us);
      if (p.latency_us > 0 && (min_us == 0 || p.latency_us < min_us)) min_us = p.latency_us;
    }
  }
  const PlotFrame frame;
  const Axis x = Axis::Exact(0, std::ceil(max_nines - 1e-9));
  const Axis y = Axis::Log10(min_us, max_us);
  std::vector<Tick> x_ticks;
  for (int nines = 0; nines <= x.hi() + 1e-9; ++nines)
    x_ticks.push_back({1.0 * nines, LevelLabel(nines)});
  // 50% instead of 0% (the minimum), whose label would overlap it.
  x_ticks.front() = Tick{Nines(50), "50%"};

  std::string svg = OpenFigure("percentiles", plot.title, frame, " data-scale=\"log\"");
  svg += YAxisMarkup(frame, y, TicksOf(y, report::FormatLatencyUs), "latency (log scale)");
  svg += XAxisMarkup(frame, x, x_ticks, "percentile (log scale of 1/(1-q))");
  std::vector<std::string> names;
  for (size_t c = 0; c < plot.curves.size(); ++c) {
    const PercentileCurve& curve = plot.curves[c];
    const char* colour = SeriesColour(c);
    std::vector<std::pair<double, double>> xy;
    std::string markers;
    for (const PercentilePoint& p : curve.points) {
      const double px = frame.X(x, Nines(p.percentile)), py = frame.Y(y, p.latency_us);
      xy.emplace_back(px, py);
      if (!p.labelled) continue;
      markers += "<circle class=\"level\" cx=\"" + SvgNumber(px) + "\" cy=\"" + SvgNumber(py) +
                 "\" r=\"3\" fill=\"" + colour + "\" data-series=\"" + EscapeHtml(curve.name) +
                 "\" data-percentile=\"" + ExactNumber(p.percentile) + "\" data-latency-us=\"" +
                 ExactNumber(p.latency_us) + "\"><title>" +
                 EscapeHtml(curve.name + ": p" + report::FormatNumber(p.percentile, 6) + " " +
                            report::FormatLatencyUs(p.latency_us)) +
                 "</title></circle>\n";
    }
    names.push_back(curve.name);
    svg += PolylineMarkup(xy, colour,
                          " class=\"curve\" data-series=\"" + EscapeHtml(curve.name) +
                              "\" data-points=\"" + std::to_string(xy.size()) + "\"");
    svg += markers;
  }
  return svg + CloseFigure(names, "dots: 50%, 90%, 99%, 99.9%, ...");
}

}  // namespace streambench::html
