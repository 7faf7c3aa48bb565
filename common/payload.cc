#include "common/payload.h"

#include <cassert>

namespace streambench {
namespace {
// Slices start at one of kWindowBytes offsets, so consecutive messages differ.
constexpr size_t kWindowBytes = 4096;
}  // namespace

PayloadSource::PayloadSource(size_t max_size_bytes, uint64_t seed)
    : max_size_bytes_(max_size_bytes) {
  bytes_.resize(max_size_bytes + kWindowBytes);
  // xorshift64*: fast and good enough to make every slice distinct.
  uint64_t x = seed ? seed : 1;
  for (char& c : bytes_) {
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    c = static_cast<char>((x * 0x2545F4914F6CDD1DULL) >> 56);
  }
}

std::string_view PayloadSource::Slice(uint64_t seq, size_t size_bytes) const {
  assert(size_bytes <= max_size_bytes_);
  const size_t offset = static_cast<size_t>((seq * 131u) % kWindowBytes);
  return std::string_view(bytes_.data() + offset, size_bytes);
}

}  // namespace streambench
