// RunController: carries out one run of a scenario (one variant) in explicit phases: prepare
// (check the scenario, open the target, make the slots: run_environment.h), then the timed phases
// warm-up (recorded, then subtracted), measured phase and drain (run_phases.h), then assemble the
// RunResult once with its expectations evaluated (run_result_assembly.h). A stop request ends the
// run early with `interrupted` set; it still produces a result. The controller reads the
// environment's stop count as is: whoever starts a run resets it first (ResetStopSignals) if
// earlier signals must not count.
// RunScenarioFile does this for every run of a file and assembles the ScenarioResult.
// Thread-safety: a RunController is used from one thread; it starts and joins its own workers.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "bench/report/result.h"
#include "bench/runner/run_environment.h"
#include "bench/scenario/scenario.h"
#include "bench/stats/recorder.h"

namespace streambench::runner {

// What the controller knows about the current moment beyond the recorded snapshot, for live
// metrics (Prometheus gauges).
struct LiveState {
  double target_rate_per_s = 0;  // the schedule's rate at this moment (open loop); 0 closed loop
  int64_t active_streams = 0;    // calls / streams in flight right now
  double schedule_lag_s = 0;     // the largest schedule lag recorded since the previous call
  bool final = false;            // the run's last call, after the drain
};

// Receives a run's CUMULATIVE snapshot (everything recorded since the run started, warm-up
// included) with the live state. Called on the controller's thread; must return quickly.
using SnapshotHook = std::function<void(const scenario::Scenario& run,
                                        const stats::Snapshot& cumulative, const LiveState& live)>;

struct RunOptions {
  // The live progress line on `progress_out` once a second (the CLI enables it only on a
  // terminal without --quiet).
  bool show_progress = false;
  std::ostream* progress_out = nullptr;
  // Where warnings go (dropped operations, calls that did not finish); nullptr = nowhere.
  std::ostream* log_out = nullptr;
  // Called about once a second while the run goes (on the progress line's tick, whether or not
  // the line is shown) and once at the end of each run (LiveState::final). Empty = not called.
  // The CLI feeds ClientMetrics (bench/metrics) with it.
  SnapshotHook on_snapshot;
  std::chrono::milliseconds connect_timeout{5000};
  // The drain cancels the calls still in flight once this passes with none of them finishing
  // (run_phases.h).
  std::chrono::milliseconds drain_timeout{2000};
  // How often the controller looks at the clock and the stop signals.
  std::chrono::milliseconds poll_interval{50};
  // How often freed heap pages go back to the OS during a run (heap_trimmer.h); 0 = never.
  std::chrono::microseconds heap_trim_interval{std::chrono::seconds(10)};
  // Clock, sleeper, stop source, CPU sampler, heap trimmer, target and slots; nullptr = the real
  // process (ProductionRunEnvironment()). Must outlive the runs.
  const RunEnvironment* environment = nullptr;
  // Sharded runs (--start-at): the Unix time in ns at which the measured phase begins, so every
  // shard measures the same window; the warm-up lasts until then (shorter or longer than the
  // scenario's). A run that gets there late measures at once and says by how much
  // (RunResult::late_start_s). 0 = the scenario's own warm-up.
  int64_t start_at_unix_ns = 0;
  // The wall clock it is compared with (Unix ns); nullptr = the system clock.
  int64_t (*wall_clock_unix_ns)() = nullptr;
};

struct RunOutcome {
  enum class Status {
    kCompleted,   // result is valid (possibly interrupted)
    kBadInput,    // the scenario cannot be run as written (unsupported mode, bad behaviour)
    kCouldNotRun  // target unreachable, embedded server could not start
  };
  Status status = Status::kCompleted;
  std::string error;  // one line, for kBadInput / kCouldNotRun
  report::RunResult result;
  uint64_t dropped_ops = 0;  // open-loop operations not sent (slot queue full)
  bool stop_now = false;     // a second stop signal arrived: do not start further runs
};

class RunController {
 public:
  explicit RunController(RunOptions options);
  // `scenario` must outlive the call (the drivers refer to it).
  RunOutcome Run(const scenario::Scenario& scenario);

 private:
  RunOptions options_;
  const RunEnvironment& env_;
};

struct ScenarioOutcome {
  report::ScenarioResult result;  // the runs that completed (all of them unless stopped early)
  RunOutcome::Status status = RunOutcome::Status::kCompleted;  // the first non-completed status
  std::string error;
  int exit_code = 0;  // 0 pass, 1 expectations failed, 2 bad input, 3 could not run
};

// Runs every run of `file` in order (stopping after an interruption), or with `concurrent: true`
// every run of a repeat round at once (bench/runner/concurrent_runs.h), and evaluates them.
ScenarioOutcome RunScenarioFile(const scenario::ScenarioFile& file, const RunOptions& options);

}  // namespace streambench::runner
