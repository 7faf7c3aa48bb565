#include "bench/gate/gate_console.h"

#include <cmath>
#include <string>

#include "bench/gate/baseline_judge.h"
#include "bench/gate/metric_value.h"
#include "bench/report/format.h"

namespace streambench::gate {
namespace {

std::string Pad(const std::string& text, size_t width, bool left) {
  if (text.size() >= width) return text;
  const std::string fill(width - text.size(), ' ');
  return left ? text + fill : fill + text;
}

report::BaselineFigures FiguresOf(const report::Check& c) {
  return c.baseline.value_or(report::BaselineFigures{});
}

std::string Verdict(const report::Check& c) {
  if (!c.passed) return "REGRESSED";
  if (FiguresOf(c).missing) return "new";
  if (c.limit == c.measured) return "ok";
  const bool higher = c.measured > c.limit;
  const bool worse = (FiguresOf(c).better == report::Better::kLower) == higher;
  return worse ? "worse (within tolerance)" : "better";
}

}  // namespace

void PrintBaselineTable(const std::vector<report::Check>& checks, std::ostream& out) {
  constexpr size_t kMetric = 34, kValue = 12, kRatio = 8;
  std::string variant;
  bool first = true;
  for (const report::Check& c : checks) {
    const report::BaselineFigures figures = FiguresOf(c);
    if (first || c.variant != variant) {
      if (!first) out << "\n";
      first = false;
      variant = c.variant;
      out << "variant " << variant << "\n";
      out << "  " << Pad("metric", kMetric, true) << Pad("baseline", kValue, false)
          << Pad("current", kValue, false) << Pad("ratio", kRatio, false) << "  verdict\n";
    }
    if (c.metric.empty()) {
      out << "  " << (c.passed ? "" : "REGRESSED: ") << c.detail << "\n";
      continue;
    }
    const bool baseline_measured = !(figures.missing && std::isinf(figures.ratio));
    const bool current_measured = !(figures.missing && !std::isinf(figures.ratio));
    const std::string ratio = std::isinf(figures.ratio) || figures.missing
                                  ? "-"
                                  : "x" + report::FormatNumber(figures.ratio, 3);
    out << "  " << Pad(c.metric, kMetric, true)
        << Pad(baseline_measured ? FormatMetricValue(c.limit, c.metric) : "-", kValue, false)
        << Pad(current_measured ? FormatMetricValue(c.measured, c.metric) : "-", kValue, false)
        << Pad(ratio, kRatio, false) << "  " << Verdict(c);
    if (!c.passed && !figures.missing) {
      // By how much, relative to the baseline (the full sentence is in c.detail).
      const double worse = WorseFraction(figures.better, c.limit, c.measured);
      out << " (" << (c.limit == 0 ? "up from 0" : "worse by " + report::FormatPercent(worse))
          << ", tolerance " << report::FormatPercent(figures.tolerance_fraction) << ")";
    } else if (!c.passed) {
      out << " (" << c.detail << ")";
    }
    out << "\n";
  }
}

int PrintGateSummary(const std::vector<report::Check>& thresholds,
                     const std::vector<report::Check>& baseline, std::ostream& out) {
  int failed = 0;
  int total = 0;
  for (const report::Check& r : thresholds) {
    ++total;
    if (!r.passed) ++failed;
    out << (r.passed ? "PASS  " : "FAIL  ") << "threshold " << r.name;
    if (!r.variant.empty()) out << " [" << r.variant << "]";
    out << ": " << r.detail << "\n";
  }
  int baseline_failed = 0;
  for (const report::Check& c : baseline) {
    ++total;
    if (c.passed) continue;
    ++failed;
    ++baseline_failed;
    out << "FAIL  baseline [" << c.variant << "] " << c.detail << "\n";
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

bool GateConsoleSink::Write(const report::ScenarioResult& result,
                            std::vector<std::string>* errors) {
  const report::GateResult& gate = result.gate;
  if (!gate.evaluated) return true;
  if (failures_only_) {
    if (!gate.pass) PrintGateSummary(gate.thresholds, gate.baseline, out_);
    return true;
  }
  out_ << "\n";
  if (!gate.baseline_path.empty()) {
    out_ << "baseline " << gate.baseline_path << "\n";
    PrintBaselineTable(gate.baseline, out_);
  }
  PrintGateSummary(gate.thresholds, gate.baseline, out_);
  return true;
}

}  // namespace streambench::gate
