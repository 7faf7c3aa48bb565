#include "bench/gate/baseline_judge.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "bench/gate/metric_value.h"
#include "bench/report/format.h"

namespace streambench::gate {
namespace {

// The runs of one variant, in file order.
std::vector<const report::RunResult*> RunsOf(const report::ScenarioResult& result,
                                             const std::string& variant) {
  std::vector<const report::RunResult*> runs;
  for (const report::RunResult& run : result.runs) {
    if (run.variant == variant) runs.push_back(&run);
  }
  return runs;
}

// Median of a metric over repeats (the middle value; the mean of the two middle ones).
double Median(const std::vector<const report::RunResult*>& runs, const std::string& metric) {
  std::vector<double> values;
  for (const report::RunResult* run : runs) values.push_back(MetricValue(metric, *run));
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// For latency metrics, whether any run recorded that kind ("message_latency.p99" -> count).
bool LatencyRecorded(const std::vector<const report::RunResult*>& runs, const std::string& metric) {
  const std::string count_metric = metric.substr(0, metric.find('.')) + ".count";
  for (const report::RunResult* run : runs) {
    if (MetricValue(count_metric, *run) > 0) return true;
  }
  return false;
}

bool IsCapacity(const std::string& metric) { return metric.rfind("capacity.", 0) == 0; }
bool Searched(const std::vector<const report::RunResult*>& runs) {
  for (const report::RunResult* run : runs) {
    if (run->capacity.searched) return true;
  }
  return false;
}

bool IsLatency(const std::string& metric) { return metric.find("_latency.") != std::string::npos; }

std::vector<std::string> VariantsInOrder(const report::ScenarioResult& a,
                                         const report::ScenarioResult& b) {
  std::vector<std::string> variants;
  for (const report::ScenarioResult* result : {&a, &b}) {
    for (const report::RunResult& run : result->runs) {
      if (std::find(variants.begin(), variants.end(), run.variant) == variants.end()) {
        variants.push_back(run.variant);
      }
    }
  }
  return variants;
}

void JudgeAgainstBaseline(report::Check* check, report::MetricUnit unit) {
  const double b = check->limit;
  const double c = check->measured;
  report::BaselineFigures& figures = *check->baseline;
  figures.ratio = b != 0 ? c / b : (c == 0 ? 1 : std::numeric_limits<double>::infinity());
  const double worse_fraction = WorseFraction(figures.better, b, c);
  check->passed = worse_fraction <= figures.tolerance_fraction;

  std::string text = check->metric + " " + FormatMetricValue(c, unit) + " vs " +
                     FormatMetricValue(b, unit) + " baseline";
  if (std::isinf(figures.ratio)) {
    text += ": up from 0";
  } else {
    text += ": x" + report::FormatNumber(figures.ratio, 3);
    if (worse_fraction > 0) {
      text += ", worse by " + report::FormatPercent(worse_fraction);
    } else if (worse_fraction < 0) {
      text += ", better by " + report::FormatPercent(-worse_fraction);
    }
  }
  text += " (tolerance " + report::FormatPercent(figures.tolerance_fraction) + ")";
  if (!check->passed) text += ": REGRESSED";
  check->detail = text;
}

}  // namespace

double WorseFraction(report::Better better, double baseline, double current) {
  if (baseline != 0) {
    return better == report::Better::kLower ? (current - baseline) / baseline
                                            : (baseline - current) / baseline;
  }
  if (better == report::Better::kLower && current > 0) {
    return std::numeric_limits<double>::infinity();
  }
  return 0;
}

std::vector<report::Check> CompareToBaseline(const report::ScenarioResult& current,
                                             const report::ScenarioResult& baseline,
                                             const criteria::Tolerances& tolerances) {
  std::vector<report::Check> checks;
  for (const std::string& variant : VariantsInOrder(current, baseline)) {
    const auto now = RunsOf(current, variant);
    const auto before = RunsOf(baseline, variant);
    if (now.empty() || before.empty()) {
      report::Check check;
      check.variant = variant;
      check.baseline = report::BaselineFigures{};
      check.baseline->missing = true;
      check.passed = !now.empty();  // a variant that disappeared can no longer be verified
      check.detail = now.empty()
                         ? "variant \"" + variant + "\" is in the baseline but not in this run"
                         : "variant \"" + variant + "\" is new: no baseline to compare";
      checks.push_back(check);
      continue;
    }
    for (const std::string& metric : criteria::BaselineMetrics()) {
      const report::Metric* info = report::FindMetric(metric);
      report::Check check;
      check.name = metric;
      check.variant = variant;
      check.metric = metric;
      report::BaselineFigures figures;
      figures.better = info->better;
      figures.tolerance_fraction = tolerances.For(metric);
      check.baseline = figures;
      check.limit = Median(before, metric);
      check.measured = Median(now, metric);
      if (IsCapacity(metric)) {
        // Only a capacity search finds a capacity: compared when both sides searched; a search
        // on one side only is a different measurement, said so.
        const bool in_baseline = Searched(before);
        const bool in_current = Searched(now);
        if (!in_baseline && !in_current) continue;
        if (!in_baseline || !in_current) {
          check.baseline->missing = true;
          check.passed = in_current;
          check.baseline->ratio = in_current ? std::numeric_limits<double>::infinity() : 0;
          check.detail = metric + (in_current ? " was not searched for in the baseline"
                                              : " was searched for in the baseline but not now");
          checks.push_back(check);
          continue;
        }
      }
      if (IsLatency(metric)) {
        const bool in_baseline = LatencyRecorded(before, metric);
        const bool in_current = LatencyRecorded(now, metric);
        if (!in_baseline && !in_current) continue;
        if (!in_baseline || !in_current) {
          check.baseline->missing = true;
          check.passed = in_current;
          check.baseline->ratio = in_current ? std::numeric_limits<double>::infinity() : 0;
          check.detail = metric + (in_current ? " was not measured in the baseline"
                                              : " was measured in the baseline (" +
                                                    FormatMetricValue(check.limit, info->unit) +
                                                    ") but not in this run");
          checks.push_back(check);
          continue;
        }
      }
      JudgeAgainstBaseline(&check, info->unit);
      checks.push_back(check);
    }
  }
  return checks;
}

}  // namespace streambench::gate
