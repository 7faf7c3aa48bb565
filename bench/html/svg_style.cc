#include "bench/html/svg_style.h"

#include <cstdio>
#include <iterator>

namespace streambench::html {

const char* SeriesColour(size_t series) {
  static constexpr const char* kColours[] = {"#0072b2", "#e69f00", "#009e73", "#cc79a7",
                                             "#56b4e9", "#d55e00", "#f0e442", "#000000"};
  return kColours[series % std::size(kColours)];
}

std::string SvgNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

std::string ExactNumber(double v) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

}  // namespace streambench::html
