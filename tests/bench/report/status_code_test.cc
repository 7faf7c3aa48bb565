#include <gtest/gtest.h>

#include <set>
#include <string>

#include "bench/report/result.h"

namespace streambench::report {
namespace {

TEST(StatusCodeTest, AllSeventeenCodesHaveTheirGrpcNames) {
  const char* expected[] = {"OK",
                            "CANCELLED",
                            "UNKNOWN",
                            "INVALID_ARGUMENT",
                            "DEADLINE_EXCEEDED",
                            "NOT_FOUND",
                            "ALREADY_EXISTS",
                            "PERMISSION_DENIED",
                            "RESOURCE_EXHAUSTED",
                            "FAILED_PRECONDITION",
                            "ABORTED",
                            "OUT_OF_RANGE",
                            "UNIMPLEMENTED",
                            "INTERNAL",
                            "UNAVAILABLE",
                            "DATA_LOSS",
                            "UNAUTHENTICATED"};
  for (int code = 0; code < 17; ++code) {
    EXPECT_STREQ(StatusCodeName(code), expected[code]) << code;
    EXPECT_EQ(StatusCodeFromName(expected[code]), code) << expected[code];
  }
}

TEST(StatusCodeTest, NamesAreDistinctAndRoundTrip) {
  std::set<std::string> names;
  for (int code = 0; code < 17; ++code) {
    names.insert(StatusCodeName(code));
    EXPECT_EQ(StatusCodeFromName(StatusCodeName(code)), code);
  }
  EXPECT_EQ(names.size(), 17u);
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

}  // namespace
}  // namespace streambench::report
