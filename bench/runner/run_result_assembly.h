// The assemble phase: one run's RunResult, built once from what the phases recorded, the target
// and the drivers' per-run counts, with its expectations evaluated.
// Thread-safety: a pure function of its arguments.
#pragma once

#include "bench/drivers/driver.h"
#include "bench/report/result.h"
#include "bench/runner/run_phases.h"
#include "bench/runner/run_target.h"
#include "bench/scenario/scenario.h"

namespace streambench::runner {

// Totals and latencies cover [baseline, after the drain] (every reply is accounted for); the
// per-second rates cover the measured phase only, [baseline, phase_end]. `usable_cores` is what
// the generator's CPU share is taken of; `stream_limit` is what the slots met (RunSlots).
report::RunResult AssembleRunResult(const scenario::Scenario& run, const PhaseRecord& phases,
                                    const RunTarget& target, const drivers::DriverContext& context,
                                    int usable_cores,
                                    const report::StreamLimitResult& stream_limit);

}  // namespace streambench::runner
