#include "bench/runner/run_controller.h"

#include <algorithm>
#include <ctime>
#include <memory>
#include <vector>

#include "bench/drivers/driver.h"
#include "bench/gate/exit_code.h"
#include "bench/gate/expectation_judge.h"
#include "bench/report/comparison.h"
#include "bench/report/format.h"
#include "bench/report/run_result_builder.h"
#include "bench/runner/capacity_search_run.h"
#include "bench/runner/concurrent_runs.h"
#include "bench/runner/run_phases.h"
#include "bench/runner/run_result_assembly.h"
#include "bench/runner/variant_order.h"
#include "bench/stats/recorder.h"

namespace streambench::runner {
namespace {

std::string NowIso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// What the prepare phase sets up for one run. Heap-allocated so that, should calls outlive every
// timeout, the registry, context and slots can be leaked rather than freed under a callback
// still running.
struct PreparedRun {
  std::unique_ptr<RunTarget> target;
  std::unique_ptr<stats::RecorderRegistry> registry;
  std::unique_ptr<drivers::DriverContext> context;
  std::unique_ptr<RunSlots> slots;
};

// Prepare: the scenario checked, the target open (embedded server, link), the slots connected.
RunOutcome::Status Prepare(const scenario::Scenario& s, const RunEnvironment& env,
                           std::chrono::milliseconds connect_timeout, PreparedRun* run,
                           std::string* error) {
  if (!env.slots->Check(s, error)) return RunOutcome::Status::kBadInput;
  run->target = env.targets->Open(s, error);
  if (run->target == nullptr) return RunOutcome::Status::kCouldNotRun;
  run->registry = std::make_unique<stats::RecorderRegistry>();
  run->context = std::make_unique<drivers::DriverContext>(s, *run->registry, *env.clock);
  run->slots = std::make_unique<RunSlots>();
  switch (env.slots->MakeSlots(*run->context, run->target->addresses(), connect_timeout,
                               run->slots.get(), error)) {
    case SlotsStatus::kMade:
      return RunOutcome::Status::kCompleted;
    case SlotsStatus::kUnreachable:
      return RunOutcome::Status::kCouldNotRun;
    case SlotsStatus::kUnsupported:
      break;
  }
  return RunOutcome::Status::kBadInput;
}

// Releases what the phases used, in order: slots, context and registry (leaked when calls are
// still active: callbacks may still reference them), then the target (link, embedded server).
void Release(PreparedRun* run, int64_t still_active) {
  if (still_active > 0) {
    (void)run->slots.release();
    (void)run->context.release();
    (void)run->registry.release();
  }
  run->slots.reset();
  run->context.reset();
  run->registry.reset();
  run->target.reset();
}

void WarnAboutRun(const report::RunResult& result, int64_t still_active, std::ostream& log) {
  const report::GeneratorCpu& cpu = result.generator;
  if (cpu.saturated) {
    log << "warning: the generator is saturated (" << report::FormatPercent(cpu.cpu_utilization)
        << " of " << cpu.cores << " cores, busiest thread "
        << report::FormatPercent(cpu.busiest_thread_utilization) << ", "
        << report::FormatPercent(cpu.dispatch_behind_fraction)
        << " of operations handed over late): the figures may be its own limit, not the target's"
        << (cpu.includes_server ? " (the embedded server's CPU is included)" : "") << "\n";
  }
  if (result.dropped_ops > 0) {
    log << "warning: " << result.dropped_ops
        << " open-loop operations dropped (slot queue full; the target could not keep up)\n";
  }
  if (still_active > 0) {
    log << "warning: " << still_active << " calls did not finish after cancel\n";
  }
}

}  // namespace

RunController::RunController(RunOptions options)
    : options_(std::move(options)),
      env_(options_.environment != nullptr ? *options_.environment : ProductionRunEnvironment()) {}

RunOutcome RunController::Run(const scenario::Scenario& s) {
  // A search is a series of constant-rate runs, each of which comes back here.
  if (s.load.model == scenario::LoadModel::kSearch) return RunCapacitySearchScenario(s, options_);
  RunOutcome outcome;
  PreparedRun prepared;
  outcome.status = Prepare(s, env_, options_.connect_timeout, &prepared, &outcome.error);
  if (outcome.status != RunOutcome::Status::kCompleted) {
    Release(&prepared, 0);
    return outcome;
  }
  RunPhases phases(s, options_, env_, *prepared.context, *prepared.registry,
                   prepared.slots->Pointers());
  const PhaseRecord& record = phases.RunAll();
  outcome.result = AssembleRunResult(s, record, *prepared.target, *prepared.context,
                                     env_.cpu->UsableCores(), prepared.slots->stream_limit);
  outcome.dropped_ops = outcome.result.dropped_ops;
  outcome.stop_now = record.stop_now;
  if (options_.log_out != nullptr) {
    WarnAboutRun(outcome.result, record.still_active, *options_.log_out);
  }
  Release(&prepared, record.still_active);
  return outcome;
}

ScenarioOutcome RunScenarioFile(const scenario::ScenarioFile& file, const RunOptions& options) {
  ScenarioOutcome out;
  out.result.scenario = file.name;
  out.result.source_path = file.path;
  out.result.started_at = NowIso8601();
  // Checked before anything starts: a variant cannot restart someone else's server.
  if (!CheckServerSettingsAgainstExternalTarget(file, &out.error)) {
    out.status = RunOutcome::Status::kBadInput;
    out.exit_code = gate::kExitBadInput;
    return out;
  }
  // Takes one finished run into the results; false when no further run may start.
  auto accept = [&out](RunOutcome& r, int repeat_index) {
    if (r.status != RunOutcome::Status::kCompleted) {
      if (out.status == RunOutcome::Status::kCompleted) {  // the first failure is the one told
        out.status = r.status;
        out.error = r.error;
        out.exit_code = r.status == RunOutcome::Status::kBadInput ? gate::kExitBadInput
                                                                  : gate::kExitCouldNotRun;
      }
      return false;
    }
    r.result.repeat_index = repeat_index;
    out.result.runs.push_back(std::move(r.result));
    const report::RunResult& added = out.result.runs.back();
    out.result.pass = out.result.pass && added.pass;
    if (added.interrupted) {
      out.result.interrupted = true;
      return false;  // a stop signal ends the whole invocation
    }
    return !r.stop_now;
  };
  if (file.concurrent && file.runs.size() > 1) {
    // Every run of a round at once; the rounds (repeats) one after another.
    std::vector<const scenario::Scenario*> round;
    for (const scenario::Scenario& run : file.runs) round.push_back(&run);
    bool go_on = true;
    RunOptions later_options = options;  // --start-at aligns the first round only
    later_options.start_at_unix_ns = 0;
    for (uint32_t rep = 0; rep < std::max(1u, file.repeat) && go_on; ++rep) {
      std::vector<RunOutcome> outcomes = RunConcurrently(round, rep == 0 ? options : later_options);
      // Every outcome is kept (they ran together), even after one that says stop.
      for (RunOutcome& r : outcomes) go_on = accept(r, static_cast<int>(rep)) && go_on;
    }
  } else {
    // --start-at aligns the first run's measured phase; the later ones follow it.
    RunOptions later_options = options;
    later_options.start_at_unix_ns = 0;
    RunController first_controller(options);
    RunController controller(later_options);
    bool first = true;
    // Repeats interleave the variants (A B C A B C ...) so drift does not favour one of them.
    for (const PlannedRun& planned : InterleavedOrder(file.runs.size(), file.repeat)) {
      RunOutcome r = (first ? first_controller : controller).Run(file.runs[planned.run_index]);
      first = false;
      if (!accept(r, planned.repeat_index)) break;
    }
  }
  if (out.status == RunOutcome::Status::kCompleted) {
    out.exit_code =
        out.result.pass && !out.result.runs.empty() ? gate::kExitPass : gate::kExitChecksFailed;
  }
  out.result.concurrent = file.concurrent && file.runs.size() > 1;
  if (!out.result.concurrent && report::WantsComparison(out.result.runs)) {
    out.result.comparison = report::BuildComparison(out.result.runs);
  }
  return out;
}

}  // namespace streambench::runner
