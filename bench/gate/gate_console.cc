#include "bench/gate/gate_console.h"

#include <cmath>
#include <string>

#include "bench/gate/metrics.h"
#include "bench/report/format.h"

namespace streambench::gate {
namespace {

std::string Pad(const std::string& text, size_t width, bool left) {
  if (text.size() >= width) return text;
  const std::string fill(width - text.size(), ' ');
  return left ? text + fill : fill + text;
}

std::string Verdict(const BaselineCheck& c) {
  if (!c.passed) return "REGRESSED";
  if (c.missing) return "new";
  if (c.baseline == c.current) return "ok";
  const bool higher = c.current > c.baseline;
  const bool worse = (c.direction == Direction::kHigherIsWorse) == higher;
  return worse ? "worse (within tolerance)" : "better";
}

}  // namespace

void PrintBaselineTable(const std::vector<BaselineCheck>& checks, std::ostream& out) {
  constexpr size_t kMetric = 34, kValue = 12, kRatio = 8;
  std::string variant;
  bool first = true;
  for (const BaselineCheck& c : checks) {
    if (first || c.variant != variant) {
      if (!first) out << "\n";
      first = false;
      variant = c.variant;
      out << "variant " << variant << "\n";
      out << "  " << Pad("metric", kMetric, true) << Pad("baseline", kValue, false)
          << Pad("current", kValue, false) << Pad("ratio", kRatio, false) << "  verdict\n";
    }
    if (c.metric.empty()) {
      out << "  " << (c.passed ? "" : "REGRESSED: ") << c.message << "\n";
      continue;
    }
    MetricUnit unit = MetricUnit::kCount;
    LookupMetric(c.metric, &unit);
    const bool baseline_measured = !(c.missing && std::isinf(c.ratio));
    const bool current_measured = !(c.missing && !std::isinf(c.ratio));
    const std::string ratio =
        std::isinf(c.ratio) || c.missing ? "-" : "x" + report::FormatNumber(c.ratio, 3);
    out << "  " << Pad(c.metric, kMetric, true)
        << Pad(baseline_measured ? FormatMetricValue(c.baseline, unit) : "-", kValue, false)
        << Pad(current_measured ? FormatMetricValue(c.current, unit) : "-", kValue, false)
        << Pad(ratio, kRatio, false) << "  " << Verdict(c);
    if (!c.passed && !c.missing) {
      // By how much, relative to the baseline (the full sentence is in c.message).
      const double worse = c.baseline == 0 ? 0
                           : c.direction == Direction::kHigherIsWorse
                               ? (c.current - c.baseline) / c.baseline
                               : (c.baseline - c.current) / c.baseline;
      out << " (" << (c.baseline == 0 ? "up from 0" : "worse by " + report::FormatPercent(worse))
          << ", tolerance " << report::FormatPercent(c.tolerance_fraction) << ")";
    } else if (!c.passed) {
      out << " (" << c.message << ")";
    }
    out << "\n";
  }
}

int PrintGateSummary(const std::vector<ThresholdResult>& thresholds,
                     const std::vector<BaselineCheck>& baseline, std::ostream& out) {
  int failed = 0;
  int total = 0;
  for (const ThresholdResult& r : thresholds) {
    ++total;
    if (!r.passed) ++failed;
    out << (r.passed ? "PASS  " : "FAIL  ") << "threshold " << r.threshold;
    if (!r.variant.empty()) out << " [" << r.variant << "]";
    out << ": " << r.message << "\n";
  }
  int baseline_failed = 0;
  for (const BaselineCheck& c : baseline) {
    ++total;
    if (c.passed) continue;
    ++failed;
    ++baseline_failed;
    out << "FAIL  baseline [" << c.variant << "] " << c.message << "\n";
  }
  if (!baseline.empty() && baseline_failed == 0) {
    out << "PASS  baseline: " << baseline.size() << " checks within tolerance\n";
  }
  if (failed == 0) {
    out << "gate: PASS (" << total << (total == 1 ? " check)\n" : " checks)\n");
  } else {
    out << "gate: FAIL (" << failed << " of " << total << " checks failed)\n";
  }
  return failed;
}

}  // namespace streambench::gate
