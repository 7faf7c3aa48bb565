#include "bench/drivers/write_pump.h"

namespace streambench::drivers {

void WritePump::Kick() {
  // seq_cst on the token and on the queue's emptiness check: a producer that pushes then fails to
  // take the token is guaranteed that the holder's re-check after releasing sees its push.
  while (true) {
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (busy_.exchange(true, std::memory_order_seq_cst)) return;
    if (WorkLocked()) return;
    busy_.store(false, std::memory_order_seq_cst);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (!HasWork()) return;
  }
}

}  // namespace streambench::drivers
