// CRC-32C (Castagnoli), the checksum every streambench message carries over its payload.
// Uses the SSE4.2 crc32 instruction when the CPU has it (three interleaved chains on long buffers,
// since one chain waits on the instruction's 3-cycle latency), a table otherwise.
// Thread-safe: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace streambench {

// Returns the CRC-32C of `size_bytes` bytes at `data`.
uint32_t Crc32c(const void* data, size_t size_bytes);

inline uint32_t Crc32c(std::string_view bytes) { return Crc32c(bytes.data(), bytes.size()); }

// The byte-at-a-time table version, whatever the CPU: the reference the fast path is tested
// against.
uint32_t Crc32cPortable(const void* data, size_t size_bytes);

// The SSE4.2 version with a single chain (the fast path before interleaving), for the
// micro-benchmark's before/after; the portable version on CPUs without SSE4.2.
uint32_t Crc32cSingleChain(const void* data, size_t size_bytes);

}  // namespace streambench
