#include "bench/engines/h2/session_memory.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace streambench::engines::h2 {
namespace {

// Each block starts with a header that says its class, so Free and Reallocate know its size;
// 16 bytes keep the caller's part as aligned as malloc's.
constexpr size_t kHeaderBytes = 16;
constexpr size_t kSmallestClassBytes = 64;
constexpr uint32_t kHeapClass = UINT32_MAX;  // a block from the heap, above every class

constexpr size_t ClassBytes(uint32_t size_class) { return kSmallestClassBytes << size_class; }

uint32_t ClassFor(size_t bytes) {
  for (uint32_t c = 0; c < SessionMemory::kClassCount; ++c) {
    if (bytes <= ClassBytes(c)) return c;
  }
  return kHeapClass;
}

uint32_t& ClassOf(void* block) {
  return *reinterpret_cast<uint32_t*>(static_cast<char*>(block) - kHeaderBytes);
}
size_t& HeapBytesOf(void* block) {
  return *reinterpret_cast<size_t*>(static_cast<char*>(block) - kHeaderBytes + sizeof(size_t));
}

}  // namespace

SessionMemory::SessionMemory() {
  mem_.mem_user_data = this;
  mem_.malloc = [](size_t bytes, void* self) {
    return static_cast<SessionMemory*>(self)->Allocate(bytes);
  };
  mem_.free = [](void* block, void* self) { static_cast<SessionMemory*>(self)->Free(block); };
  mem_.calloc = [](size_t count, size_t bytes, void* self) -> void* {
    if (bytes != 0 && count > SIZE_MAX / bytes) return nullptr;
    void* block = static_cast<SessionMemory*>(self)->Allocate(count * bytes);
    if (block != nullptr) std::memset(block, 0, count * bytes);
    return block;
  };
  mem_.realloc = [](void* block, size_t bytes, void* self) {
    return static_cast<SessionMemory*>(self)->Reallocate(block, bytes);
  };
}

SessionMemory::~SessionMemory() {
  for (FreeBlock*& head : free_) {
    while (head != nullptr) {
      FreeBlock* next = head->next;
      std::free(reinterpret_cast<char*>(head) - kHeaderBytes);
      head = next;
    }
  }
}

void* SessionMemory::Allocate(size_t bytes) {
  const uint32_t size_class = ClassFor(bytes);
  void* block;
  if (size_class != kHeapClass && free_[size_class] != nullptr) {
    FreeBlock* head = free_[size_class];
    free_[size_class] = head->next;
    --free_count_[size_class];
    block = head;
  } else {
    const size_t usable = size_class == kHeapClass ? bytes : ClassBytes(size_class);
    char* raw = static_cast<char*>(std::malloc(kHeaderBytes + usable));
    if (raw == nullptr) return nullptr;
    block = raw + kHeaderBytes;
    ClassOf(block) = size_class;
    if (size_class == kHeapClass) HeapBytesOf(block) = bytes;
  }
  ++blocks_in_use_;
  return block;
}

void SessionMemory::Free(void* block) {
  if (block == nullptr) return;
  --blocks_in_use_;
  const uint32_t size_class = ClassOf(block);
  if (size_class == kHeapClass || free_count_[size_class] >= kMaxFreeBlocksPerClass) {
    std::free(static_cast<char*>(block) - kHeaderBytes);
    return;
  }
  auto* freed = static_cast<FreeBlock*>(block);
  freed->next = free_[size_class];
  free_[size_class] = freed;
  ++free_count_[size_class];
}

void* SessionMemory::Reallocate(void* block, size_t bytes) {
  if (block == nullptr) return Allocate(bytes);
  const uint32_t size_class = ClassOf(block);
  const size_t usable = size_class == kHeapClass ? HeapBytesOf(block) : ClassBytes(size_class);
  if (bytes <= usable && size_class != kHeapClass) return block;
  void* moved = Allocate(bytes);
  if (moved == nullptr) return nullptr;  // nghttp2 keeps the old block, as with realloc
  std::memcpy(moved, block, usable < bytes ? usable : bytes);
  Free(block);
  return moved;
}

size_t SessionMemory::blocks_free() const {
  size_t total = 0;
  for (size_t count : free_count_) total += count;
  return total;
}

}  // namespace streambench::engines::h2
