#include "common/status_names.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace streambench {
namespace {

// Every code in range has a canonical name of its own that maps back to it; the known values
// below pin the table to gRPC's numbering without repeating it here.
TEST(StatusCodeTest, NamesAreDistinctAndRoundTrip) {
  std::set<std::string> names;
  for (int code = 0; code < 17; ++code) {
    const std::string name = StatusCodeName(code);
    EXPECT_EQ(name.rfind("CODE_", 0), std::string::npos) << code << " has a canonical name";
    names.insert(name);
    EXPECT_EQ(StatusCodeFromName(name), code) << name;
  }
  EXPECT_EQ(names.size(), 17u);
}

TEST(StatusCodeTest, KnownCodesHaveTheirGrpcNames) {
  EXPECT_STREQ(StatusCodeName(0), "OK");
  EXPECT_STREQ(StatusCodeName(4), "DEADLINE_EXCEEDED");
  EXPECT_STREQ(StatusCodeName(14), "UNAVAILABLE");
  EXPECT_STREQ(StatusCodeName(16), "UNAUTHENTICATED");  // the last one
}

TEST(StatusCodeTest, OutOfRangeCodesGetStableNumericNames) {
  const char* name = StatusCodeName(42);
  EXPECT_STREQ(name, "CODE_42");
  EXPECT_EQ(StatusCodeName(42), name) << "the pointer stays valid and is reused";
  EXPECT_STREQ(StatusCodeName(-1), "CODE_-1");
  EXPECT_STREQ(StatusCodeName(17), "CODE_17");
}

TEST(StatusCodeTest, UnknownNamesAreMinusOne) {
  EXPECT_EQ(StatusCodeFromName("ok"), -1) << "names are case-sensitive, like gRPC's";
  EXPECT_EQ(StatusCodeFromName(""), -1);
  EXPECT_EQ(StatusCodeFromName("UNAVAILABLE "), -1);
  EXPECT_EQ(StatusCodeFromName("CODE_42"), -1);
}

TEST(StatusCodeTest, NameListIsTheTableInCodeOrder) {
  const std::vector<std::string>& names = StatusCodeNames();
  ASSERT_EQ(names.size(), static_cast<size_t>(kStatusCodeCount));
  for (int code = 0; code < kStatusCodeCount; ++code) EXPECT_EQ(names[code], StatusCodeName(code));
}

// Where a code must be one of the 17 (counters, Prometheus labels), an out-of-range code counts
// as UNKNOWN, as gRPC reads it; that is the server's and the generator's label for it.
TEST(StatusCodeTest, OutOfRangeCodesCountAsUnknown) {
  EXPECT_EQ(StatusCodeOrUnknown(0), 0);
  EXPECT_EQ(StatusCodeOrUnknown(16), 16);
  EXPECT_EQ(StatusCodeOrUnknown(17), kStatusCodeUnknown);
  EXPECT_EQ(StatusCodeOrUnknown(-1), kStatusCodeUnknown);
  EXPECT_STREQ(StatusCodeName(StatusCodeOrUnknown(42)), "UNKNOWN");
  EXPECT_TRUE(IsStatusCodeInRange(16));
  EXPECT_FALSE(IsStatusCodeInRange(17));
}

}  // namespace
}  // namespace streambench
