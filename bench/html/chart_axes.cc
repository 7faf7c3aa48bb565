#include "bench/html/chart_axes.h"

#include <algorithm>
#include <cmath>

#include "bench/html/html_escape.h"
#include "bench/html/svg_style.h"

namespace streambench::html {

double RoundTop(double max) {
  if (!(max > 0)) return 1;
  const double decade = std::pow(10.0, std::floor(std::log10(max)));
  for (double step : {1.0, 2.0, 5.0}) {
    if (step * decade >= max) return step * decade;
  }
  return 10 * decade;
}

Axis Axis::Linear(double lo, double max) {
  const double hi = RoundTop(max - lo) + lo;
  return Axis(false, lo, hi > lo ? hi : lo + 1);
}

Axis Axis::Log10(double min_positive, double max) {
  if (!(max > 0)) return Axis(true, 0, 1);
  if (!(min_positive > 0)) min_positive = max;
  const double lo = std::floor(std::log10(min_positive));
  double hi = std::ceil(std::log10(max));
  if (hi <= lo) hi = lo + 1;
  return Axis(true, lo, hi);
}

Axis Axis::Exact(double lo, double hi) { return Axis(false, lo, hi > lo ? hi : lo + 1); }

double Axis::Fraction(double v) const {
  if (log_) {
    if (!(v > 0)) return 0;
    return std::clamp((std::log10(v) - lo_) / (hi_ - lo_), 0.0, 1.0);
  }
  return std::clamp((v - lo_) / (hi_ - lo_), 0.0, 1.0);
}

std::vector<double> Axis::Ticks() const {
  std::vector<double> ticks;
  if (log_) {
    for (double e = lo_; e <= hi_ + 1e-9; e += 1) ticks.push_back(std::pow(10.0, e));
  } else {
    for (int i = 0; i <= 4; ++i) ticks.push_back(lo_ + (hi_ - lo_) * i / 4);
  }
  return ticks;
}

std::vector<Tick> TicksOf(const Axis& axis, std::string (*format)(double)) {
  std::vector<Tick> ticks;
  for (double v : axis.Ticks()) ticks.push_back({v, format ? format(v) : ExactNumber(v)});
  return ticks;
}

std::string OpenFigure(const std::string& kind, const std::string& title, const PlotFrame& frame,
                       const std::string& svg_attributes) {
  const std::string w = SvgNumber(frame.svg_width()), h = SvgNumber(frame.svg_height());
  return "<figure class=\"chart " + kind + "\"><figcaption>" + EscapeHtml(title) +
         "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" + w +
         "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h + "\"" + svg_attributes +
         ">\n<title>" + EscapeHtml(title) + "</title>\n";
}

std::string YAxisMarkup(const PlotFrame& frame, const Axis& axis, const std::vector<Tick>& ticks,
                        const std::string& label) {
  std::string out;
  for (const Tick& tick : ticks) {
    const std::string y = SvgNumber(frame.Y(axis, tick.value));
    out += "<line class=\"grid\" x1=\"" + SvgNumber(frame.left) + "\" x2=\"" +
           SvgNumber(frame.left + frame.width) + "\" y1=\"" + y + "\" y2=\"" + y +
           "\"/><text class=\"tick\" x=\"" + SvgNumber(frame.left - 4) + "\" y=\"" +
           SvgNumber(frame.Y(axis, tick.value) + 4) + "\" text-anchor=\"end\">" +
           EscapeHtml(tick.label) + "</text>\n";
  }
  return out + "<text class=\"axis-label\" transform=\"translate(14 " +
         SvgNumber(frame.top + frame.height / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
         EscapeHtml(label) + "</text>\n";
}

std::string XAxisMarkup(const PlotFrame& frame, const Axis& axis, const std::vector<Tick>& ticks,
                        const std::string& label) {
  const double base_y = frame.top + frame.height;
  std::string out;
  for (const Tick& tick : ticks) {
    out += "<text class=\"tick\" x=\"" + SvgNumber(frame.X(axis, tick.value)) + "\" y=\"" +
           SvgNumber(base_y + 16) + "\" text-anchor=\"middle\">" + EscapeHtml(tick.label) +
           "</text>\n";
  }
  out += "<text class=\"axis-label\" x=\"" + SvgNumber(frame.left + frame.width / 2) + "\" y=\"" +
         SvgNumber(base_y + 36) + "\" text-anchor=\"middle\">" + EscapeHtml(label) + "</text>\n";
  return out + "<line class=\"axis\" x1=\"" + SvgNumber(frame.left) + "\" x2=\"" +
         SvgNumber(frame.left + frame.width) + "\" y1=\"" + SvgNumber(base_y) + "\" y2=\"" +
         SvgNumber(base_y) + "\"/>\n";
}

std::string PolylineMarkup(const std::vector<std::pair<double, double>>& xy, const char* colour,
                           const std::string& attributes) {
  std::string points;
  points.reserve(xy.size() * 12);
  for (const auto& [x, y] : xy) {
    if (!points.empty()) points += ' ';
    points += SvgNumber(x) + "," + SvgNumber(y);
  }
  return "<polyline fill=\"none\" stroke=\"" + std::string(colour) + "\" points=\"" + points +
         "\"" + attributes + "/>\n";
}

std::string CloseFigure(const std::vector<std::string>& names, const std::string& note) {
  std::string out = "</svg>\n<ul class=\"legend\">";
  for (size_t s = 0; s < names.size(); ++s) {
    out += "<li><span class=\"swatch\" style=\"background:" + std::string(SeriesColour(s)) +
           "\"></span>" + EscapeHtml(names[s]) + "</li>";
  }
  if (!note.empty()) out += "<li>" + EscapeHtml(note) + "</li>";
  return out + "</ul></figure>\n";
}

}  // namespace streambench::html
