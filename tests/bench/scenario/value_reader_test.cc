// ValueReader: one message per value kind, whichever key it reads.
#include "bench/scenario/value_reader.h"

#include <gtest/gtest.h>

namespace streambench::scenario {
namespace {

YamlNode Scalar(const std::string& text) {
  YamlNode node;
  node.kind = YamlNode::Kind::kScalar;
  node.scalar = text;
  node.line = 3;
  node.column = 7;
  return node;
}

// The message a read of `text` fails with ("" when it succeeds).
template <typename Read>
std::string Message(const std::string& text, Read read) {
  Diagnostics diag("t.yaml");
  ValueReader r(&diag);
  const YamlNode node = Scalar(text);
  if (read(r, node)) return "";
  EXPECT_EQ(diag.error().line, 3);
  EXPECT_EQ(diag.error().key, "k");
  return diag.error().message;
}

TEST(ValueReaderTest, RangesSayBetweenOrAtMost) {
  uint64_t n = 0;
  auto uint = [&](ValueReader& r, const YamlNode& v) { return r.Uint(v, "k", 1, 10, &n); };
  EXPECT_EQ(Message("5", uint), "");
  EXPECT_EQ(n, 5u);
  EXPECT_EQ(Message("11", uint), "must be between 1 and 10 (got 11)");
  EXPECT_EQ(Message("-1", uint), "must be between 1 and 10 (got -1)");
  EXPECT_EQ(Message("2.5", uint), "expected a whole number, got `2.5`");
  auto size = [&](ValueReader& r, const YamlNode& v) { return r.Size(v, "k", 0, 1024, &n); };
  EXPECT_EQ(Message("2KiB", size), "must be at most 1KiB (got 2KiB)");
  int64_t us = 0;
  auto duration = [&](ValueReader& r, const YamlNode& v) {
    return r.Duration(v, "k", 1'000'000, &us);
  };
  EXPECT_EQ(Message("2s", duration), "must be at most 1s (got 2s)");
  auto at_least = [&](ValueReader& r, const YamlNode& v) {
    return r.DurationAtLeast(v, "k", 1000, 1'000'000, &us);
  };
  EXPECT_EQ(Message("500us", at_least), "must be at least 1ms (got 500us)");
  double rate = 0;
  auto rate_read = [&](ValueReader& r, const YamlNode& v) { return r.Rate(v, "k", false, &rate); };
  EXPECT_EQ(Message("20M/s", rate_read), "must be at most 10M/s (got 20M/s)");
  EXPECT_EQ(Message("0", rate_read), "must be > 0 (got 0)");
}

TEST(ValueReaderTest, CountsQuoteTextLongerThanTheirDigits) {
  uint32_t n = 0;
  auto count = [&](ValueReader& r, const YamlNode& v) { return r.Count(v, "k", 1, 100, &n, 3); };
  EXPECT_EQ(Message("100", count), "");
  EXPECT_EQ(n, 100u);
  EXPECT_EQ(Message("101", count), "must be a whole number between 1 and 100 (got 101)");
  EXPECT_EQ(Message("1000", count), "must be a whole number between 1 and 100 (got `1000`)");
  EXPECT_EQ(Message("x", count), "must be a whole number between 1 and 100 (got `x`)");
}

TEST(ValueReaderTest, BoolsAreLenientOnlyWhereAsked) {
  bool b = false;
  EXPECT_EQ(
      Message("TRUE", [&](ValueReader& r, const YamlNode& v) { return r.Bool(v, "k", true, &b); }),
      "");
  EXPECT_TRUE(b);
  EXPECT_EQ(
      Message("TRUE", [&](ValueReader& r, const YamlNode& v) { return r.Bool(v, "k", false, &b); }),
      "expected true or false, got `TRUE`");
}

TEST(ValueReaderTest, ChoicesSuggestTheNearestName) {
  size_t index = 0;
  auto choice = [&](ValueReader& r, const YamlNode& v) {
    return r.Choice(v, "k", {"echo", "independent"}, &index);
  };
  EXPECT_EQ(Message("independent", choice), "");
  EXPECT_EQ(index, 1u);
  EXPECT_EQ(Message("ecoh", choice),
            "expected `echo` or `independent`, got `ecoh`; did you mean `echo`?");
}

}  // namespace
}  // namespace streambench::scenario
