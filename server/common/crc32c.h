// CRC-32C (Castagnoli), the checksum every streambench message carries over its payload.
// Uses the SSE4.2 crc32 instruction when the CPU has it, a table otherwise.
// Thread-safe: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace streambench {

// Returns the CRC-32C of `size_bytes` bytes at `data`.
uint32_t Crc32c(const void* data, size_t size_bytes);

inline uint32_t Crc32c(std::string_view bytes) { return Crc32c(bytes.data(), bytes.size()); }

}  // namespace streambench
