// Thinning a long series for a chart without hiding what matters in it: a 1-hour run has 3600
// points a series, and twenty variants of it would make a report slow to open. The time span is
// cut into equal buckets and each keeps its lowest and its highest point, so every spike and every
// dip of the original is still drawn, at its exact value.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <vector>

namespace streambench::html {

struct SeriesPoint {
  double t_s = 0;    // seconds since the measured phase began
  double value = 0;  // in the chart's unit
};

// `points` (in time order) thinned to at most 2 x `buckets` points: in each of `buckets` equal
// spans of [first t, last t], the lowest and the highest point, in time order (one when they are
// the same point). Series already that short come back unchanged; so do empty ones.
std::vector<SeriesPoint> DownsampleMinMax(const std::vector<SeriesPoint>& points, size_t buckets);

}  // namespace streambench::html
