#include "server/live_calls.h"

namespace streambench {

bool LiveCalls::WaitUntilIdle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_.wait_for(lock, timeout, [this] { return count() == 0; });
}

void LiveCalls::Deleted() {
  // Under the mutex so that a waiter (a service's destructor) cannot see 0 and destroy this object
  // while the notification is still to come.
  std::lock_guard<std::mutex> lock(mu_);
  if (count_.fetch_sub(1, std::memory_order_acq_rel) == 1) idle_.notify_all();
}

}  // namespace streambench
