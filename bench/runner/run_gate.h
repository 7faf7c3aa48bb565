// The regression gate of one `streambench run`: the scenario's `thresholds:` and the command
// line's --threshold, and the --baseline comparison, judged on the run's results and recorded in
// them (ScenarioResult::gate) so the JSON, the console and JUnit sinks all read the same checks.
// Everything that can be wrong with the inputs (a variant the scenario does not have, an
// unreadable baseline) is found by PrepareGate before any load starts, so bad input exits 2
// without a wasted run.
// Thread-safety: plain functions over values.
#pragma once

#include <optional>
#include <string>

#include "bench/report/result.h"
#include "bench/runner/cli_args.h"
#include "bench/scenario/scenario.h"

namespace streambench::runner {

struct GateInputs {
  std::vector<criteria::Threshold> cli_thresholds;  // --threshold, parsed by the CLI
  std::optional<report::ScenarioResult> baseline;   // --baseline, read
  std::string baseline_path;
  criteria::Tolerances tolerances;  // --tolerance, applied in order over the 10% default

  // True when there is anything to judge (thresholds in the file or on the command line, or a
  // baseline).
  bool Active(const scenario::ScenarioFile& file) const;
};

// Checks the gate options against the loaded file. False with *error (one line naming the
// option) on bad input: a --threshold for a variant the file does not declare, an unreadable
// or invalid baseline file.
bool PrepareGate(const CliOptions& options, const scenario::ScenarioFile& file, GateInputs* out,
                 std::string* error);

// Judges `result` (the runs of `file` that completed) with the threshold judge and, given a
// baseline, the baseline judge (bench/gate), and records the checks in result->gate
// (evaluated = true). Returns result->gate.pass.
bool EvaluateGate(const scenario::ScenarioFile& file, const GateInputs& inputs,
                  report::ScenarioResult* result);

}  // namespace streambench::runner
