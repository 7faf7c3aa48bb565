// LiveCalls: how many of one service's reactors are alive (calls in progress, plus finished ones
// whose OnDone or alarm callbacks are still to run), so the service can wait for none before it is
// destroyed and tests can prove that nothing leaks.
// Thread-safety: thread-safe; Created/Deleted are called by reactors on gRPC's threads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace streambench {

class LiveCalls {
 public:
  // Reactors alive now; back to 0 once every call has ended.
  int64_t count() const { return count_.load(std::memory_order_acquire); }

  // Waits until count() is 0 or `timeout` passes; true when idle.
  bool WaitUntilIdle(std::chrono::milliseconds timeout);

  // A reactor was created / is being deleted (once per call, never per message).
  void Created() { count_.fetch_add(1, std::memory_order_acq_rel); }
  void Deleted();

 private:
  std::atomic<int64_t> count_{0};
  std::mutex mu_;  // with idle_, lets a waiter sleep until the count is 0
  std::condition_variable idle_;
};

}  // namespace streambench
