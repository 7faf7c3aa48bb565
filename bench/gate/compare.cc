#include "bench/gate/compare.h"

#include "bench/gate/baseline_judge.h"
#include "bench/gate/exit_code.h"
#include "bench/gate/gate_console.h"
#include "bench/report/json_report.h"

namespace streambench::gate {

int RunCompare(const std::string& a_path, const std::string& b_path,
               const criteria::Tolerances& tolerances, std::ostream& out) {
  report::ScenarioResult a, b;
  std::string error;
  if (!report::ReadJsonFile(a_path, &a, &error) || !report::ReadJsonFile(b_path, &b, &error)) {
    out << "error: " << error << "\n";
    return kExitBadInput;
  }
  out << "A (baseline): " << a_path << " (" << a.scenario << ", " << a.started_at << ")\n";
  out << "B (current):  " << b_path << " (" << b.scenario << ", " << b.started_at << ")\n";
  if (a.scenario != b.scenario) {
    out << "note: different scenarios (\"" << a.scenario << "\" vs \"" << b.scenario
        << "\"); variants are matched by name\n";
  }
  out << "\n";
  const std::vector<report::Check> checks = BaselineJudge(a, tolerances).Checks(b);
  PrintBaselineTable(checks, out);
  int failed = 0;
  for (const report::Check& check : checks) failed += check.passed ? 0 : 1;
  out << "\n";
  if (failed == 0) {
    out << "compare: PASS (" << checks.size() << " checks, none regressed beyond tolerance)\n";
    return kExitPass;
  }
  out << "compare: FAIL (" << failed << " of " << checks.size()
      << " checks regressed beyond tolerance)\n";
  return kExitChecksFailed;
}

}  // namespace streambench::gate
