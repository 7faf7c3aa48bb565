#include "bench/html/downsample.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "common/split_mix.h"

namespace streambench::html {
namespace {

// One hour, a value a second: noise, with one spike and one dip that a plain stride would skip.
std::vector<SeriesPoint> AnHourWithASpikeAndADip() {
  std::vector<SeriesPoint> points;
  for (int t = 0; t < 3600; ++t) {
    points.push_back({static_cast<double>(t), 1000 + static_cast<double>(SplitMix64(t) % 100)});
  }
  points[1234].value = 50000;  // the spike
  points[2345].value = 3;      // the dip
  return points;
}

TEST(DownsampleTest, KeepsEveryBucketsLowestAndHighestPointExactly) {
  const std::vector<SeriesPoint> points = AnHourWithASpikeAndADip();
  const std::vector<SeriesPoint> thin = DownsampleMinMax(points, 200);
  ASSERT_LE(thin.size(), 400u);
  ASSERT_GE(thin.size(), 200u);
  // The extremes of the whole series survive at their exact time and value.
  auto has = [&thin](double t, double v) {
    return std::any_of(thin.begin(), thin.end(),
                       [&](const SeriesPoint& p) { return p.t_s == t && p.value == v; });
  };
  EXPECT_TRUE(has(1234, 50000));
  EXPECT_TRUE(has(2345, 3));
  // Every kept point is an original one, in time order.
  for (size_t i = 0; i < thin.size(); ++i) {
    const SeriesPoint& original = points[static_cast<size_t>(thin[i].t_s)];
    EXPECT_EQ(original.value, thin[i].value);
    if (i > 0) {
      EXPECT_LT(thin[i - 1].t_s, thin[i].t_s);
    }
  }
  // And every bucket (the span cut in 200 equal parts) keeps its own lowest and highest value.
  const double span = points.back().t_s - points.front().t_s;
  size_t i = 0;
  for (int b = 0; b < 200; ++b) {
    const double end = span * (b + 1) / 200;
    double lo = 1e18, hi = -1;
    for (; i < points.size() && (points[i].t_s <= end || b == 199); ++i) {
      lo = std::min(lo, points[i].value);
      hi = std::max(hi, points[i].value);
    }
    if (hi < 0) continue;
    bool kept_lo = false, kept_hi = false;
    for (const SeriesPoint& p : thin) {
      kept_lo = kept_lo || (p.value == lo && p.t_s <= end);
      kept_hi = kept_hi || (p.value == hi && p.t_s <= end);
    }
    EXPECT_TRUE(kept_lo && kept_hi) << "bucket " << b;
  }
}

TEST(DownsampleTest, ShortSeriesComeBackUnchanged) {
  std::vector<SeriesPoint> points;
  for (int t = 0; t < 400; ++t) points.push_back({static_cast<double>(t), t * 2.0});
  const std::vector<SeriesPoint> same = DownsampleMinMax(points, 200);
  ASSERT_EQ(same.size(), points.size());
  for (size_t i = 0; i < points.size(); ++i) EXPECT_EQ(same[i].value, points[i].value);
  EXPECT_TRUE(DownsampleMinMax({}, 200).empty());
}

}  // namespace
}  // namespace streambench::html
