// What every chart of the report shares, so a run has one colour throughout and numbers are
// written one way: the series palette and the two number formats of SVG attributes.
#pragma once

#include <cstddef>
#include <string>

namespace streambench::html {

// Colour-blind-safe (Okabe-Ito), cycled when there are more series than colours.
const char* SeriesColour(size_t series);

// A coordinate or size in SVG user units: one decimal.
std::string SvgNumber(double v);
// The exact value, for data-* attributes that tests read back (round-trips a double).
std::string ExactNumber(double v);

}  // namespace streambench::html
