#include "common/units.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace streambench {
namespace {

// One text given to a parser, and what it must give back.
template <typename T>
struct Case {
  std::string text;
  bool ok;
  T value;            // when ok
  std::string error;  // when !ok
};

// Runs every case through `parse` (one of the Parse* functions).
template <typename T>
void ExpectCases(bool (*parse)(const std::string&, T*, std::string*),
                 const std::vector<Case<T>>& cases) {
  for (const Case<T>& c : cases) {
    SCOPED_TRACE(c.text);
    T value{};
    std::string error;
    EXPECT_EQ(parse(c.text, &value, &error), c.ok);
    if (!c.ok) {
      EXPECT_EQ(error, c.error);
    } else if constexpr (std::is_floating_point_v<T>) {
      EXPECT_DOUBLE_EQ(value, c.value);
    } else {
      EXPECT_EQ(value, c.value);
    }
  }
}

TEST(UnitsTest, Durations) {
  const std::vector<Case<int64_t>> cases = {
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
  ExpectCases(ParseDurationUs, cases);
}

TEST(UnitsTest, Sizes) {
  const std::string units =
      "expected a size like 64B or 16KiB (units: B, KB, MB, GB, KiB, MiB, GiB)";
  const std::vector<Case<uint64_t>> cases = {
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
  ExpectCases(ParseSizeBytes, cases);
}

TEST(UnitsTest, Rates) {
  const std::string hint =
      "expected a rate like 1000/s, 5k/s or 60/m (per: /s, /m, /h; multipliers: k, M)";
  const std::vector<Case<double>> cases = {
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
  ExpectCases(ParseRatePerS, cases);
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

// The cases the server's flags were tested with when they had their own parser: the one grammar
// accepts and rejects them the same way.
std::optional<uint64_t> Size(const std::string& text) {
  uint64_t bytes = 0;
  std::string error;
  if (!ParseSizeBytes(text, &bytes, &error)) return std::nullopt;
  return bytes;
}

std::optional<int64_t> Duration(const std::string& text) {
  int64_t us = 0;
  std::string error;
  if (!ParseDurationUs(text, &us, &error)) return std::nullopt;
  return us;
}

TEST(UnitsTest, ServerFlagSizes) {
  EXPECT_EQ(Size("65536"), 65536u);
  EXPECT_EQ(Size("64KiB"), 65536u);
  EXPECT_EQ(Size("1MiB"), 1048576u);
  EXPECT_EQ(Size("2GiB"), 2147483648u);
  EXPECT_EQ(Size("10KB"), 10000u);
  EXPECT_EQ(Size("512B"), 512u);
  EXPECT_EQ(Size("1.5KiB"), 1536u);
  EXPECT_FALSE(Size(""));
  EXPECT_FALSE(Size("KiB"));
  EXPECT_FALSE(Size("64kib"));
  EXPECT_FALSE(Size("-1"));
  EXPECT_FALSE(Size("1.3B"));
  EXPECT_FALSE(Size("12x"));
}

TEST(UnitsTest, ServerFlagDurations) {
  EXPECT_EQ(Duration("500us"), 500);
  EXPECT_EQ(Duration("250ms"), 250'000);
  EXPECT_EQ(Duration("10s"), 10'000'000);
  EXPECT_EQ(Duration("1.5s"), 1'500'000);
  EXPECT_EQ(Duration("1m"), 60'000'000);
  EXPECT_EQ(Duration("1h"), 3'600'000'000);
  EXPECT_FALSE(Duration("10"));  // a unit is required
  EXPECT_FALSE(Duration("10d"));
  EXPECT_FALSE(Duration("-1s"));
  EXPECT_FALSE(Duration("s"));
}

// Where the scenario and server grammars differed, the stricter one holds.
TEST(UnitsTest, StricterOfTheFormerGrammars) {
  EXPECT_FALSE(Duration("+5s")) << "no plus sign (the server's)";
  EXPECT_FALSE(Size("+64KiB")) << "no plus sign (the server's)";
  EXPECT_FALSE(Size("5.KiB")) << "no fraction without digits (the scenario's)";
  EXPECT_FALSE(Duration("5.s")) << "no fraction without digits (the scenario's)";
  // At most half of int64 microseconds (the server's), so that adding two durations cannot
  // overflow: 2^62 - 1 us is the largest accepted.
  EXPECT_EQ(Duration("4611686018427387903us"), int64_t{4611686018427387903});
  EXPECT_FALSE(Duration("4611686018427387904us"));
  EXPECT_FALSE(Size("18000000000000000001B")) << "at most 1.8e19 bytes (the scenario's)";
  EXPECT_FALSE(Size("1" + std::string(41, '0') + "B")) << "at most 40 digits (the scenario's)";
}

}  // namespace
}  // namespace streambench
