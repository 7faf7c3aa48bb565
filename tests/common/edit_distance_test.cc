#include "common/edit_distance.h"

#include <gtest/gtest.h>

namespace streambench {
namespace {

TEST(EditDistanceTest, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("load", "load"), 0u);
  EXPECT_EQ(EditDistance("lod", "load"), 1u);    // insertion
  EXPECT_EQ(EditDistance("loaad", "load"), 1u);  // deletion
  EXPECT_EQ(EditDistance("lead", "load"), 1u);   // substitution
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("Load", "load"), 1u) << "case-sensitive";
}

TEST(EditDistanceTest, IsSymmetric) {
  EXPECT_EQ(EditDistance("error-rate", "error_rate"), EditDistance("error_rate", "error-rate"));
  EXPECT_EQ(EditDistance("mesage_latency.p99", "message_latency.p99"), 1u);
  EXPECT_EQ(EditDistance("message_latency.p99", "mesage_latency.p99"), 1u);
}

TEST(EditDistanceTest, NearestPrefersTheSmallestDistanceThenTheEarlierCandidate) {
  const NearestCandidate nearest = Nearest("lod", {"rate", "load", "lid"});
  EXPECT_EQ(nearest.name, "load");
  EXPECT_EQ(nearest.distance, 1u);
  EXPECT_EQ(Nearest("ab", {"ax", "xb"}).name, "ax") << "a tie goes to the earlier";
  EXPECT_EQ(Nearest("ab", {}).name, "");
  EXPECT_FALSE(IsPlausibleTypo("ab", Nearest("ab", {}).distance));
}

TEST(EditDistanceTest, PlausibleTyposAreAThirdOfTheWordAndAtLeastTwoEdits) {
  EXPECT_TRUE(IsPlausibleTypo("ab", 2));
  EXPECT_FALSE(IsPlausibleTypo("ab", 3));
  EXPECT_TRUE(IsPlausibleTypo("message_latency", 5));  // 15 characters
  EXPECT_FALSE(IsPlausibleTypo("message_latency", 6));
}

}  // namespace
}  // namespace streambench
