// WorkloadReactor: what every Workloads reactor shares: counting itself in the service's live
// calls and the method's metrics, Finish exactly once (recording the status), an optional alarm
// (heartbeats), and deletion only once gRPC is done with the call (OnDone) and no alarm callback
// can still reach it. Internal to server/workloads.
// Thread-safety: state is guarded by mu_; gRPC never runs a reaction inline in StartWrite /
// StartRead / Finish / Alarm::Cancel, so calling them with mu_ held is safe.
#pragma once

#include <grpc/support/time.h>
#include <grpcpp/alarm.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <mutex>

#include "common/clock.h"
#include "server/server_metrics.h"
#include "server/workloads/workloads_service.h"

namespace streambench::workloads {

template <typename GrpcReactor>
class WorkloadReactor : public GrpcReactor {
 public:
  void OnDone() override {
    BeforeDelete();
    std::unique_lock<std::mutex> lock(mu_);
    done_ = true;
    if (alarm_pending_) {
      alarm_->Cancel();
      return;  // the alarm callback deletes
    }
    lock.unlock();
    delete this;
  }

  void OnCancel() override {
    std::lock_guard<std::mutex> lock(mu_);
    FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client"));
  }

 protected:
  WorkloadReactor(WorkloadsService& service, ServerMetrics::Method& metrics)
      : service_(service), metrics_(metrics) {
    service_.CallCreated();
    metrics_.CallStarted();
  }
  ~WorkloadReactor() override { service_.CallDeleted(); }

  // In OnDone, before deletion, without mu_ held: leave hubs and rooms.
  virtual void BeforeDelete() {}
  // The alarm fired (mu_ held, call not finished).
  virtual void OnAlarmLocked() {}

  void FinishLocked(const grpc::Status& status) {
    if (finished_) return;
    finished_ = true;
    if (alarm_pending_) alarm_->Cancel();
    metrics_.CallFinished(status.error_code());
    this->Finish(status);
  }

  // Arms the alarm `delay_ns` from now (replacing none: call only when !alarm_pending_).
  void ArmAlarmLocked(int64_t delay_ns) {
    // A fresh Alarm each time: an Alarm must not be Set again from inside its own callback.
    alarm_ = std::make_unique<grpc::Alarm>();
    alarm_pending_ = true;
    alarm_->Set(gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
                             gpr_time_from_nanos(std::max<int64_t>(0, delay_ns), GPR_TIMESPAN)),
                [this](bool ok) { AlarmDone(ok); });
  }

  std::mutex mu_;
  bool finished_ = false;
  WorkloadsService& service_;
  ServerMetrics::Method& metrics_;

 private:
  void AlarmDone(bool ok) {
    std::unique_lock<std::mutex> lock(mu_);
    alarm_pending_ = false;
    if (done_) {
      lock.unlock();
      delete this;
      return;
    }
    if (ok && !finished_) OnAlarmLocked();
  }

  bool done_ = false;
  bool alarm_pending_ = false;
  std::unique_ptr<grpc::Alarm> alarm_;
};

}  // namespace streambench::workloads
