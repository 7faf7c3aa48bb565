#include "bench/html/downsample.h"

#include <algorithm>

namespace streambench::html {

std::vector<SeriesPoint> DownsampleMinMax(const std::vector<SeriesPoint>& points, size_t buckets) {
  if (buckets == 0 || points.size() <= 2 * buckets) return points;
  const double first = points.front().t_s, span = points.back().t_s - first;
  std::vector<SeriesPoint> out;
  out.reserve(2 * buckets);
  size_t i = 0;
  for (size_t b = 0; b < buckets && i < points.size(); ++b) {
    // The bucket holds the points up to its end; the last one holds the rest.
    const double end = first + span * static_cast<double>(b + 1) / static_cast<double>(buckets);
    size_t lowest = i, highest = i;
    for (; i < points.size() && (points[i].t_s <= end || b + 1 == buckets); ++i) {
      if (points[i].value < points[lowest].value) lowest = i;
      if (points[i].value > points[highest].value) highest = i;
    }
    if (i == lowest) continue;  // an empty bucket (a gap in time)
    out.push_back(points[std::min(lowest, highest)]);
    if (lowest != highest) out.push_back(points[std::max(lowest, highest)]);
  }
  return out;
}

}  // namespace streambench::html
