#include "bench/report/format.h"

#include <gtest/gtest.h>

namespace streambench::report {
namespace {

TEST(FormatTest, LatencyPicksAUnitWithThreeSignificantDigits) {
  EXPECT_EQ(FormatLatencyUs(0), "0us");
  EXPECT_EQ(FormatLatencyUs(0.85), "850ns");
  EXPECT_EQ(FormatLatencyUs(12.34), "12.3us");
  EXPECT_EQ(FormatLatencyUs(999), "999us");
  EXPECT_EQ(FormatLatencyUs(1250), "1.25ms");
  EXPECT_EQ(FormatLatencyUs(45600), "45.6ms");
  EXPECT_EQ(FormatLatencyUs(2.5e6), "2.50s");
}

TEST(FormatTest, Percent) {
  EXPECT_EQ(FormatPercent(0), "0%");
  EXPECT_EQ(FormatPercent(0.1234), "12.3%");
  EXPECT_EQ(FormatPercent(0.05), "5.00%");
  EXPECT_EQ(FormatPercent(0.0001), "0.01%");
  EXPECT_EQ(FormatPercent(1), "100.0%");
}

TEST(FormatTest, CountsRatesBytesNumbers) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1000), "1,000");
  EXPECT_EQ(FormatCount(1234567), "1,234,567");
  EXPECT_EQ(FormatRate(9.756), "9.76");
  EXPECT_EQ(FormatRate(950), "950");
  EXPECT_EQ(FormatRate(12345), "12.3k");
  EXPECT_EQ(FormatRate(2.5e6), "2.50M");
  EXPECT_EQ(FormatBytes(512), "512 B");
  EXPECT_EQ(FormatBytes(2048), "2.00 KiB");
  EXPECT_EQ(FormatBytes(3.5 * 1024 * 1024), "3.50 MiB");
  EXPECT_EQ(FormatNumber(0.5), "0.5");
  EXPECT_EQ(FormatNumber(12), "12");
  EXPECT_EQ(FormatNumber(10.25, 3), "10.2");
}

}  // namespace
}  // namespace streambench::report
