// LifecycleReactor: the lifecycle every server reactor of the reference server shares, whatever
// its service (streambench.v1.StreamBench, streambench.v1.Workloads, grpc.testing.TestService,
// grpc.testing.BenchmarkService) and mode:
//  - counted: in its service's LiveCalls while the object exists, and in its method's metrics
//    (call started and one more active stream from construction; the status it finished with);
//  - finished exactly once: FinishLocked records the status and cancels every armed alarm; later
//    calls are ignored, so every path may simply try to finish;
//  - cancellation: OnCancel finishes the call at once with CANCELLED (DEADLINE_EXCEEDED when the
//    reactor was given its context and the deadline has passed); a pending read or write then
//    fails by itself and its reaction finds the call finished;
//  - alarms (delays, pacing, stalls, heartbeats): kAlarmSlots grpc::Alarm slots on the steady
//    clock; a fired alarm reaches Derived::OnAlarmLocked(slot) with mu_ held while the call is
//    unfinished;
//  - deleted in OnDone, or after it by the last outstanding alarm callback, so no alarm callback
//    can reach a deleted reactor; Derived::BeforeDelete() runs first in OnDone, without mu_ held
//    (to leave hubs and rooms, whose locks come before the reactor's).
// Derived names itself as the first parameter (CRTP) and hides the hooks it needs; the hooks are
// dispatched statically, so the lifecycle adds no virtual call (and no allocation) per message.
// A Derived that keeps its hooks private declares the base a friend.
//
// Thread-safety: a reactor's state is guarded by mu_. Calling StartRead / StartWrite / Finish and
// Alarm::Cancel with mu_ held is safe: gRPC runs server reactions and callback alarms on its own
// threads, never inline in those calls. No reaction runs before the method handler has returned
// the reactor (operations started in the constructor wait until then), so a constructor that only
// starts a read needs no lock.
#pragma once

#include <grpc/support/time.h>
#include <grpcpp/alarm.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>

#include "common/clock.h"
#include "server/live_calls.h"
#include "server/server_metrics.h"

namespace streambench {

template <typename Derived, typename GrpcReactor, int kAlarmSlots = 0>
class LifecycleReactor : public GrpcReactor {
 public:
  void OnCancel() override {
    std::lock_guard<std::mutex> lock(mu_);
    FinishLocked(grpc::Status(CancelledCode(), "cancelled by the client or its deadline"));
  }

  void OnDone() override {
    static_cast<Derived*>(this)->BeforeDelete();
    std::unique_lock<std::mutex> lock(mu_);
    done_ = true;
    if (pending_alarms_ > 0) return;  // the last alarm callback deletes
    lock.unlock();
    delete this;
  }

 protected:
  // `metrics` and `live_calls` belong to the service and outlive the reactor. With
  // `deadline_context`, a cancellation after the call's deadline is recorded as DEADLINE_EXCEEDED.
  LifecycleReactor(ServerMetrics::Method& metrics, LiveCalls& live_calls,
                   const grpc::CallbackServerContext* deadline_context = nullptr)
      : metrics_(metrics), live_calls_(live_calls), deadline_context_(deadline_context) {
    live_calls_.Created();
    metrics_.CallStarted();
  }
  ~LifecycleReactor() override { live_calls_.Deleted(); }

  // Hooks, hidden by Derived where it needs them.
  void BeforeDelete() {}
  void OnAlarmLocked(int /*slot*/) {}

  // Finishes the call with `status` unless it is already finished.
  void FinishLocked(const grpc::Status& status) {
    if (finished_) return;
    finished_ = true;
    for (int slot = 0; slot < kAlarmSlots; ++slot) {
      if (armed_[slot]) alarms_[slot]->Cancel();
    }
    metrics_.CallFinished(status.error_code());
    this->Finish(status);
  }

  // Arms alarm `slot` to fire at `steady_ns` (a SteadyNowNs() value; the past fires at once).
  // The slot must not be armed already.
  void ArmAtLocked(int slot, int64_t steady_ns) {
    const int64_t delay_ns = std::max<int64_t>(0, steady_ns - SteadyNowNs());
    const gpr_timespec deadline =
        gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_nanos(delay_ns, GPR_TIMESPAN));
    // A fresh Alarm each time: an Alarm must not be Set again from inside its own callback, which
    // is where the next interval is usually armed. The old one's callback has already run.
    alarms_[slot] = std::make_unique<grpc::Alarm>();
    armed_[slot] = true;
    ++pending_alarms_;
    alarms_[slot]->Set(deadline, [this, slot](bool ok) { AlarmDone(slot, ok); });
  }
  void ArmInLocked(int slot, int64_t delay_ns) { ArmAtLocked(slot, SteadyNowNs() + delay_ns); }
  bool ArmedLocked(int slot) const { return armed_[slot]; }

  // One write in flight at a time: StartWriteLocked, then WriteDoneLocked at the top of
  // OnWriteDone; when the write failed (the stream is gone) that finishes the call and returns
  // false. The timed pair also feeds the server's write-blocked metric (flow-control
  // backpressure) with the time from StartWrite to OnWriteDone.
  template <typename Response>
  void StartWriteLocked(const Response* response) {
    write_in_flight_ = true;
    this->StartWrite(response);
  }
  bool WriteDoneLocked(bool ok) {
    write_in_flight_ = false;
    if (!ok) FinishLocked(grpc::Status(CancelledCode(), "the client went away mid-stream"));
    return ok;
  }
  template <typename Response>
  void StartTimedWriteLocked(const Response* response) {
    write_started_ns_ = SteadyNowNs();
    StartWriteLocked(response);
  }
  bool TimedWriteDoneLocked(bool ok) {
    metrics_.WriteCompleted(SteadyNowNs() - write_started_ns_);
    return WriteDoneLocked(ok);
  }

  // The code of a call that ended because the client went away: DEADLINE_EXCEEDED when the
  // reactor was given its context and the deadline has passed, else CANCELLED.
  grpc::StatusCode CancelledCode() const {
    return deadline_context_ != nullptr &&
                   deadline_context_->deadline() <= std::chrono::system_clock::now()
               ? grpc::StatusCode::DEADLINE_EXCEEDED
               : grpc::StatusCode::CANCELLED;
  }

  std::mutex mu_;
  bool finished_ = false;         // Finish called
  bool write_in_flight_ = false;  // StartWriteLocked called, OnWriteDone not yet
  ServerMetrics::Method& metrics_;

 private:
  void AlarmDone(int slot, bool ok) {
    std::unique_lock<std::mutex> lock(mu_);
    --pending_alarms_;
    armed_[slot] = false;
    if (done_) {
      if (pending_alarms_ > 0) return;
      lock.unlock();
      delete this;
      return;
    }
    if (ok && !finished_) static_cast<Derived*>(this)->OnAlarmLocked(slot);
  }

  LiveCalls& live_calls_;
  const grpc::CallbackServerContext* const deadline_context_;
  bool done_ = false;             // OnDone ran
  int64_t write_started_ns_ = 0;  // SteadyNowNs() when the timed write in flight started
  int pending_alarms_ = 0;
  std::array<std::unique_ptr<grpc::Alarm>, kAlarmSlots> alarms_;
  std::array<bool, kAlarmSlots> armed_{};
};

}  // namespace streambench
