// WritePump: the "one write in flight per stream" rule of gRPC's callback API, with work arriving
// from another thread. Operations are queued in an OpQueue; a single atomic token says who may
// start the next write. Whoever queues work (an open-loop worker, a read callback in closed loop)
// calls Kick(); the write's completion callback calls Release(). Exactly one party at a time runs
// WorkLocked(), and no wake-up is lost: after giving the token back, the releaser re-checks for
// work that arrived meanwhile.
// `Derived` (the pump's owner, a stream or slot) provides the work; the pump calls it directly
// (CRTP: no virtual call per message), so a Derived that keeps them private befriends
// WritePump<Derived>:
//   bool WorkLocked();     called with the token held. True when an asynchronous operation was
//                          started (the token stays held until its completion calls Release()),
//                          false when there was nothing to do.
//   bool HasWork() const;  optional: whether WorkLocked() would start something now; by
//                          default, an operation is queued. Read without the token. It must be
//                          false whenever WorkLocked() would return false, or Kick() spins: so
//                          queued operations a stream cannot send yet (not ready) are not work,
//                          and whoever makes them sendable changes its state, then calls Kick().
// Thread-safety: Submit() from one producer thread at a time; Kick()/Release() from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "bench/drivers/op_queue.h"

namespace streambench::drivers {

template <class Derived>
class WritePump {
 public:
  // Marks a closed-loop operation: "send now" (the intended time is the actual send time).
  static constexpr int64_t kSendNow = -1;

  // The token starts held (by the constructor's caller), so nothing runs until the owner has set
  // up its stream and calls Release().
  explicit WritePump(size_t queue_capacity) : queue_(queue_capacity) {}
  WritePump(const WritePump&) = delete;
  WritePump& operator=(const WritePump&) = delete;

  // Producer: queues one operation and kicks. False when the queue is full (dropped).
  bool Submit(int64_t intended_ns) {
    if (!queue_.Push(intended_ns)) return false;
    Kick();
    return true;
  }

  // Runs WorkLocked() if nobody holds the token, until there is no work or an operation is in
  // flight.
  void Kick() {
    // seq_cst on the token and on the work check: a producer that queues (or changes state) then
    // fails to take the token is guaranteed that the holder's re-check after releasing sees it.
    while (true) {
      std::atomic_thread_fence(std::memory_order_seq_cst);
      if (busy_.exchange(true, std::memory_order_seq_cst)) return;
      if (self().WorkLocked()) return;
      busy_.store(false, std::memory_order_seq_cst);
      std::atomic_thread_fence(std::memory_order_seq_cst);
      if (!self().HasWork()) return;
    }
  }

  // Gives the token back (the holder's operation completed) and runs any pending work.
  void Release() {
    busy_.store(false, std::memory_order_seq_cst);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (self().HasWork()) Kick();
  }

 protected:
  ~WritePump() = default;

  // The default HasWork(): an operation is queued.
  bool HasWork() const { return !queue_.Empty(); }

  OpQueue& queue() { return queue_; }
  const OpQueue& queue() const { return queue_; }

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
  const Derived& self() const { return static_cast<const Derived&>(*this); }

  OpQueue queue_;
  std::atomic<bool> busy_{true};
};

}  // namespace streambench::drivers
