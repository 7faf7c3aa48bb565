// Drivers: the gRPC clients that put a scenario's load on the wire, one Slot per stream slot
// (connections x streams_per_connection), made by the run's RunDriver (run_driver.h, found in the
// registry of driver_registry.h). A Slot runs one stream at a time (client_stream, bidi;
// a finished stream is replaced while the run goes on) or any number of concurrent calls (unary,
// server_stream). All drivers use gRPC's callback API: no thread per stream.
//
// Closed loop: Start() and the slot keeps `outstanding` operations in flight by itself.
// Open loop: Start() opens the streams; a worker thread calls Submit(intended_ns) for each
// operation of its schedule. Latency is measured from the intended time, so a queued operation
// keeps its place in time (no coordinated omission).
//
// Thread-safety: Submit() from one thread per slot (its worker); Start/Stop/CancelAll from the
// controller thread. Everything measured goes to DriverContext::registry from whichever thread runs
// the callback.
#pragma once

#include <grpcpp/channel.h>

#include <atomic>
#include <cstdint>
#include <memory>

#include "bench/drivers/outage_tracker.h"
#include "bench/drivers/size_sampler.h"
#include "bench/drivers/work_supply.h"
#include "bench/scenario/scenario.h"
#include "bench/stats/recorder.h"
#include "common/clock.h"
#include "common/payload.h"

namespace streambench::drivers {

// State shared by every slot of one run. Owned by the run controller, which must keep it alive
// until active_calls() has dropped to 0.
class DriverContext {
 public:
  // `scenario`, `registry` and `clock` must outlive this object.
  DriverContext(const scenario::Scenario& scenario, stats::RecorderRegistry& registry,
                const Clock& clock);

  const scenario::Scenario& scenario() const { return scenario_; }
  stats::RecorderRegistry& registry() const { return registry_; }
  const Clock& clock() const { return clock_; }
  const PayloadSource& payload() const { return payload_; }
  const SizeSampler& sizes() const { return sizes_; }
  bool open_loop() const { return scenario_.load.model != scenario::LoadModel::kClosed; }

  // True once the controller stopped issuing: drivers start no new operation or stream (nor once
  // work_exhausted()).
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  void SetStopping() { stopping_.store(true, std::memory_order_release); }

  // Calls / streams started and not yet finished (the controller drains until 0).
  int64_t active_calls() const { return active_calls_.load(std::memory_order_acquire); }
  void CallBegan() { active_calls_.fetch_add(1, std::memory_order_acq_rel); }
  void CallEnded() { active_calls_.fetch_sub(1, std::memory_order_acq_rel); }

  // Open-loop operations that could not be queued (their slot's queue or in-flight limit was
  // full) and were not sent.
  uint64_t dropped_ops() const { return dropped_ops_.load(std::memory_order_relaxed); }
  void AddDropped() { dropped_ops_.fetch_add(1, std::memory_order_relaxed); }

  // Periods in which the target could not be reached (fed by every slot's SlotReconnect).
  OutageTracker& outages() const { return outages_; }

  // The run's finite work, if any (work_supply.h): once it is exhausted, slots start nothing new.
  WorkSupply& work() const { return work_; }
  bool work_exhausted() const { return work_.exhausted(); }

 private:
  const scenario::Scenario& scenario_;
  stats::RecorderRegistry& registry_;
  const Clock& clock_;
  PayloadSource payload_;
  SizeSampler sizes_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> active_calls_{0};
  std::atomic<uint64_t> dropped_ops_{0};
  mutable OutageTracker outages_;
  mutable WorkSupply work_;
};

class Slot {
 public:
  // Per-stream queue of open-loop operations, and the limit of concurrent open-loop calls per
  // slot for unary / server_stream; beyond it, operations are dropped (DriverContext::AddDropped).
  static constexpr size_t kMaxQueuedOps = 4096;

  virtual ~Slot() = default;
  // Opens the slot's stream (stream modes); in closed loop, starts issuing.
  virtual void Start() = 0;
  // Open loop: one operation intended at `intended_ns` (DriverContext::clock() time).
  virtual void Submit(int64_t intended_ns) = 0;
  // After DriverContext::SetStopping(): half-closes the stream once its in-flight write is done.
  virtual void Stop() = 0;
  // Cancels every call / stream in flight (end of the drain period).
  virtual void CancelAll() = 0;
};

}  // namespace streambench::drivers
