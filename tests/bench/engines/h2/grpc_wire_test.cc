// gRPC's wire pieces over HTTP/2: framing survives any cut into frames, limits and compression
// are errors, grpc-timeout keeps 8 digits and never shortens, grpc-message is percent-decoded,
// and endings without grpc-status map to the statuses gRPC clients report.
#include "bench/engines/h2/grpc_wire.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

namespace streambench::engines::h2 {
namespace {

std::vector<std::string> Messages() {
  std::vector<std::string> out = {"", "a", std::string(5, 'x'), std::string(70000, 'y')};
  for (int i = 0; i < 20; ++i) out.push_back(std::string(static_cast<size_t>(i * 37), 'a' + i));
  return out;
}

TEST(GrpcWireTest, FramedMessagesComeBackWhateverTheCuts) {
  const std::vector<std::string> messages = Messages();
  std::string wire;
  for (const std::string& m : messages) AppendFramedMessage(m, &wire);
  EXPECT_EQ(wire.substr(0, 5), std::string("\0\0\0\0\0", 5));  // the empty message first
  std::mt19937 rng(3);
  for (int round = 0; round < 50; ++round) {
    MessageDeframer deframer(1 << 20);
    std::vector<std::string> got;
    std::string error;
    size_t pos = 0;
    while (pos < wire.size()) {
      const size_t cut = std::min(wire.size() - pos, size_t{1} + rng() % (round < 25 ? 7 : 9000));
      ASSERT_TRUE(deframer.Feed(
          std::string_view(wire).substr(pos, cut), [&](std::string_view m) { got.emplace_back(m); },
          &error))
          << error;
      pos += cut;
    }
    EXPECT_TRUE(deframer.idle());
    EXPECT_EQ(got, messages);
  }
}

TEST(GrpcWireTest, PartialMessageIsNotIdle) {
  std::string wire;
  AppendFramedMessage("hello", &wire);
  MessageDeframer deframer(100);
  std::string error;
  int count = 0;
  ASSERT_TRUE(deframer.Feed(
      std::string_view(wire).substr(0, 7), [&](auto) { ++count; }, &error));
  EXPECT_FALSE(deframer.idle());
  EXPECT_EQ(count, 0);
}

TEST(GrpcWireTest, TooLargeAndCompressedMessagesAreErrors) {
  std::string wire;
  AppendFramedMessage(std::string(101, 'z'), &wire);
  std::string error;
  MessageDeframer small(100);
  EXPECT_FALSE(small.Feed(
      wire, [](auto) {}, &error));
  EXPECT_NE(error.find("101 bytes is over the limit of 100"), std::string::npos) << error;
  MessageDeframer split(100);  // the same, found in the buffered path
  EXPECT_TRUE(split.Feed(
      std::string_view(wire).substr(0, 3), [](auto) {}, &error));
  EXPECT_FALSE(split.Feed(
      std::string_view(wire).substr(3), [](auto) {}, &error));
  std::string compressed("\x01\0\0\0\x01z", 6);
  MessageDeframer deframer(100);
  EXPECT_FALSE(deframer.Feed(
      compressed, [](auto) {}, &error));
  EXPECT_NE(error.find("compressed"), std::string::npos);
}

TEST(GrpcWireTest, TimeoutHeaderRoundsUpWithinEightDigits) {
  using std::chrono::hours;
  using std::chrono::milliseconds;
  using std::chrono::nanoseconds;
  EXPECT_EQ(GrpcTimeoutHeader(nanoseconds(1)), "1n");
  EXPECT_EQ(GrpcTimeoutHeader(nanoseconds(99'999'999)), "99999999n");
  EXPECT_EQ(GrpcTimeoutHeader(nanoseconds(100'000'000)), "100000u");
  EXPECT_EQ(GrpcTimeoutHeader(nanoseconds(100'000'001)), "100001u");  // never shorter
  EXPECT_EQ(GrpcTimeoutHeader(milliseconds(250'000)), "250000m");
  EXPECT_EQ(GrpcTimeoutHeader(hours(48)), "172800S");
  EXPECT_EQ(GrpcTimeoutHeader(nanoseconds(0)), "1n");  // already due: the smallest timeout
  EXPECT_EQ(GrpcTimeoutHeader(nanoseconds(-5)), "1n");
}

TEST(GrpcWireTest, PercentDecoding) {
  EXPECT_EQ(PercentDecode("plain"), "plain");
  EXPECT_EQ(PercentDecode("a%20b%25c"), "a b%c");
  EXPECT_EQ(PercentDecode("%E2%82%AC"), "\xE2\x82\xAC");
  EXPECT_EQ(PercentDecode("bad%2"), "bad%2");
  EXPECT_EQ(PercentDecode("bad%zz"), "bad%zz");
  EXPECT_EQ(PercentDecode("%"), "%");
}

TEST(GrpcWireTest, BinaryMetadataIsBase64UnpaddedOutAndEitherWayIn) {
  EXPECT_TRUE(IsBinaryHeader("x-grpc-test-echo-trailing-bin"));
  EXPECT_FALSE(IsBinaryHeader("x-binary"));
  EXPECT_FALSE(IsBinaryHeader("bin"));
  // RFC 4648's test vectors, without the padding.
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [bytes, text] : vectors) {
    EXPECT_EQ(Base64Encode(bytes), text);
    std::string decoded;
    ASSERT_TRUE(Base64Decode(text, &decoded)) << text;
    EXPECT_EQ(decoded, bytes);
    ASSERT_TRUE(Base64Decode(text + std::string((4 - text.size() % 4) % 4, '='), &decoded));
    EXPECT_EQ(decoded, bytes);
  }
  const std::string all_bytes = [] {
    std::string b;
    for (int i = 0; i < 256; ++i) b.push_back(static_cast<char>(i));
    return b;
  }();
  std::string decoded;
  ASSERT_TRUE(Base64Decode(Base64Encode(all_bytes), &decoded));
  EXPECT_EQ(decoded, all_bytes);
  EXPECT_FALSE(Base64Decode("Zm9v!", &decoded));
  EXPECT_FALSE(Base64Decode("Zm9vY", &decoded));  // 5 characters: no whole byte in the last
  EXPECT_FALSE(Base64Decode("Zg=v", &decoded));
}

TEST(GrpcWireTest, ReservedResponseHeadersAreNotMetadata) {
  for (const char* key : {":status", "content-type", "grpc-status", "grpc-message", "grpc-encoding",
                          "grpc-accept-encoding"}) {
    EXPECT_TRUE(IsReservedResponseHeader(key)) << key;
  }
  for (const char* key : {"x-grpc-test-echo-initial", "grpc-status-details-bin", "date"}) {
    EXPECT_FALSE(IsReservedResponseHeader(key)) << key;
  }
}

TEST(GrpcWireTest, StatusesWithoutGrpcStatus) {
  EXPECT_EQ(StatusFromHttpStatus(400), kInternal);
  EXPECT_EQ(StatusFromHttpStatus(401), kUnauthenticated);
  EXPECT_EQ(StatusFromHttpStatus(403), kPermissionDenied);
  EXPECT_EQ(StatusFromHttpStatus(404), kUnimplemented);
  EXPECT_EQ(StatusFromHttpStatus(503), kUnavailable);
  EXPECT_EQ(StatusFromHttpStatus(500), kUnknown);
  EXPECT_EQ(StatusFromRstStream(0x7), kUnavailable);  // REFUSED_STREAM
  EXPECT_EQ(StatusFromRstStream(0x8), kCancelled);
  EXPECT_EQ(StatusFromRstStream(0xb), kResourceExhausted);
  EXPECT_EQ(StatusFromRstStream(0xc), kPermissionDenied);
  EXPECT_EQ(StatusFromRstStream(0x2), kInternal);
}

}  // namespace
}  // namespace streambench::engines::h2
