// Payload bytes for streambench messages: deterministic, varied per message (so a misplaced or
// stale buffer is caught by the checksum), and cheap to produce on the hot path.
// Thread-safe: PayloadSource is immutable after construction and shared by reference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace streambench {

class PayloadSource {
 public:
  // `max_size_bytes`: the largest payload Slice() may be asked for.
  explicit PayloadSource(size_t max_size_bytes, uint64_t seed = 0x5EED5EEDu);

  // A view of `size_bytes` pseudo-random bytes whose start depends on `seq`; no copy, no
  // allocation. Valid while this PayloadSource lives. Requires size_bytes <= max_size_bytes().
  std::string_view Slice(uint64_t seq, size_t size_bytes) const;

  size_t max_size_bytes() const { return max_size_bytes_; }

 private:
  size_t max_size_bytes_;
  std::string bytes_;  // max_size_bytes_ + kWindowBytes pseudo-random bytes
};

}  // namespace streambench
