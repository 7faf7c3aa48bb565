// What the line charts share (time series, percentile plot): a value axis (linear with a round
// top, or log10 over whole decades), the plot frame, the figure around the SVG, its gridlines,
// tick labels and axis labels, and the legend. One geometry, so every chart reads the same way.
// Thread-safety: pure functions and plain values.
#pragma once

#include <string>
#include <vector>

namespace streambench::html {

// Maps values along one axis to a fraction in [0, 1] (clamped), linear or log10.
class Axis {
 public:
  // From `lo` to a round top (1, 2 or 5 times a power of ten) at or above `max`.
  static Axis Linear(double lo, double max);
  // Whole decades from the one holding `min_positive` to the one above `max` (values <= 0 map
  // to 0). With nothing positive, one decade from 1.
  static Axis Log10(double min_positive, double max);
  // Exactly [lo, hi], linear (for an axis whose ticks are chosen by the chart).
  static Axis Exact(double lo, double hi);

  double Fraction(double v) const;
  // Evenly spaced ticks (linear: five), or one per decade (log).
  std::vector<double> Ticks() const;
  bool log() const { return log_; }
  double lo() const { return lo_; }
  double hi() const { return hi_; }

 private:
  Axis(bool log, double lo, double hi) : log_(log), lo_(lo), hi_(hi) {}
  bool log_ = false;
  double lo_ = 0, hi_ = 1;  // log: exponents of ten
};

// 1, 2 or 5 times a power of ten, at or above `max` (1 when max <= 0).
double RoundTop(double max);

// The plot area inside the SVG, in SVG user units (pixels at 100%).
struct PlotFrame {
  double left = 72, top = 12, width = 480, height = 200, bottom = 44, right = 32;
  double svg_width() const { return left + width + right; }
  double svg_height() const { return top + height + bottom; }
  double X(const Axis& axis, double v) const { return left + axis.Fraction(v) * width; }
  double Y(const Axis& axis, double v) const { return top + height - axis.Fraction(v) * height; }
};

// A tick at `value` labelled `label`.
struct Tick {
  double value = 0;
  std::string label;
};

// `<figure class="chart KIND"><figcaption>...` and the opening `<svg>` with its title; the
// attributes in `svg_attributes` (e.g. ` data-scale="log"`) go on the svg element.
std::string OpenFigure(const std::string& kind, const std::string& title, const PlotFrame& frame,
                       const std::string& svg_attributes = "");
// Horizontal gridlines with labels on the left, and the y label turned along the axis.
std::string YAxisMarkup(const PlotFrame& frame, const Axis& axis, const std::vector<Tick>& ticks,
                        const std::string& label);
// Labels under the plot, the x label below them, and the base line.
std::string XAxisMarkup(const PlotFrame& frame, const Axis& axis, const std::vector<Tick>& ticks,
                        const std::string& label);
// Ticks at Axis::Ticks(), labelled by `format` (nullptr: the exact number).
std::vector<Tick> TicksOf(const Axis& axis, std::string (*format)(double));
// A polyline through (x, y) pairs already in SVG units; `attributes` go on the element.
std::string PolylineMarkup(const std::vector<std::pair<double, double>>& xy, const char* colour,
                           const std::string& attributes);
// Closes the svg and the figure with a legend: one swatch per name in the series palette, then
// `note` as a last item ("" = none).
std::string CloseFigure(const std::vector<std::string>& names, const std::string& note = "");

}  // namespace streambench::html
