#include "bench/runner/run_gate.h"

#include <algorithm>

#include "bench/gate/baseline_judge.h"
#include "bench/gate/threshold_judge.h"
#include "bench/report/json_report.h"

namespace streambench::runner {

bool GateInputs::Active(const scenario::ScenarioFile& file) const {
  if (!cli_thresholds.empty() || baseline.has_value()) return true;
  return std::any_of(file.runs.begin(), file.runs.end(),
                     [](const scenario::Scenario& run) { return !run.thresholds.empty(); });
}

bool PrepareGate(const CliOptions& options, const scenario::ScenarioFile& file, GateInputs* out,
                 std::string* error) {
  *out = GateInputs{};
  for (const criteria::Threshold& t : options.thresholds) {
    const bool declared = t.variant.empty() || std::any_of(file.runs.begin(), file.runs.end(),
                                                           [&t](const scenario::Scenario& run) {
                                                             return run.variant == t.variant;
                                                           });
    if (!declared) {
      std::string names;
      for (const scenario::Scenario& run : file.runs)
        names += (names.empty() ? "" : ", ") + run.variant;
      *error = "--threshold \"" + t.text + "\": the scenario has no variant `" + t.variant +
               "` (variants: " + names + ")";
      return false;
    }
    out->cli_thresholds.push_back(t);
  }
  out->tolerances = options.tolerances;
  if (!options.baseline_path.empty()) {
    report::ScenarioResult baseline;
    if (!report::ReadJsonFile(options.baseline_path, &baseline, error)) {
      *error = "--baseline: " + *error;
      return false;
    }
    out->baseline = std::move(baseline);
    out->baseline_path = options.baseline_path;
  }
  return true;
}

bool EvaluateGate(const scenario::ScenarioFile& file, const GateInputs& inputs,
                  report::ScenarioResult* result) {
  report::GateResult gate;
  gate.evaluated = true;
  gate.baseline_path = inputs.baseline_path;
  gate.thresholds = gate::ThresholdJudge(file, inputs.cli_thresholds).Checks(*result);
  if (inputs.baseline) {
    gate.baseline = gate::BaselineJudge(*inputs.baseline, inputs.tolerances).Checks(*result);
  }
  gate.pass = gate::AllPassed(gate.thresholds) && gate::AllPassed(gate.baseline);
  result->gate = std::move(gate);
  return result->gate.pass;
}

}  // namespace streambench::runner
