// OpQueue: a bounded single-producer / single-consumer ring of intended send times (ns). An
// open-loop worker (the producer) hands a stream the operations the schedule asks for; whoever
// holds the stream's write token (the consumer) takes them one write at a time. Bounded so a
// stalled stream costs a fixed amount of memory: a full queue rejects the push (the caller counts
// the operation as dropped) instead of growing.
// Thread-safety: one producer thread and one consumer thread at a time may run concurrently.
// "One at a time" may be different threads over time as long as a happens-before edge separates
// them (e.g. a write token handed over with acquire/release).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace streambench::drivers {

class OpQueue {
 public:
  // `capacity` is rounded up to a power of two (at least 2).
  explicit OpQueue(size_t capacity) {
    size_t c = 2;
    while (c < capacity) c <<= 1;
    mask_ = c - 1;
    slots_ = std::make_unique<int64_t[]>(c);
  }
  OpQueue(const OpQueue&) = delete;
  OpQueue& operator=(const OpQueue&) = delete;

  // Producer. False when full (nothing stored).
  bool Push(int64_t value) {
    const uint64_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_.load(std::memory_order_acquire) > mask_) return false;
    slots_[tail & mask_] = value;
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  // Consumer. False when empty.
  bool Pop(int64_t* value) {
    const uint64_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_.load(std::memory_order_acquire)) return false;
    *value = slots_[head & mask_];
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
  size_t capacity() const { return mask_ + 1; }

 private:
  size_t mask_ = 0;
  std::unique_ptr<int64_t[]> slots_;
  // Separate cache lines: the producer writes tail_, the consumer head_.
  alignas(64) std::atomic<uint64_t> head_{0};
  alignas(64) std::atomic<uint64_t> tail_{0};
};

}  // namespace streambench::drivers
