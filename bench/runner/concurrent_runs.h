// Concurrent runs (`concurrent: true`): every run of one round goes at the same time, each with
// its own RunController (channels, slots, recorders, results), against one server: the embedded
// reference server started once for all of them, or the scenario's target. This is a mixed
// workload (e.g. every mode on one server for a soak), not a comparison: the runs compete for the
// same server and the same CPU, and each run's generator CPU figures are the whole process's.
// Thread-safety: call from one thread; it starts and joins one thread per run.
#pragma once

#include <string>
#include <vector>

#include "bench/runner/run_controller.h"
#include "bench/runner/slot_factory.h"
#include "bench/scenario/scenario.h"

namespace streambench::runner {

// Whether every run can be driven as written (SlotFactory::Check), before any starts; false with
// *error naming the first variant that cannot.
bool CheckEveryRun(const std::vector<const scenario::Scenario*>& runs, const SlotFactory& slots,
                   std::string* error);

// Runs `runs` together and returns their outcomes in the same order. Every run is checked first
// (CheckEveryRun): when one cannot run, none starts and every outcome is kBadInput with its error.
// The live progress line is off (one line cannot show several runs); warnings and snapshot hooks
// work as for one run (the hook is called from every run's thread). When the shared embedded
// server cannot start, every outcome is kCouldNotRun. `options.environment` (or the production
// one) serves every run; its target provider's ShareAmong gives them their one server.
std::vector<RunOutcome> RunConcurrently(const std::vector<const scenario::Scenario*>& runs,
                                        const RunOptions& options);

}  // namespace streambench::runner
