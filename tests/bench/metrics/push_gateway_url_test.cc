#include "bench/metrics/push_gateway_url.h"

#include <gtest/gtest.h>

namespace streambench::metrics {
namespace {

TEST(ParsePushGatewayUrl, HostAndPort) {
  std::string error;
  auto a = ParsePushGatewayUrl("http://127.0.0.1:9091", &error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->scheme_host, "http://127.0.0.1");
  EXPECT_EQ(a->port, "9091");
}

TEST(ParsePushGatewayUrl, DefaultPortTrailingSlashHttpsAndIpv6) {
  std::string error;
  auto a = ParsePushGatewayUrl("https://push.example/", &error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->scheme_host, "https://push.example");
  EXPECT_EQ(a->port, "9091");
  auto b = ParsePushGatewayUrl("http://[::1]:19091", &error);
  ASSERT_TRUE(b) << error;
  EXPECT_EQ(b->scheme_host, "http://[::1]");
  EXPECT_EQ(b->port, "19091");
}

TEST(ParsePushGatewayUrl, RejectsMalformed) {
  for (const char* bad : {"127.0.0.1:9091", "ftp://h:1", "http://", "http://h:", "http://h:x1",
                          "http://h:70000", "http://h:9091/metrics", "http://[::1"}) {
    std::string error;
    EXPECT_FALSE(ParsePushGatewayUrl(bad, &error)) << bad;
    EXPECT_NE(error.find(bad), std::string::npos) << "error should name the URL: " << error;
  }
}

TEST(GroupingPathSegment, PlainValuesVerbatimOthersBase64Url) {
  EXPECT_EQ(GroupingPathSegment("scenario", "bidi-pingpong_1.0"), "/scenario/bidi-pingpong_1.0");
  // RFC 4648 test vectors (base64url alphabet, padded).
  EXPECT_EQ(GroupingPathSegment("scenario", "f"), "/scenario/f");
  EXPECT_EQ(GroupingPathSegment("s", "fo/"), "/s@base64/Zm8v");
  EXPECT_EQ(GroupingPathSegment("s", "a b"), "/s@base64/YSBi");
  EXPECT_EQ(GroupingPathSegment("s", "?\?>"), "/s@base64/Pz8-");
  EXPECT_EQ(GroupingPathSegment("s", "x y"), "/s@base64/eCB5");
  EXPECT_EQ(GroupingPathSegment("s", "a/"), "/s@base64/YS8=");
  EXPECT_EQ(GroupingPathSegment("s", "/"), "/s@base64/Lw==");
  EXPECT_EQ(GroupingPathSegment("s", ""), "/s@base64/=");
}

}  // namespace
}  // namespace streambench::metrics
