#include "bench/runner/run_result_assembly.h"

#include "bench/gate/expectation_judge.h"
#include "bench/report/run_result_builder.h"
#include "bench/runner/cpu_usage.h"
#include "bench/runner/outage_results.h"

namespace streambench::runner {

report::RunResult AssembleRunResult(const scenario::Scenario& run, const PhaseRecord& phases,
                                    const RunTarget& target, const drivers::DriverContext& context,
                                    int usable_cores,
                                    const report::StreamLimitResult& stream_limit) {
  stats::Snapshot measured = phases.final_state;
  measured.Subtract(phases.baseline);
  stats::Snapshot in_phase = phases.phase_end;
  in_phase.Subtract(phases.baseline);
  report::RunResult result =
      report::BuildRunResult(run, measured, phases.measured_duration_s(), &in_phase.counters);
  result.service = scenario::ServiceName(run);
  result.target = target.description();
  result.interrupted = phases.interrupted;
  result.series = phases.series;
  result.late_start_s = static_cast<double>(phases.late_start_ns) / 1e9;
  result.dropped_ops = context.dropped_ops();
  const drivers::WorkSupply& work = context.work();
  if (work.finite()) {
    result.feed.lines = work.items();
    result.feed.lines_sent = work.taken();
    result.feed.exhausted = work.exhausted();
    if (work.exhausted()) {
      result.feed.exhausted_after_s =
          static_cast<double>(work.exhausted_at_ns() - phases.start_ns) / 1e9;
    }
  }
  result.generator = AssessCpu(phases.cpu_begin, phases.cpu_end, usable_cores);
  ApplyDispatchLag(phases.dispatch_lag, &result.generator);
  result.generator.includes_server = target.includes_server();
  result.link = target.LinkResult();
  result.outages = OutagesInMeasuredPhase(context.outages().Outages(), phases.measured_start_ns,
                                          phases.measured_end_ns);
  result.stream_limit = stream_limit;
  gate::EvaluateExpectations(run, &result);
  return result;
}

}  // namespace streambench::runner
