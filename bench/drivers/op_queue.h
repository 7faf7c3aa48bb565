// OpQueue: a bounded single-producer / single-consumer queue of intended send times (ns). An
// open-loop worker (the producer) hands a stream the operations the schedule asks for; whoever
// holds the stream's write token (the consumer) takes them one write at a time. Bounded so a
// stalled stream costs a bounded amount of memory: a full queue rejects the push (the caller
// counts the operation as dropped) instead of growing.
// Storage grows with the backlog, in chunks of kChunkOps: every stream has a queue, and most hold
// a few operations at a time, so a stream costs one chunk (not its whole bound) until its backlog
// grows. The consumer hands an emptied chunk back for the producer's next one (one kept spare),
// so a backlog that hovers around a chunk boundary does not allocate per operation.
// Thread-safety: one producer thread and one consumer thread at a time may run concurrently.
// "One at a time" may be different threads over time as long as a happens-before edge separates
// them (e.g. a write token handed over with acquire/release).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace streambench::drivers {

class OpQueue {
 public:
  static constexpr size_t kChunkOps = 16;

  // `capacity` is rounded up to a power of two (at least 2).
  explicit OpQueue(size_t capacity) : head_chunk_(new Chunk), tail_chunk_(head_chunk_) {
    size_t c = 2;
    while (c < capacity) c <<= 1;
    capacity_ = c;
  }
  ~OpQueue() {
    while (head_chunk_ != nullptr) {
      Chunk* next = head_chunk_->next.load(std::memory_order_relaxed);
      delete head_chunk_;
      head_chunk_ = next;
    }
    delete spare_.load(std::memory_order_relaxed);
  }
  OpQueue(const OpQueue&) = delete;
  OpQueue& operator=(const OpQueue&) = delete;

  // Producer. False when full (nothing stored).
  bool Push(int64_t value) {
    const uint64_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_.load(std::memory_order_acquire) >= capacity_) return false;
    if (tail_index_ == kChunkOps) {
      Chunk* next = spare_.exchange(nullptr, std::memory_order_acquire);
      if (next == nullptr) next = new Chunk;
      next->next.store(nullptr, std::memory_order_relaxed);
      // Published by the tail_ store below, before the consumer can step onto it.
      tail_chunk_->next.store(next, std::memory_order_release);
      tail_chunk_ = next;
      tail_index_ = 0;
    }
    tail_chunk_->ops[tail_index_++] = value;
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  // Consumer. False when empty.
  bool Pop(int64_t* value) {
    const uint64_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_.load(std::memory_order_acquire)) return false;
    if (head_index_ == kChunkOps) {
      // The producer linked the next chunk before publishing the operation that is in it, and
      // writes only there or beyond: this one is the consumer's alone to hand back.
      Chunk* done = head_chunk_;
      head_chunk_ = done->next.load(std::memory_order_acquire);
      head_index_ = 0;
      delete spare_.exchange(done, std::memory_order_acq_rel);
    }
    *value = head_chunk_->ops[head_index_++];
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  // Either side; a snapshot that may be stale by the time it is used.
  bool Empty() const {
    return head_.load(std::memory_order_seq_cst) == tail_.load(std::memory_order_seq_cst);
  }
  size_t Size() const {
    return static_cast<size_t>(tail_.load(std::memory_order_acquire) -
                               head_.load(std::memory_order_acquire));
  }
  size_t capacity() const { return capacity_; }

 private:
  struct Chunk {
    int64_t ops[kChunkOps];
    std::atomic<Chunk*> next{nullptr};
  };

  size_t capacity_ = 0;
  std::atomic<Chunk*> spare_{nullptr};  // an emptied chunk, for the producer's next
  // The consumer's: the chunk it reads and its position there.
  alignas(64) std::atomic<uint64_t> head_{0};
  Chunk* head_chunk_;
  size_t head_index_ = 0;
  // The producer's: the chunk it writes and its position there.
  alignas(64) std::atomic<uint64_t> tail_{0};
  Chunk* tail_chunk_;
  size_t tail_index_ = 0;
};

}  // namespace streambench::drivers
