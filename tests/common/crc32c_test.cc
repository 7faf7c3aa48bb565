// CRC-32C: the published check values, and the fast paths (one chain, three interleaved chains)
// equal to the byte-at-a-time table on every length around the interleaving's boundaries and at
// every alignment.
#include "common/crc32c.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace streambench {
namespace {

TEST(Crc32cTest, KnownCheckValues) {
  // RFC 3720 (iSCSI) appendix B.4 and the usual "123456789" check value.
  EXPECT_EQ(Crc32c(std::string("123456789")), 0xE3069283u);
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(std::string(32, '\xFF')), 0x62A8AB43u);
  std::string ascending(32, '\0');
  for (int i = 0; i < 32; ++i) ascending[i] = static_cast<char>(i);
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(Crc32c(std::string()), 0u);
  EXPECT_EQ(Crc32cPortable("123456789", 9), 0xE3069283u);
}

std::vector<uint8_t> RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> bytes(n);
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
  return bytes;
}

TEST(Crc32cTest, FastPathsEqualTheTableOnEveryBoundary) {
  // Three lanes of 2 KiB make one interleaved chunk: lengths around 1, 2 and 3 chunks, plus
  // small and odd sizes, at every alignment of the start.
  const std::vector<uint8_t> bytes = RandomBytes(3 * 6144 + 64, 7);
  std::vector<size_t> lengths = {0, 1, 7, 8, 9, 63, 64, 65, 1000, 2048, 4096, 6143, 6144, 6145};
  for (size_t base : {size_t{6144}, size_t{12288}, size_t{18432}}) {
    for (size_t d = 0; d < 16; ++d) {
      lengths.push_back(base - 8 + d);
    }
  }
  for (size_t offset = 0; offset < 8; ++offset) {
    for (size_t n : lengths) {
      if (offset + n > bytes.size()) continue;
      const uint8_t* p = bytes.data() + offset;
      const uint32_t expected = Crc32cPortable(p, n);
      EXPECT_EQ(Crc32c(p, n), expected) << "offset " << offset << ", " << n << " bytes";
      EXPECT_EQ(Crc32cSingleChain(p, n), expected) << "offset " << offset << ", " << n << " bytes";
    }
  }
}

TEST(Crc32cTest, OneMebibyteAndAFlippedBit) {
  std::vector<uint8_t> bytes = RandomBytes(1 << 20, 11);
  const uint32_t crc = Crc32c(bytes.data(), bytes.size());
  EXPECT_EQ(crc, Crc32cPortable(bytes.data(), bytes.size()));
  // A single flipped bit anywhere (here: inside the middle lane of a chunk) changes the CRC.
  bytes[6144 * 40 + 3000] ^= 0x10;
  EXPECT_NE(Crc32c(bytes.data(), bytes.size()), crc);
  EXPECT_EQ(Crc32c(bytes.data(), bytes.size()), Crc32cPortable(bytes.data(), bytes.size()));
}

}  // namespace
}  // namespace streambench
