// RunPhases: the timed part of one run, once it is prepared (target open, slots made): start the
// slots (and, open loop, the workers), warm-up, measured phase, drain. Each phase is one method,
// polling the environment's clock and stop source and sleeping through its sleeper, so the whole
// sequence runs under a fake clock in tests. It leaves a PhaseRecord: the snapshots and times the
// result is assembled from (run_result_assembly.h).
//
// Warm-up is recorded, then subtracted: its end is the baseline; until then (no warm-up, or a
// stop during it) the baseline is the empty state before anything started, so everything is
// reported. The measured phase ends at start + warmup + duration whatever the warm-up's real
// end. The drain stops issuing and waits for the calls in flight while they keep finishing: it
// cancels them once drain_timeout passes with none finishing (or at kDrainCapFactor times it), so
// a million streams closing steadily are not cut off while a stuck server still costs only
// drain_timeout. A stop request ends the warm-up or the measured phase early (`interrupted`); a
// second one also cuts the drain short. So does the run's finite work running out (a request feed
// sent `once`, DriverContext::work()), without `interrupted`: nothing is left to send, and the
// drain awaits the answers in flight as at any end. Every second (on the clock) the live progress
// line and the snapshot hook are served, and the heap trimmer is polled. Thread-safety: one thread
// (the run's) calls the methods, in order; the open-loop workers are its own threads, joined by
// Drain() or the destructor.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "bench/drivers/driver.h"
#include "bench/report/interval_series.h"
#include "bench/runner/cpu_usage.h"
#include "bench/runner/dispatch_lag.h"
#include "bench/runner/run_controller.h"
#include "bench/runner/run_environment.h"
#include "bench/schedule/schedule.h"
#include "bench/stats/recorder.h"

namespace streambench::runner {

// What the phases leave for assembling the result. Times are the environment clock's.
struct PhaseRecord {
  stats::Snapshot baseline;     // subtracted from the others: the warm-up's end, or the empty start
  stats::Snapshot phase_end;    // the end of the measured phase (per-second rates stop here)
  stats::Snapshot final_state;  // after the drain (totals and latencies include the drain)
  int64_t start_ns = 0;         // slots started
  int64_t measured_start_ns = 0;  // the baseline's time (start_ns when nothing was subtracted)
  int64_t measured_end_ns = 0;    // phase_end's time
  CpuSample cpu_begin;            // at measured_start_ns
  CpuSample cpu_end;              // at measured_end_ns
  bool interrupted = false;       // a stop request ended the warm-up or the measured phase
  bool work_exhausted = false;    // the run's finite work ran out and ended the phase early
  bool stop_now = false;          // two or more stop requests by the end of the drain
  int64_t still_active = 0;       // calls that did not finish even after the cancel
  // The measured phase's per-second intervals (RunResult::series).
  std::vector<report::IntervalPoint> series;
  // --start-at: how late the measured phase began after the requested instant (0 = on time).
  int64_t late_start_ns = 0;
  // Open loop: how far behind their schedule the workers handed operations over (all workers,
  // from the start of the load: a step or run without warm-up is all measured phase).
  DispatchLag dispatch_lag;

  double measured_duration_s() const;
};

class RunPhases {
 public:
  // Everything referenced must outlive this object; `slots` is not empty and each slot belongs
  // to `context`'s run.
  RunPhases(const scenario::Scenario& run, const RunOptions& options, const RunEnvironment& env,
            drivers::DriverContext& context, stats::RecorderRegistry& registry,
            std::vector<drivers::Slot*> slots);
  ~RunPhases();  // stops and joins the workers if Drain() did not
  RunPhases(const RunPhases&) = delete;
  RunPhases& operator=(const RunPhases&) = delete;

  // Start, WarmUp, Measure and Drain in order (a stop skips to the drain); the record.
  const PhaseRecord& RunAll();

  // Starts the slots and, open loop, the workers; now is the run's start.
  void Start();
  // Until start + warmup, then takes the baseline. False when a stop request came first.
  bool WarmUp();
  // Until start + warmup + duration (or the run's finite work is exhausted), then the phase-end
  // snapshot. False when a stop came first.
  bool Measure();
  // Stops issuing and drains (see above); the final snapshot and hook call.
  void Drain();

  const PhaseRecord& record() const { return record_; }

 private:
  // Polls until `deadline_ns` or until the run's finite work is exhausted; false as soon as a
  // stop request is seen.
  bool PollUntil(int64_t deadline_ns);
  // Once a second: the snapshot hook and the progress line. Every poll: the heap trimmer.
  void Tick(int64_t now_ns);
  void PrintProgress(int64_t now_ns);
  // Waits until no call is active (true), or a second stop arrives, or `quiet_ns` pass with no
  // call finishing, or `cap_ns` pass in all (false).
  bool WaitIdle(int64_t quiet_ns, int64_t cap_ns);
  LiveState Live(const stats::Snapshot& since_last, int64_t now_ns, bool final) const;
  void StopWorkers();

  const scenario::Scenario& run_;
  const RunOptions& options_;
  const RunEnvironment& env_;
  drivers::DriverContext& context_;
  stats::RecorderRegistry& registry_;
  const std::vector<drivers::Slot*> slots_;
  const int64_t poll_ns_;
  const int64_t heap_trim_interval_ns_;
  const bool show_progress_;

  int64_t warmup_end_ns_ = 0;
  int64_t end_ns_ = 0;
  PhaseRecord record_;

  // Open loop: the workers and the whole schedule (one worker's view of all of them), only to
  // read the target rate for the live state.
  std::atomic<bool> stop_workers_{false};
  std::vector<std::thread> workers_;
  std::vector<DispatchLag> worker_lag_;  // one per worker, sized before they start
  std::unique_ptr<schedule::Schedule> rate_schedule_;

  // The live view: the previous second's snapshot, and buffers allocated once and refilled every
  // second (a long soak must not churn the allocator with 2 x 252 KiB a second per run).
  stats::Snapshot last_second_;
  stats::Snapshot snap_, delta_;
  int64_t next_tick_ns_ = 0;
  bool progress_printed_ = false;
  report::IntervalSeries series_;
};

}  // namespace streambench::runner
