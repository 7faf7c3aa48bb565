// WritePump: the "one write in flight per stream" rule of gRPC's callback API, with work arriving
// from another thread. Operations are queued in an OpQueue; a single atomic token says who may
// start the next write. Whoever queues work (an open-loop worker, a read callback in closed loop)
// calls Kick(); the write's completion callback calls Release(). Exactly one party at a time runs
// WorkLocked(), and no wake-up is lost: after giving the token back, the releaser re-checks for
// work that arrived meanwhile.
// A derived pump's HasWork() says whether WorkLocked() has something to do; queued operations it
// cannot send yet (a stream not ready) are not work, so nobody spins on them: whoever makes them
// sendable changes its state, then calls Kick().
// Thread-safety: Submit() from one producer thread at a time; Kick()/Release() from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "bench/drivers/op_queue.h"

namespace streambench::drivers {

class WritePump {
 public:
  // Marks a closed-loop operation: "send now" (the intended time is the actual send time).
  static constexpr int64_t kSendNow = -1;

  // The token starts held (by the constructor's caller), so nothing runs until the owner has set
  // up its stream and calls Release().
  explicit WritePump(size_t queue_capacity) : queue_(queue_capacity) {}
  virtual ~WritePump() = default;

  // Producer: queues one operation and kicks. False when the queue is full (dropped).
  bool Submit(int64_t intended_ns) {
    if (!queue_.Push(intended_ns)) return false;
    Kick();
    return true;
  }

  // Runs WorkLocked() if nobody holds the token, until there is no work or an operation is in
  // flight.
  void Kick();

  // Gives the token back (the holder's operation completed) and runs any pending work.
  void Release() {
    busy_.store(false, std::memory_order_seq_cst);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (HasWork()) Kick();
  }

 protected:
  // Called with the token held. Return true when an asynchronous operation was started (the token
  // stays held until its completion calls Release()), false when there was nothing to do.
  virtual bool WorkLocked() = 0;
  // Whether WorkLocked() would start something now: by default, an operation is queued. A pump
  // with more to do (e.g. a stream that must half-close) or with operations it holds back
  // overrides it; it must be false whenever WorkLocked() would return false, or Kick() spins.
  // Read without the token.
  virtual bool HasWork() const { return !queue_.Empty(); }

  OpQueue& queue() { return queue_; }
  const OpQueue& queue() const { return queue_; }

 private:
  OpQueue queue_;
  std::atomic<bool> busy_{true};
};

}  // namespace streambench::drivers
