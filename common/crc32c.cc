#include "common/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace streambench {
namespace {

constexpr uint32_t kPolynomialReversed = 0x82F63B78u;

// Byte-at-a-time table, built once at compile time.
constexpr std::array<uint32_t, 256> MakeTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? kPolynomialReversed : 0u);
    table[i] = crc;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kTable = MakeTable();

// The CRC register after `n` more bytes (no pre/post inversion).
uint32_t UpdateTable(uint32_t crc, const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) crc = kTable[(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
  return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t UpdateHardware(uint32_t crc32, const uint8_t* p,
                                                          size_t n) {
  uint64_t crc = crc32;
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, sizeof(word));  // unaligned-safe load
    crc = _mm_crc32_u64(crc, word);
    p += 8;
    n -= 8;
  }
  crc32 = static_cast<uint32_t>(crc);
  while (n > 0) {
    crc32 = _mm_crc32_u8(crc32, *p++);
    --n;
  }
  return crc32;
}

// Interleaving: a buffer is cut into chunks of three lanes of kLaneBytes, each lane with its own
// crc32 chain, so the CPU runs three independent instructions per cycle instead of waiting on
// one. The register is linear in its starting value: after lanes A, B, C it is
// Shift(crc_A, 2 lanes) ^ Shift(crc_B, 1 lane) ^ crc_C, where crc_B and crc_C started at zero
// and Shift(x, n) is x advanced over n zero bytes. Shift is a fixed linear map of 32 bits, applied
// through four 256-entry tables (one per byte of x).
constexpr size_t kLaneBytes = 2048;

struct ShiftTables {
  uint32_t by_one_lane[4][256];
  uint32_t by_two_lanes[4][256];
};

uint32_t Apply(const uint32_t (&table)[4][256], uint32_t x) {
  return table[0][x & 0xFFu] ^ table[1][(x >> 8) & 0xFFu] ^ table[2][(x >> 16) & 0xFFu] ^
         table[3][x >> 24];
}

// Built once from the images of the 32 basis vectors (each advanced over zero bytes), so start-up
// costs 64 x 2 lanes of crc32 instructions, not a table entry's worth each.
const ShiftTables& GetShiftTables() {
  static const ShiftTables tables = [] {
    static const uint8_t kZeros[kLaneBytes] = {};
    uint32_t one[32], two[32];
    for (int bit = 0; bit < 32; ++bit) {
      one[bit] = UpdateHardware(1u << bit, kZeros, kLaneBytes);
      two[bit] = UpdateHardware(one[bit], kZeros, kLaneBytes);
    }
    ShiftTables t{};
    for (int k = 0; k < 4; ++k) {
      for (uint32_t b = 0; b < 256; ++b) {
        for (int bit = 0; bit < 8; ++bit) {
          if ((b >> bit) & 1u) {
            t.by_one_lane[k][b] ^= one[8 * k + bit];
            t.by_two_lanes[k][b] ^= two[8 * k + bit];
          }
        }
      }
    }
    return t;
  }();
  return tables;
}

__attribute__((target("sse4.2"))) uint32_t UpdateInterleaved(uint32_t crc32, const uint8_t* p,
                                                             size_t n) {
  if (n < 3 * kLaneBytes) return UpdateHardware(crc32, p, n);
  const ShiftTables& tables = GetShiftTables();
  uint64_t a = crc32;
  while (n >= 3 * kLaneBytes) {
    uint64_t b = 0, c = 0;
    const uint8_t* pb = p + kLaneBytes;
    const uint8_t* pc = p + 2 * kLaneBytes;
    for (size_t i = 0; i < kLaneBytes; i += 8) {
      uint64_t wa, wb, wc;
      std::memcpy(&wa, p + i, 8);
      std::memcpy(&wb, pb + i, 8);
      std::memcpy(&wc, pc + i, 8);
      a = _mm_crc32_u64(a, wa);
      b = _mm_crc32_u64(b, wb);
      c = _mm_crc32_u64(c, wc);
    }
    a = Apply(tables.by_two_lanes, static_cast<uint32_t>(a)) ^
        Apply(tables.by_one_lane, static_cast<uint32_t>(b)) ^ static_cast<uint32_t>(c);
    p += 3 * kLaneBytes;
    n -= 3 * kLaneBytes;
  }
  return UpdateHardware(static_cast<uint32_t>(a), p, n);
}

bool CpuHasSse42() {
  static const bool has = __builtin_cpu_supports("sse4.2");
  return has;
}
#endif

using UpdateFn = uint32_t (*)(uint32_t crc, const uint8_t* p, size_t n);

// CRC-32C (initial and final inversion, as the standard defines it) with `sse42_update` where the
// CPU has SSE4.2, with the table otherwise.
uint32_t Checksum([[maybe_unused]] UpdateFn sse42_update, const void* data, size_t size_bytes) {
  UpdateFn update = UpdateTable;
#if defined(__x86_64__)
  if (CpuHasSse42()) update = sse42_update;
#endif
  return update(0xFFFFFFFFu, static_cast<const uint8_t*>(data), size_bytes) ^ 0xFFFFFFFFu;
}

#if defined(__x86_64__)
constexpr UpdateFn kInterleaved = UpdateInterleaved;
constexpr UpdateFn kSingleChain = UpdateHardware;
#else
constexpr UpdateFn kInterleaved = UpdateTable;
constexpr UpdateFn kSingleChain = UpdateTable;
#endif

}  // namespace

uint32_t Crc32c(const void* data, size_t size_bytes) {
  return Checksum(kInterleaved, data, size_bytes);
}

uint32_t Crc32cPortable(const void* data, size_t size_bytes) {
  return Checksum(UpdateTable, data, size_bytes);
}

uint32_t Crc32cSingleChain(const void* data, size_t size_bytes) {
  return Checksum(kSingleChain, data, size_bytes);
}

}  // namespace streambench
