#include "bench/runner/run_gate.h"

#include <algorithm>
#include <set>

#include "bench/report/json_report.h"

namespace streambench::runner {
namespace {

report::GateThresholdCheck ToReport(const gate::ThresholdResult& r) {
  report::GateThresholdCheck c;
  c.threshold = r.threshold;
  c.variant = r.variant;
  c.metric = r.metric;
  c.passed = r.passed;
  c.measured = r.measured;
  c.limit = r.limit;
  c.message = r.message;
  return c;
}

report::GateBaselineCheck ToReport(const gate::BaselineCheck& b) {
  report::GateBaselineCheck c;
  c.variant = b.variant;
  c.metric = b.metric;
  c.passed = b.passed;
  c.missing = b.missing;
  c.baseline = b.baseline;
  c.current = b.current;
  c.ratio = b.ratio;
  c.tolerance = b.tolerance_fraction;
  c.message = b.message;
  return c;
}

const scenario::Scenario* RunOfVariant(const scenario::ScenarioFile& file,
                                       const std::string& variant) {
  for (const scenario::Scenario& run : file.runs) {
    if (run.variant == variant) return &run;
  }
  return nullptr;
}

}  // namespace

bool GateInputs::Active(const scenario::ScenarioFile& file) const {
  if (!cli_thresholds.empty() || baseline.has_value()) return true;
  return std::any_of(file.runs.begin(), file.runs.end(),
                     [](const scenario::Scenario& run) { return !run.thresholds.empty(); });
}

bool PrepareGate(const CliOptions& options, const scenario::ScenarioFile& file, GateInputs* out,
                 std::string* error) {
  *out = GateInputs{};
  for (const std::string& text : options.thresholds) {
    gate::Threshold t;
    if (!gate::ParseThreshold(text, &t, error)) {
      *error = "--threshold: " + *error;
      return false;
    }
    if (!t.variant.empty() && RunOfVariant(file, t.variant) == nullptr) {
      std::string names;
      for (const scenario::Scenario& run : file.runs)
        names += (names.empty() ? "" : ", ") + run.variant;
      *error = "--threshold \"" + text + "\": the scenario has no variant `" + t.variant +
               "` (variants: " + names + ")";
      return false;
    }
    out->cli_thresholds.push_back(std::move(t));
  }
  for (const std::string& spec : options.tolerances) {
    if (!gate::ParseTolerance(spec, &out->tolerances, error)) {
      *error = "--tolerance: " + *error;
      return false;
    }
  }
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

GateOutcome EvaluateGate(const scenario::ScenarioFile& file, const GateInputs& inputs,
                         report::ScenarioResult* result) {
  GateOutcome outcome;
  // Scenario thresholds, each in declaration order (first seen across the runs), judged against
  // the completed runs whose own scenario declares it (a variant's `set` may change the list).
  std::vector<std::string> declared;
  std::set<std::string> seen;
  for (const scenario::Scenario& run : file.runs) {
    for (const std::string& text : run.thresholds) {
      if (seen.insert(text).second) declared.push_back(text);
    }
  }
  for (const std::string& text : declared) {
    gate::Threshold t;
    std::string error;
    if (!gate::ParseThreshold(text, &t, &error)) continue;  // refused at load time already
    bool judged = false;
    for (const report::RunResult& run : result->runs) {
      const scenario::Scenario* declaring = RunOfVariant(file, run.variant);
      if (declaring == nullptr || !gate::AppliesTo(t, run) ||
          std::find(declaring->thresholds.begin(), declaring->thresholds.end(), text) ==
              declaring->thresholds.end()) {
        continue;
      }
      outcome.thresholds.push_back(gate::EvaluateThreshold(t, run));
      judged = true;
    }
    // Its variant never ran (interrupted before it): a failed check, not a silent pass.
    if (!judged && !t.variant.empty()) {
      for (gate::ThresholdResult& r : gate::EvaluateThresholds({t}, *result)) {
        outcome.thresholds.push_back(std::move(r));
      }
    }
  }
  for (gate::ThresholdResult& r : gate::EvaluateThresholds(inputs.cli_thresholds, *result)) {
    outcome.thresholds.push_back(std::move(r));
  }
  if (inputs.baseline) {
    outcome.baseline = gate::CompareToBaseline(*result, *inputs.baseline, inputs.tolerances);
  }

  report::GateResult& gate = result->gate;
  gate = report::GateResult{};
  gate.evaluated = true;
  gate.baseline_path = inputs.baseline_path;
  for (const gate::ThresholdResult& r : outcome.thresholds) {
    gate.thresholds.push_back(ToReport(r));
    outcome.pass = outcome.pass && r.passed;
  }
  for (const gate::BaselineCheck& b : outcome.baseline) {
    gate.baseline.push_back(ToReport(b));
    outcome.pass = outcome.pass && b.passed;
  }
  gate.pass = outcome.pass;
  return outcome;
}

}  // namespace streambench::runner
