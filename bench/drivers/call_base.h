// CallBase: what every driver call or stream shares: its ClientContext (deadline), the client's
// `cancel_after` timer, the count of active calls, and membership in the slot's CallList so the
// controller can cancel whatever is still in flight at the end of the drain.
// Lifetime: reference counted. The call holds one reference until its OnDone (Finished()); an
// armed cancel timer holds another until it fires or is cancelled. The last Unref deletes.
// Thread-safety: Unref and the timer are thread-safe; the rest belongs to the call's callbacks.
#pragma once

#include <grpcpp/alarm.h>
#include <grpcpp/client_context.h>

#include <atomic>
#include <cstdint>
#include <mutex>

#include "bench/drivers/driver.h"

namespace streambench::drivers {

class CallList;

class CallBase {
 public:
  CallBase(DriverContext& dc, CallList& list);
  CallBase(const CallBase&) = delete;
  CallBase& operator=(const CallBase&) = delete;

  grpc::ClientContext& context() { return ctx_; }

 protected:
  virtual ~CallBase();
  // Before StartCall: sets the deadline, arms the cancel timer, counts the call as active and
  // adds it to the list.
  void Arm();
  // From OnDone, after recording: leaves the list, cancels the timer, drops the call's reference.
  void Finished();

  DriverContext& dc_;

 private:
  friend class CallList;
  void Unref() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  CallList& list_;
  grpc::ClientContext ctx_;
  grpc::Alarm cancel_timer_;
  bool timer_armed_ = false;
  std::atomic<int> refs_{1};
  CallBase* prev_ = nullptr;  // CallList links, guarded by CallList::mu_
  CallBase* next_ = nullptr;
};

// The calls of one slot that are in flight. Taking the mutex once per call start and finish (not
// per message) keeps CancelAll possible without racing call deletion.
// Thread-safety: thread-safe.
class CallList {
 public:
  void Add(CallBase* call);
  void Remove(CallBase* call);
  void CancelAll();
  size_t size() const;

 private:
  mutable std::mutex mu_;
  CallBase* head_ = nullptr;
  size_t size_ = 0;
};

}  // namespace streambench::drivers
