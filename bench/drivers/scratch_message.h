// ScratchMessage<M>: a message that lives within one callback (a response parsed, read and
// dropped; a request filled and serialized), on its thread's protobuf arena. Its submessages and
// its strings' objects then cost no allocation (a string's bytes beyond the small-string buffer
// still do), where a message kept in the call costs a few per call, or per message for a reused
// one (proto3's Clear frees submessages). The arena is reset when the last scratch message of
// the thread goes: they may nest (a response's callback that starts the next request).
// Internal to the drivers module.
// Thread-safety: each thread has its own arena.
#pragma once

#include <google/protobuf/arena.h>

#include <cstddef>
#include <memory>

namespace streambench::drivers {

inline google::protobuf::ArenaOptions ScratchArenaOptions(char* initial_block, size_t bytes) {
  google::protobuf::ArenaOptions options;
  options.initial_block = initial_block;
  options.initial_block_size = bytes;
  return options;
}
// How many ScratchMessages of the calling thread are alive.
inline int& ThreadScratchDepth() {
  thread_local int depth = 0;
  return depth;
}
// The calling thread's scratch arena: an initial block of its own, so the common small message
// takes nothing from the heap; larger ones take blocks that the next Reset frees.
inline google::protobuf::Arena& ThreadScratchArena() {
  constexpr size_t kInitialBlockBytes = 4096;
  // On the heap, not a thread_local array: static TLS is carved from every thread's stack,
  // including threads with small stacks (civetweb's). Made before the arena, so it outlives it.
  thread_local const std::unique_ptr<char[]> initial_block(new char[kInitialBlockBytes]);
  thread_local google::protobuf::Arena arena(
      ScratchArenaOptions(initial_block.get(), kInitialBlockBytes));
  return arena;
}

template <class M>
class ScratchMessage {
 public:
  ScratchMessage() : message_(google::protobuf::Arena::CreateMessage<M>(&ThreadScratchArena())) {
    ++ThreadScratchDepth();
  }
  ~ScratchMessage() {
    if (--ThreadScratchDepth() == 0) ThreadScratchArena().Reset();
  }
  ScratchMessage(const ScratchMessage&) = delete;
  ScratchMessage& operator=(const ScratchMessage&) = delete;

  M* get() { return message_; }
  M& operator*() { return *message_; }
  M* operator->() { return message_; }

 private:
  M* const message_;
};

}  // namespace streambench::drivers
