// The regression gate of one `streambench run`: the scenario's `thresholds:` and the command
// line's --threshold, and the --baseline comparison, judged on the run's results and recorded in
// them (ScenarioResult::gate) so the JSON carries what the console and JUnit show.
// Everything that can be wrong with the inputs (a variant the scenario does not have, an
// unreadable baseline) is found by PrepareGate before any load starts, so bad input exits 2
// without a wasted run.
// Thread-safety: plain functions over values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bench/gate/baseline.h"
#include "bench/gate/threshold.h"
#include "bench/report/result.h"
#include "bench/runner/cli_args.h"
#include "bench/scenario/scenario.h"

namespace streambench::runner {

struct GateInputs {
  std::vector<gate::Threshold> cli_thresholds;     // --threshold, parsed
  std::optional<report::ScenarioResult> baseline;  // --baseline, read
  std::string baseline_path;
  gate::Tolerances tolerances;  // --tolerance, applied in order over the 10% default

  // True when there is anything to judge (thresholds in the file or on the command line, or a
  // baseline).
  bool Active(const scenario::ScenarioFile& file) const;
};

// Parses the gate options against the loaded file. False with *error (one line naming the
// option) on bad input: a --threshold for a variant the file does not declare, an unreadable
// or invalid baseline file, a bad tolerance.
bool PrepareGate(const CliOptions& options, const scenario::ScenarioFile& file, GateInputs* out,
                 std::string* error);

struct GateOutcome {
  std::vector<gate::ThresholdResult> thresholds;
  std::vector<gate::BaselineCheck> baseline;
  bool pass = true;
};

// Judges `result` (the runs of `file` that completed): each scenario threshold against the runs
// of the variant(s) that declare it, each --threshold against every run it applies to (a
// `[variant=...]` that matches no completed run is a failed check), and the baseline comparison.
// Records the outcome in result->gate (evaluated = true).
GateOutcome EvaluateGate(const scenario::ScenarioFile& file, const GateInputs& inputs,
                         report::ScenarioResult* result);

}  // namespace streambench::runner
