#include "bench/criteria/expression_text.h"

#include <gtest/gtest.h>

namespace streambench::criteria {
namespace {

TEST(ExpressionTextTest, TrimsOnlyTheGivenBlanksAtBothEnds) {
  EXPECT_EQ(TrimChars("  error_rate < 1% \t", " \t"), "error_rate < 1%");
  EXPECT_EQ(TrimChars("a b", " \t"), "a b") << "inner blanks stay";
  EXPECT_EQ(TrimChars("10%\n", " \t"), "10%\n") << "a line end is not a blank unless asked";
  EXPECT_EQ(TrimChars("\r\n10%\r\n", " \t\r\n"), "10%");
  EXPECT_EQ(TrimChars(" \t ", " \t"), "");
  EXPECT_EQ(TrimChars("", " \t"), "");
}

TEST(ExpressionTextTest, PrintableReplacesControlBytesOnly) {
  EXPECT_EQ(Printable("p99 < 5ms"), "p99 < 5ms");
  EXPECT_EQ(Printable("a\nb\x1b[31m\x7f"), "a?b?[31m?");
  EXPECT_EQ(Printable("\xC2\xB5s"), "\xC2\xB5s") << "UTF-8 (µs) is not a control byte";
}

}  // namespace
}  // namespace streambench::criteria
