#include "common/file_content.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string_view>

#include "common/sha256.h"

namespace streambench::workloads {
namespace {

uint64_t Word(uint64_t seed, uint64_t index) {
  uint64_t z = seed * 0x9E3779B97F4A7C15ull + index + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

bool ParseU64(std::string_view text, uint64_t* out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

void FillFileContent(uint64_t seed, uint64_t offset_bytes, char* out, size_t size) {
  uint64_t pos = offset_bytes;
  const uint64_t end = offset_bytes + size;
  // Leading partial word, then whole words, then a trailing partial word.
  while (pos < end) {
    const uint64_t word = Word(seed, pos / 8);
    const size_t in_word = pos % 8;
    const size_t take = static_cast<size_t>(std::min<uint64_t>(8 - in_word, end - pos));
    unsigned char bytes[8];
    for (int b = 0; b < 8; ++b) bytes[b] = static_cast<unsigned char>(word >> (8 * b));
    std::memcpy(out + (pos - offset_bytes), bytes + in_word, take);
    pos += take;
  }
}

std::string FileContent(uint64_t seed, uint64_t offset_bytes, size_t size) {
  std::string out(size, '\0');
  FillFileContent(seed, offset_bytes, out.data(), size);
  return out;
}

std::string FileSha256(uint64_t seed, uint64_t size_bytes) {
  constexpr size_t kPiece = 1 << 20;
  Sha256 sha;
  std::string piece;
  for (uint64_t offset = 0; offset < size_bytes; offset += kPiece) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kPiece, size_bytes - offset));
    piece.resize(n);
    FillFileContent(seed, offset, piece.data(), n);
    sha.Update(piece);
  }
  return sha.Finish();
}

std::string GeneratedFileId(uint64_t seed, uint64_t size_bytes) {
  return "gen:" + std::to_string(seed) + ":" + std::to_string(size_bytes);
}

bool ParseGeneratedFileId(const std::string& id, uint64_t* seed, uint64_t* size_bytes) {
  std::string_view rest(id);
  if (rest.substr(0, 4) != "gen:") return false;
  rest.remove_prefix(4);
  const size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return false;
  return ParseU64(rest.substr(0, colon), seed) && ParseU64(rest.substr(colon + 1), size_bytes);
}

}  // namespace streambench::workloads
