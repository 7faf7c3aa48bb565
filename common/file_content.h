// FileContent: the deterministic content of a generated file ("gen:<seed>:<size>"), so the
// Download side of the server can produce any file of any size without storing it and a client
// can verify every byte it receives (or produce an upload) from the seed alone.
// Byte i of a file is byte (i % 8) of SplitMix64(seed, i / 8): any range can be produced
// independently, so chunks of any size give the same content.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace streambench::workloads {

// Writes bytes [offset_bytes, offset_bytes + size) of the file with `seed` into `out`.
void FillFileContent(uint64_t seed, uint64_t offset_bytes, char* out, size_t size);

// The same, returned as a string.
std::string FileContent(uint64_t seed, uint64_t offset_bytes, size_t size);

// SHA-256 (32 bytes) of the whole file of `size_bytes` with `seed`, hashed in 1 MiB pieces.
std::string FileSha256(uint64_t seed, uint64_t size_bytes);

// "gen:<seed>:<size_bytes>".
std::string GeneratedFileId(uint64_t seed, uint64_t size_bytes);

// Parses a "gen:<seed>:<size_bytes>" id (decimal numbers); false for anything else.
bool ParseGeneratedFileId(const std::string& id, uint64_t* seed, uint64_t* size_bytes);

}  // namespace streambench::workloads
