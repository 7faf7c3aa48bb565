// SessionMemory: the allocator one nghttp2 session uses (nghttp2_mem). nghttp2 allocates a few
// small blocks per stream (its stream, the queued frames, a copy of the request headers) and
// frees them when the stream ends; recycling them through free lists by size class, instead of
// the C heap, takes the allocator off the per-call path. Blocks above the largest class go to
// the heap. Each class keeps at most a bounded number of free blocks, so memory a burst of
// streams took goes back to the heap rather than staying with the connection.
// Thread-safety: not thread-safe; a session is used by one thread (its connection's loop).
#pragma once

#include <nghttp2/nghttp2.h>

#include <array>
#include <cstddef>
#include <cstdint>

namespace streambench::engines::h2 {

class SessionMemory {
 public:
  SessionMemory();
  ~SessionMemory();  // frees the free lists; every block must have been freed by then
  SessionMemory(const SessionMemory&) = delete;
  SessionMemory& operator=(const SessionMemory&) = delete;

  // For nghttp2_session_client_new3; valid while this object lives.
  nghttp2_mem* mem() { return &mem_; }

  void* Allocate(size_t bytes);
  void Free(void* block);
  void* Reallocate(void* block, size_t bytes);

  // Blocks handed out and not freed, and blocks waiting in the free lists (for tests).
  size_t blocks_in_use() const { return blocks_in_use_; }
  size_t blocks_free() const;

  static constexpr size_t kClassCount = 6;  // 64 B .. 2 KiB, doubling
  static constexpr size_t kMaxFreeBlocksPerClass = 1024;

 private:
  struct FreeBlock {
    FreeBlock* next;
  };

  nghttp2_mem mem_;
  std::array<FreeBlock*, kClassCount> free_{};
  std::array<size_t, kClassCount> free_count_{};
  size_t blocks_in_use_ = 0;
};

}  // namespace streambench::engines::h2
