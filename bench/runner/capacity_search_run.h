// The runner's side of a capacity search (`load: {type: search}`): each step the search asks for
// is one ordinary open-loop run (RunController) at a constant rate for `step_duration`, against
// one target opened for the whole search (the embedded server is started once), judged against
// the objective with the gate's threshold evaluation. The decisions are bench/search's.
// Every step opens its own connections and drains before the next, so no step inherits another's
// queue. The run's result is the step at the found capacity (or the last one) with the search's
// `capacity` record.
// Thread-safety: runs on the caller's thread, like RunController::Run.
#pragma once

#include "bench/report/result.h"
#include "bench/runner/run_controller.h"
#include "bench/scenario/scenario.h"

namespace streambench::runner {

// `s.load.model` is kSearch. Each step's line goes to options.log_out as it ends.
RunOutcome RunCapacitySearchScenario(const scenario::Scenario& s, const RunOptions& options);

// The figures of one step's run: the rate sent (the target less the operations dropped), the
// latency the objective reads first (else message, else call), the error rate and saturation,
// judged against `objective`. Exposed for tests.
report::CapacityStep StepFromRun(const report::RunResult& run, double target_rate_per_s,
                                 const std::vector<criteria::Threshold>& objective);

}  // namespace streambench::runner
