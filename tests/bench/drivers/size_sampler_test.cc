#include "bench/drivers/size_sampler.h"

#include <gtest/gtest.h>

#include <map>

namespace streambench::drivers {
namespace {

using Kind = scenario::SizeDistribution::Kind;

TEST(SizeSamplerTest, Fixed) {
  scenario::SizeDistribution d;
  d.kind = Kind::kFixed;
  d.fixed_bytes = 100;
  SizeSampler s(d, 1);
  for (uint64_t k = 0; k < 100; ++k) EXPECT_EQ(s.Sample(k), 100u);
  EXPECT_EQ(s.max_bytes(), 100u);
}

TEST(SizeSamplerTest, UniformStaysInRangeAndCoversIt) {
  scenario::SizeDistribution d;
  d.kind = Kind::kUniform;
  d.min_bytes = 10;
  d.max_bytes = 13;
  SizeSampler s(d, 7);
  std::map<uint64_t, int> seen;
  for (uint64_t k = 0; k < 4000; ++k) ++seen[s.Sample(k)];
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen.begin()->first, 10u);
  EXPECT_EQ(seen.rbegin()->first, 13u);
  for (const auto& [size, n] : seen) EXPECT_GT(n, 800) << size;  // ~1000 each
  EXPECT_EQ(s.Sample(42), s.Sample(42)) << "a key always gives the same size";
}

TEST(SizeSamplerTest, ChoiceFollowsWeights) {
  scenario::SizeDistribution d;
  d.kind = Kind::kChoice;
  d.choices_bytes = {64, 4096};
  d.weights = {3, 1};
  SizeSampler s(d, 3);
  int small = 0;
  constexpr int kDraws = 20000;
  for (int k = 0; k < kDraws; ++k) small += s.Sample(k) == 64 ? 1 : 0;
  EXPECT_NEAR(static_cast<double>(small) / kDraws, 0.75, 0.02);
  EXPECT_EQ(s.max_bytes(), 4096u);
}

}  // namespace
}  // namespace streambench::drivers
