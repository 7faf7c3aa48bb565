#include "bench/gate/baseline.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "bench/gate/expression_text.h"
#include "bench/gate/metrics.h"
#include "bench/report/format.h"

namespace streambench::gate {
namespace {

// Tolerances come only from --tolerance arguments: spaces and tabs are the blanks.
std::string Trim(const std::string& s) { return TrimChars(s, " \t"); }

// "10%" -> 0.1, "0.1" -> 0.1; false if not a non-negative finite number.
bool ParseFraction(const std::string& text, double* out) {
  const char* begin = text.c_str();
  char* end = nullptr;
  double value = std::strtod(begin, &end);
  if (end == begin) return false;
  const std::string suffix = Trim(end);
  if (suffix == "%") {
    value /= 100;
  } else if (!suffix.empty()) {
    return false;
  }
  if (!std::isfinite(value) || value < 0) return false;
  *out = value;
  return true;
}

bool IsCompared(const std::string& metric) {
  for (const auto& [name, direction] : ComparedMetrics()) {
    if (name == metric) return true;
  }
  return false;
}

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

void Judge(BaselineCheck* check, MetricUnit unit) {
  const double b = check->baseline;
  const double c = check->current;
  check->ratio = b != 0 ? c / b : (c == 0 ? 1 : std::numeric_limits<double>::infinity());
  // Positive = worse, as a fraction of the baseline.
  double worse_fraction = 0;
  if (b != 0) {
    worse_fraction = check->direction == Direction::kHigherIsWorse ? (c - b) / b : (b - c) / b;
  } else if (check->direction == Direction::kHigherIsWorse && c > 0) {
    worse_fraction = std::numeric_limits<double>::infinity();
  }
  check->passed = worse_fraction <= check->tolerance_fraction;

  std::string text = check->metric + " " + FormatMetricValue(c, unit) + " vs " +
                     FormatMetricValue(b, unit) + " baseline";
  if (std::isinf(check->ratio)) {
    text += ": up from 0";
  } else {
    text += ": x" + report::FormatNumber(check->ratio, 3);
    if (worse_fraction > 0) {
      text += ", worse by " + report::FormatPercent(worse_fraction);
    } else if (worse_fraction < 0) {
      text += ", better by " + report::FormatPercent(-worse_fraction);
    }
  }
  text += " (tolerance " + report::FormatPercent(check->tolerance_fraction) + ")";
  if (!check->passed) text += ": REGRESSED";
  check->message = text;
}

}  // namespace

double Tolerances::For(const std::string& metric) const {
  auto it = per_metric.find(metric);
  return it == per_metric.end() ? default_fraction : it->second;
}

bool ParseTolerance(const std::string& raw, Tolerances* tolerances, std::string* error) {
  const std::string text = Trim(raw);
  const size_t equals = text.find('=');
  const std::string value_text = Trim(equals == std::string::npos ? text : text.substr(equals + 1));
  double value = 0;
  if (!ParseFraction(value_text, &value)) {
    *error = Printable("tolerance \"" + text +
                       "\": expected a non-negative percentage or fraction, e.g. 10% or 0.1");
    return false;
  }
  if (equals == std::string::npos) {
    tolerances->default_fraction = value;
    return true;
  }
  const std::string metric = Trim(text.substr(0, equals));
  if (!IsCompared(metric)) {
    std::string list;
    for (const auto& [name, direction] : ComparedMetrics())
      list += (list.empty() ? "" : ", ") + name;
    *error = Printable("tolerance \"" + text + "\": \"" + metric +
                       "\" is not a compared metric (one of: " + list + ")");
    return false;
  }
  tolerances->per_metric[metric] = value;
  return true;
}

const std::vector<std::pair<std::string, Direction>>& ComparedMetrics() {
  static const auto* metrics = new std::vector<std::pair<std::string, Direction>>{
      {"throughput.messages_per_s", Direction::kLowerIsWorse},
      {"throughput.calls_per_s", Direction::kLowerIsWorse},
      {"throughput.bytes_sent_per_s", Direction::kLowerIsWorse},
      {"throughput.bytes_received_per_s", Direction::kLowerIsWorse},
      {"message_latency.p50", Direction::kHigherIsWorse},
      {"message_latency.p99", Direction::kHigherIsWorse},
      {"message_latency.p999", Direction::kHigherIsWorse},
      {"call_latency.p50", Direction::kHigherIsWorse},
      {"call_latency.p99", Direction::kHigherIsWorse},
      {"call_latency.p999", Direction::kHigherIsWorse},
      {"error_rate", Direction::kHigherIsWorse},
      {"integrity_errors", Direction::kHigherIsWorse},
  };
  return *metrics;
}

std::vector<BaselineCheck> CompareToBaseline(const report::ScenarioResult& current,
                                             const report::ScenarioResult& baseline,
                                             const Tolerances& tolerances) {
  std::vector<BaselineCheck> checks;
  for (const std::string& variant : VariantsInOrder(current, baseline)) {
    const auto now = RunsOf(current, variant);
    const auto before = RunsOf(baseline, variant);
    if (now.empty() || before.empty()) {
      BaselineCheck check;
      check.variant = variant;
      check.missing = true;
      check.passed = !now.empty();  // a variant that disappeared can no longer be verified
      check.message = now.empty()
                          ? "variant \"" + variant + "\" is in the baseline but not in this run"
                          : "variant \"" + variant + "\" is new: no baseline to compare";
      checks.push_back(check);
      continue;
    }
    for (const auto& [metric, direction] : ComparedMetrics()) {
      MetricUnit unit = MetricUnit::kCount;
      LookupMetric(metric, &unit);
      BaselineCheck check;
      check.variant = variant;
      check.metric = metric;
      check.direction = direction;
      check.tolerance_fraction = tolerances.For(metric);
      check.baseline = Median(before, metric);
      check.current = Median(now, metric);
      if (IsLatency(metric)) {
        const bool in_baseline = LatencyRecorded(before, metric);
        const bool in_current = LatencyRecorded(now, metric);
        if (!in_baseline && !in_current) continue;
        if (!in_baseline || !in_current) {
          check.missing = true;
          check.passed = in_current;
          check.ratio = in_current ? std::numeric_limits<double>::infinity() : 0;
          check.message = metric + (in_current ? " was not measured in the baseline"
                                               : " was measured in the baseline (" +
                                                     FormatMetricValue(check.baseline, unit) +
                                                     ") but not in this run");
          checks.push_back(check);
          continue;
        }
      }
      Judge(&check, unit);
      checks.push_back(check);
    }
  }
  return checks;
}

}  // namespace streambench::gate
