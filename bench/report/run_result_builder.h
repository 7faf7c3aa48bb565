// Fills a RunResult's measured fields from a run's scenario and its measured-phase snapshot; the
// one place where the scenario meets the result model.
// Thread-safety: pure functions over plain values.
#pragma once

#include "bench/report/result.h"
#include "bench/scenario/scenario.h"
#include "bench/stats/recorder.h"

namespace streambench::report {

// Builds a RunResult's measured fields from the measured-phase snapshot (already warm-up
// subtracted) and the phase's actual length. The per-second rates divide `rate_counts` (the
// counts up to the end of the measured phase, when `measured` also holds the drain after it;
// nullptr = measured's own). Expectations are judged separately (gate/expectation_judge.h).
RunResult BuildRunResult(const scenario::Scenario& scenario, const stats::Snapshot& measured,
                         double duration_s, const stats::Counters* rate_counts = nullptr);

}  // namespace streambench::report
