#include "bench/scenario/units.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace streambench::scenario {
namespace {

struct DurationCase {
  std::string text;
  bool ok;
  int64_t us;         // when ok
  std::string error;  // when !ok
};

TEST(UnitsTest, Durations) {
  const DurationCase cases[] = {
      {"100us", true, 100, ""},
      {"250ms", true, 250'000, ""},
      {"10s", true, 10'000'000, ""},
      {"1.5s", true, 1'500'000, ""},
      {"1m", true, 60'000'000, ""},
      {"2h", true, 7'200'000'000, ""},
      {"0", true, 0, ""},
      {"0s", true, 0, ""},
      {"1.0004ms", true, 1000, ""},  // rounded to the nearest microsecond
      {" 3s ", true, 3'000'000, ""},
      {"5", false, 0, "`5` has no unit; write e.g. 5s or 5ms (units: us, ms, s, m, h)"},
      {"abc", false, 0, "expected a duration like 250ms (units: us, ms, s, m, h), got `abc`"},
      {"5sec", false, 0, "expected a duration like 250ms (units: us, ms, s, m, h), got `5sec`"},
      {"1e3s", false, 0, "expected a duration like 250ms (units: us, ms, s, m, h), got `1e3s`"},
      {"", false, 0, "expected a duration like 250ms (units: us, ms, s, m, h), got an empty value"},
      {"-5s", false, 0, "must be >= 0 (got -5s)"},
      {"1.s", false, 0, "expected a duration like 250ms (units: us, ms, s, m, h), got `1.s`"},
      {"99999999999999999999h", false, 0, "is too large (got 99999999999999999999h)"},
  };
  for (const DurationCase& c : cases) {
    SCOPED_TRACE(c.text);
    int64_t us = -1;
    std::string error;
    EXPECT_EQ(ParseDurationUs(c.text, &us, &error), c.ok);
    if (c.ok) {
      EXPECT_EQ(us, c.us);
    } else {
      EXPECT_EQ(error, c.error);
    }
  }
}

struct SizeCase {
  std::string text;
  bool ok;
  uint64_t bytes;
  std::string error;
};

TEST(UnitsTest, Sizes) {
  const std::string units =
      "expected a size like 64B or 16KiB (units: B, KB, MB, GB, KiB, MiB, GiB)";
  const SizeCase cases[] = {
      {"64", true, 64, ""},
      {"64B", true, 64, ""},
      {"10KB", true, 10'000, ""},
      {"64KiB", true, 65'536, ""},
      {"1MiB", true, 1'048'576, ""},
      {"1GiB", true, 1'073'741'824, ""},
      {"2MB", true, 2'000'000, ""},
      {"1.5KiB", true, 1'536, ""},
      {"0B", true, 0, ""},
      {"1.3B", false, 0, "must be a whole number of bytes (got 1.3B)"},
      {"-1KiB", false, 0, "must be >= 0 (got -1KiB)"},
      {"64kb", false, 0, units + ", got `64kb`"},
      {"KiB", false, 0, units + ", got `KiB`"},
      {"99999999999GiB", false, 0, "is too large (got 99999999999GiB)"},
  };
  for (const SizeCase& c : cases) {
    SCOPED_TRACE(c.text);
    uint64_t bytes = 0;
    std::string error;
    EXPECT_EQ(ParseSizeBytes(c.text, &bytes, &error), c.ok);
    if (c.ok) {
      EXPECT_EQ(bytes, c.bytes);
    } else {
      EXPECT_EQ(error, c.error);
    }
  }
}

struct RateCase {
  std::string text;
  bool ok;
  double per_s;
  std::string error;
};

TEST(UnitsTest, Rates) {
  const std::string hint =
      "expected a rate like 1000/s, 5k/s or 60/m (per: /s, /m, /h; multipliers: k, M)";
  const RateCase cases[] = {
      {"1000", true, 1000, ""},
      {"1000/s", true, 1000, ""},
      {"5k/s", true, 5000, ""},
      {"2M/s", true, 2e6, ""},
      {"60/m", true, 1, ""},
      {"7200/h", true, 2, ""},
      {"1.5k", true, 1500, ""},
      {"-3", true, -3, ""},  // sign accepted; the loader reports "must be > 0"
      {"5/sec", false, 0, hint + ", got `5/sec`"},
      {"fast", false, 0, hint + ", got `fast`"},
      {"5K/s", false, 0, hint + ", got `5K/s`"},
  };
  for (const RateCase& c : cases) {
    SCOPED_TRACE(c.text);
    double per_s = 0;
    std::string error;
    EXPECT_EQ(ParseRatePerS(c.text, &per_s, &error), c.ok);
    if (c.ok) {
      EXPECT_DOUBLE_EQ(per_s, c.per_s);
    } else {
      EXPECT_EQ(error, c.error);
    }
  }
}

TEST(UnitsTest, BandwidthsAndFractions) {
  uint64_t bits = 0;
  std::string error;
  EXPECT_TRUE(ParseBandwidthBitsPerS("100Mbit", &bits, &error));
  EXPECT_EQ(bits, 100'000'000u);
  EXPECT_TRUE(ParseBandwidthBitsPerS("1Gbit/s", &bits, &error));
  EXPECT_EQ(bits, 1'000'000'000u);
  EXPECT_TRUE(ParseBandwidthBitsPerS("1.5kbit", &bits, &error));
  EXPECT_EQ(bits, 1500u);
  EXPECT_FALSE(ParseBandwidthBitsPerS("100MB", &bits, &error));
  EXPECT_EQ(error,
            "expected a bandwidth like 100Mbit (units: bit, kbit, Mbit, Gbit, optionally with /s), "
            "got `100MB`");

  double fraction = 0;
  EXPECT_TRUE(ParseFraction("10%", &fraction, &error));
  EXPECT_DOUBLE_EQ(fraction, 0.1);
  EXPECT_TRUE(ParseFraction("0.25", &fraction, &error));
  EXPECT_DOUBLE_EQ(fraction, 0.25);
  EXPECT_TRUE(ParseFraction("1", &fraction, &error));
  EXPECT_DOUBLE_EQ(fraction, 1.0);
  EXPECT_FALSE(ParseFraction("150%", &fraction, &error));
  EXPECT_EQ(error, "must be between 0 and 1 (got 150%)");
  EXPECT_FALSE(ParseFraction("-0.1", &fraction, &error));
  EXPECT_EQ(error, "must be between 0 and 1 (got -0.1)");
  EXPECT_FALSE(ParseFraction("half", &fraction, &error));
  EXPECT_EQ(error, "expected a fraction like 0.1 or 10%, got `half`");
}

TEST(UnitsTest, FormatRoundTrips) {
  for (int64_t us : {int64_t{0}, int64_t{1}, int64_t{1500}, int64_t{250'000}, int64_t{90'000'000},
                     int64_t{7'200'000'000}}) {
    int64_t parsed = -1;
    std::string error;
    ASSERT_TRUE(ParseDurationUs(FormatDurationUs(us), &parsed, &error)) << FormatDurationUs(us);
    EXPECT_EQ(parsed, us);
  }
  EXPECT_EQ(FormatDurationUs(1500), "1500us");
  EXPECT_EQ(FormatDurationUs(90'000'000), "90s");
  EXPECT_EQ(FormatSizeBytes(65'536), "64KiB");
  EXPECT_EQ(FormatSizeBytes(16'777'215), "16777215B");
  for (uint64_t bytes : {uint64_t{0}, uint64_t{64}, uint64_t{1536}, uint64_t{1} << 30}) {
    uint64_t parsed = 1;
    std::string error;
    ASSERT_TRUE(ParseSizeBytes(FormatSizeBytes(bytes), &parsed, &error));
    EXPECT_EQ(parsed, bytes);
  }
}

}  // namespace
}  // namespace streambench::scenario
