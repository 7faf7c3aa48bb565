// Outbox: a subscriber's or chat member's outgoing messages, filled by the topic hub or the room
// and drained by the reactor one write at a time. Bounded: when it is full the newest message is
// dropped and counted (the count travels in-stream), so a slow reader costs server memory only up
// to the bound. Messages are shared with every other recipient, never copied per recipient.
// Thread-safety: not thread-safe; the owning reactor guards it with its mutex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <utility>

namespace streambench::workloads {

template <typename Message>
class Outbox {
 public:
  explicit Outbox(size_t capacity_messages) : capacity_messages_(capacity_messages) {}

  // Queues `message`, or drops and counts it when the outbox is full; true when queued.
  bool Offer(std::shared_ptr<const Message> message) {
    if (queue_.size() >= capacity_messages_) {
      ++dropped_;
      return false;
    }
    queue_.push_back(std::move(message));
    return true;
  }

  // The oldest queued message; requires !empty().
  std::shared_ptr<const Message> Take() {
    std::shared_ptr<const Message> message = std::move(queue_.front());
    queue_.pop_front();
    return message;
  }

  bool empty() const { return queue_.empty(); }
  // Messages dropped so far because the outbox was full.
  uint64_t dropped() const { return dropped_; }

 private:
  const size_t capacity_messages_;
  std::deque<std::shared_ptr<const Message>> queue_;
  uint64_t dropped_ = 0;
};

}  // namespace streambench::workloads
