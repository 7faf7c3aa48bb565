#include "bench/drivers/call_slot.h"

namespace streambench::drivers {

void CallSlot::Start() {
  if (dc_.open_loop()) return;
  for (uint32_t i = 0; i < dc_.scenario().load.outstanding; ++i) Issue(dc_.clock().NowNs());
}

void CallSlot::Submit(int64_t intended_ns) {
  // Nothing is left to send: the operation is neither sent nor counted as dropped.
  if (dc_.work_exhausted()) return;
  if (calls_.size() >= kMaxQueuedOps) {
    dc_.AddDropped();
    return;
  }
  Issue(intended_ns);
}

void CallSlot::CallDone(const grpc::Status& status, int64_t call_start_ns) {
  const int64_t delay_ns = reconnect_.OnFinished(status, call_start_ns);
  if (dc_.open_loop()) return;
  if (delay_ns > 0) {
    reconnect_.After(delay_ns, [this] { Issue(dc_.clock().NowNs()); });
    return;
  }
  Issue(dc_.clock().NowNs());
}

void CallSlot::Issue(int64_t intended_ns) {
  if (dc_.stopping() || dc_.work_exhausted()) return;
  starter_(*this, intended_ns, call_count_.fetch_add(1, std::memory_order_relaxed));
}

}  // namespace streambench::drivers
