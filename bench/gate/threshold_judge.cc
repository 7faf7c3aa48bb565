#include "bench/gate/threshold_judge.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "bench/gate/metric_value.h"
#include "bench/report/format.h"

namespace streambench::gate {
namespace {

using criteria::Comparison;
using criteria::Threshold;

// How far a failed comparison missed: "over by 1.20ms (+24.0%)".
std::string Miss(const Threshold& t, double measured) {
  const double difference = measured - t.limit;
  const double magnitude = std::fabs(difference);
  std::string how;
  switch (t.op) {
    case Comparison::kLess:
    case Comparison::kLessEqual:
      how = magnitude == 0 ? "at the limit" : "over by " + FormatMetricValue(magnitude, t.unit);
      break;
    case Comparison::kGreater:
    case Comparison::kGreaterEqual:
      how = magnitude == 0 ? "at the limit" : "under by " + FormatMetricValue(magnitude, t.unit);
      break;
    case Comparison::kEqual:
      how = "off by " + FormatMetricValue(magnitude, t.unit);
      break;
    case Comparison::kNotEqual:
      return "equal to the limit";
  }
  if (t.limit != 0 && magnitude != 0) {
    how += std::string(" (") + (difference > 0 ? "+" : "-") +
           report::FormatPercent(magnitude / std::fabs(t.limit)) + ")";
  }
  return how;
}

const scenario::Scenario* RunOfVariant(const scenario::ScenarioFile& file,
                                       const std::string& variant) {
  for (const scenario::Scenario& run : file.runs) {
    if (run.variant == variant) return &run;
  }
  return nullptr;
}

}  // namespace

bool AppliesTo(const Threshold& threshold, const report::RunResult& run) {
  return threshold.variant.empty() || threshold.variant == run.variant;
}

report::Check EvaluateThreshold(const Threshold& threshold, const report::RunResult& run) {
  report::Check c;
  c.name = threshold.text;
  c.variant = run.variant;
  c.metric = threshold.metric;
  c.measured = MetricValue(threshold.metric, run);
  c.limit = threshold.limit;
  c.passed = criteria::Holds(c.measured, threshold.op, threshold.limit);
  c.detail = threshold.metric + " = " + FormatMetricValue(c.measured, threshold.unit) + ", limit " +
             criteria::ComparisonSymbol(threshold.op) + " " + threshold.limit_text;
  if (!c.passed) c.detail += ": " + Miss(threshold, c.measured);
  return c;
}

std::vector<report::Check> EvaluateThresholds(const std::vector<Threshold>& thresholds,
                                              const report::ScenarioResult& result) {
  std::vector<report::Check> checks;
  for (const Threshold& threshold : thresholds) {
    bool applied = false;
    for (const report::RunResult& run : result.runs) {
      if (!AppliesTo(threshold, run)) continue;
      applied = true;
      checks.push_back(EvaluateThreshold(threshold, run));
    }
    if (applied) continue;
    report::Check missing;
    missing.name = threshold.text;
    missing.variant = threshold.variant;
    missing.metric = threshold.metric;
    missing.limit = threshold.limit;
    missing.passed = false;
    std::string variants;
    for (const report::RunResult& run : result.runs) {
      variants += (variants.empty() ? "" : ", ") + run.variant;
    }
    missing.detail = threshold.variant.empty()
                         ? "no runs to judge"
                         : "no run of variant \"" + threshold.variant +
                               "\" (variants: " + (variants.empty() ? "none" : variants) + ")";
    checks.push_back(missing);
  }
  return checks;
}

std::vector<report::Check> ThresholdJudge::Checks(const report::ScenarioResult& result) const {
  std::vector<report::Check> checks;
  std::vector<Threshold> declared;
  for (const scenario::Scenario& run : file_.runs) {
    for (const Threshold& t : run.thresholds) {
      if (std::find(declared.begin(), declared.end(), t) == declared.end()) declared.push_back(t);
    }
  }
  for (const Threshold& t : declared) {
    bool judged = false;
    for (const report::RunResult& run : result.runs) {
      const scenario::Scenario* declaring = RunOfVariant(file_, run.variant);
      if (declaring == nullptr || !AppliesTo(t, run) ||
          std::find(declaring->thresholds.begin(), declaring->thresholds.end(), t) ==
              declaring->thresholds.end()) {
        continue;
      }
      checks.push_back(EvaluateThreshold(t, run));
      judged = true;
    }
    // Its variant never ran (interrupted before it): a failed check, not a silent pass.
    if (!judged && !t.variant.empty()) {
      for (report::Check& c : EvaluateThresholds({t}, result)) checks.push_back(std::move(c));
    }
  }
  for (report::Check& c : EvaluateThresholds(command_line_, result)) {
    checks.push_back(std::move(c));
  }
  return checks;
}

}  // namespace streambench::gate
