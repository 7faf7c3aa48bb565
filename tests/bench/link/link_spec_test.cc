// LinkSpec: the default buffer (bandwidth x delay + 64 KiB), validation and the one-line
// description.
#include "bench/link/link_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace streambench::link {
namespace {

using ::testing::HasSubstr;

TEST(LinkSpecTest, OneWayDelayIsHalfTheRtt) {
  LinkSpec spec;
  spec.rtt_us = 40'000;
  EXPECT_EQ(spec.OneWayDelayNs(), 20'000'000);
}

TEST(LinkSpecTest, DefaultBufferIsBandwidthTimesOneWayDelayPlus64KiB) {
  LinkSpec spec;
  spec.rtt_us = 40'000;                     // 20 ms one way
  spec.bandwidth_bits_per_s = 100'000'000;  // 12.5 MB/s -> 250 000 bytes on the wire
  EXPECT_EQ(spec.EffectiveBufferBytes(), 250'000u + 65'536u);
  spec.jitter_us = 4'000;  // jitter keeps bytes on the wire longer
  EXPECT_EQ(spec.EffectiveBufferBytes(), 300'000u + 65'536u);
  spec.buffer_bytes = 10'000;
  EXPECT_EQ(spec.EffectiveBufferBytes(), 10'000u);
}

TEST(LinkSpecTest, DefaultBufferWithUnlimitedBandwidth) {
  LinkSpec spec;
  EXPECT_EQ(spec.EffectiveBufferBytes(), 65'536u);
  spec.rtt_us = 10'000;
  EXPECT_EQ(spec.EffectiveBufferBytes(), 8u * 1024 * 1024 + 65'536u);
}

TEST(LinkSpecTest, ValidateNamesTheBadField) {
  EXPECT_EQ(LinkSpec{}.Validate(), "");
  LinkSpec spec;
  spec.rtt_us = -5;
  EXPECT_THAT(spec.Validate(), HasSubstr("rtt_us must be >= 0, got -5"));
  spec = LinkSpec{};
  spec.jitter_us = -1;
  EXPECT_THAT(spec.Validate(), HasSubstr("jitter_us"));
  spec = LinkSpec{};
  spec.buffer_bytes = 10;
  EXPECT_THAT(spec.Validate(), HasSubstr("buffer_bytes"));
}

TEST(LinkSpecTest, ValidateWantsOneKindPerFault) {
  LinkSpec spec;
  spec.faults = {LinkFault{1'000'000, true, 0, 0, 0}};
  EXPECT_EQ(spec.Validate(), "");
  spec.faults.push_back(LinkFault{2'000'000, true, 500'000, 0, 0});
  EXPECT_EQ(spec.Validate(), "link fault 1: needs exactly one of cut, stall, bandwidth");
  spec.faults[1] = LinkFault{-1, false, 500'000, 0, 0};
  EXPECT_EQ(spec.Validate(), "link fault 1: times must be >= 0");
}

TEST(LinkSpecTest, DescribeShowsEveryKnobWithUnits) {
  LinkSpec spec;
  spec.rtt_us = 40'000;
  spec.bandwidth_bits_per_s = 100'000'000;
  EXPECT_EQ(spec.Describe(), "rtt 40ms, 100Mbit/s, jitter 0us, buffer 308.1KiB (default)");
  spec.bandwidth_bits_per_s = 0;
  spec.jitter_us = 1'500;
  spec.buffer_bytes = 256 * 1024;
  EXPECT_EQ(spec.Describe(), "rtt 40ms, unlimited, jitter 1.5ms, buffer 256KiB");
}

}  // namespace
}  // namespace streambench::link
