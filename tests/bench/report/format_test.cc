#include "bench/report/format.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace streambench::report {
namespace {

struct Spelling {
  double value;
  const char* text;
};

// Each value as `format` spells it.
template <typename Format>
void ExpectSpelled(Format format, std::initializer_list<Spelling> spellings) {
  for (const Spelling& s : spellings) EXPECT_EQ(format(s.value), s.text) << s.value;
}

TEST(FormatTest, LatencyPicksAUnitWithThreeSignificantDigits) {
  ExpectSpelled(FormatLatencyUs, {{0, "0us"},
                                  {0.85, "850ns"},
                                  {12.34, "12.3us"},
                                  {999, "999us"},
                                  {1250, "1.25ms"},
                                  {45600, "45.6ms"},
                                  {2.5e6, "2.50s"}});
}

TEST(FormatTest, Percent) {
  ExpectSpelled(FormatPercent,
                {{0, "0%"}, {0.1234, "12.3%"}, {0.05, "5.00%"}, {0.0001, "0.01%"}, {1, "100.0%"}});
}

TEST(FormatTest, CountsRatesBytesNumbers) {
  ExpectSpelled([](double v) { return FormatCount(static_cast<uint64_t>(v)); },
                {{0, "0"}, {999, "999"}, {1000, "1,000"}, {1234567, "1,234,567"}});
  ExpectSpelled(FormatRate, {{9.756, "9.76"}, {950, "950"}, {12345, "12.3k"}, {2.5e6, "2.50M"}});
  ExpectSpelled(FormatBytes, {{512, "512 B"}, {2048, "2.00 KiB"}, {3.5 * 1024 * 1024, "3.50 MiB"}});
  ExpectSpelled([](double v) { return FormatNumber(v); }, {{0.5, "0.5"}, {12, "12"}});
  EXPECT_EQ(FormatNumber(10.25, 3), "10.2");
}

}  // namespace
}  // namespace streambench::report
