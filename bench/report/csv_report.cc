#include "bench/report/csv_report.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "bench/report/atomic_file.h"
#include "bench/report/comparison.h"
#include "bench/report/result_fields.h"

namespace streambench::report {
namespace {

// Doubles with three decimals, integers as they are, flags as true/false.
std::string Text(const FieldRef& ref) {
  return std::visit(
      [](auto* p) -> std::string {
        using T = std::remove_pointer_t<decltype(p)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return *p;
        } else if constexpr (std::is_same_v<T, bool>) {
          return *p ? "true" : "false";
        } else if constexpr (std::is_same_v<T, double>) {
          char buf[64];
          std::snprintf(buf, sizeof(buf), "%.3f", *p);
          return buf;
        } else {
          return std::to_string(*p);
        }
      },
      ref);
}

using Row = std::vector<std::pair<std::string, std::string>>;

// The columns a composite stands for: status counts, every latency kind (absent kinds as zeros);
// the failed expectations go last, after every figure.
void AddComposite(Composite composite, RunResult& run, Row* row) {
  auto add = [row](std::string column, std::string value) {
    row->emplace_back(std::move(column), std::move(value));
  };
  switch (composite) {
    case Composite::kCallsByCode: {
      uint64_t ok = 0;
      std::string by_code;
      for (const auto& [code, count] : run.calls_by_code) {
        if (code == "OK") ok = count;
        if (!by_code.empty()) by_code += ' ';
        by_code += code + "=" + std::to_string(count);
      }
      add("calls_ok", std::to_string(ok));
      add("calls_not_ok", std::to_string(run.calls_finished >= ok ? run.calls_finished - ok : 0));
      add("calls_by_code", by_code);
      return;
    }
    case Composite::kLatency:
      for (const std::string& kind : LatencyKinds()) {
        auto it = run.latency_us.find(kind);
        LatencySummary summary = it == run.latency_us.end() ? LatencySummary{} : it->second;
        // The count first, then the statistics in microseconds.
        for (const LatencyStat& stat : LatencyStats()) {
          if (stat.name == "count") add("latency_" + kind + "_count", Text(stat.ref(summary)));
        }
        for (const LatencyStat& stat : LatencyStats()) {
          if (stat.name == "count") continue;
          add("latency_" + kind + "_" + stat.name + "_us", Text(stat.ref(summary)));
        }
      }
      return;
    case Composite::kNone:
    case Composite::kOutages:
    case Composite::kChecks:
    case Composite::kCapacitySteps:  // in their own file (CapacityStepsCsvPath)
    case Composite::kHistograms:
    case Composite::kCountHistograms:
    case Composite::kSeries:
      return;
  }
}

// (column, value) pairs of one run, in column order; CsvColumns() uses the same list.
Row RowOf(const ScenarioResult& result, RunResult run) {
  Row row;
  row.emplace_back("scenario", result.scenario);
  for (const RunField& field : RunFields()) {
    if (field.ref == nullptr) {
      AddComposite(field.composite, run, &row);
    } else if (!field.csv_column.empty()) {
      row.emplace_back(field.csv_column, Text(field.ref(run)));
    }
  }
  std::string failed;
  for (const Check& check : run.checks) {
    if (check.passed) continue;
    if (!failed.empty()) failed += "; ";
    failed += check.name + ": " + check.detail;
  }
  row.emplace_back("failed_checks", failed);
  return row;
}

}  // namespace

std::vector<std::string> CsvColumns() {
  std::vector<std::string> columns;
  for (auto& [column, value] : RowOf(ScenarioResult{}, RunResult{})) columns.push_back(column);
  return columns;
}

std::string CsvQuote(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string ToCsv(const ScenarioResult& result) {
  std::string out;
  const std::vector<std::string> columns = CsvColumns();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ',';
    out += columns[i];
  }
  out += "\r\n";
  for (const RunResult& run : result.runs) {
    const auto row = RowOf(result, run);
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += ',';
      out += CsvQuote(row[i].second);
    }
    out += "\r\n";
  }
  return out;
}

std::string CapacityStepsCsvPath(const std::string& csv_path) {
  const std::string suffix = ".csv";
  if (csv_path.size() > suffix.size() &&
      csv_path.compare(csv_path.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return csv_path.substr(0, csv_path.size() - suffix.size()) + ".capacity_steps.csv";
  }
  return csv_path + ".capacity_steps.csv";
}

std::string CapacityStepsToCsv(const ScenarioResult& result) {
  std::string out = "variant,repeat,step";
  for (const CapacityStepField& f : CapacityStepFields()) out += "," + f.name;
  out += "\r\n";
  for (const RunResult& run : result.runs) {
    for (size_t i = 0; i < run.capacity.steps.size(); ++i) {
      CapacityStep step = run.capacity.steps[i];
      out +=
          CsvQuote(run.variant) + "," + std::to_string(run.repeat_index) + "," + std::to_string(i);
      for (const CapacityStepField& f : CapacityStepFields())
        out += "," + CsvQuote(Text(f.ref(step)));
      out += "\r\n";
    }
  }
  return out;
}

bool WriteCsvFile(const ScenarioResult& result, const std::string& path, std::string* error) {
  if (!WriteFileAtomically(path, ToCsv(result), error)) return false;
  // A capacity search's steps (the latency-throughput curve) go to a file of their own, one row
  // per step, so the per-run file keeps one row per run.
  const bool searched = std::any_of(result.runs.begin(), result.runs.end(),
                                    [](const RunResult& r) { return r.capacity.searched; });
  if (searched &&
      !WriteFileAtomically(CapacityStepsCsvPath(path), CapacityStepsToCsv(result), error)) {
    return false;
  }
  // Variants side by side go to a second file, so the per-run file keeps one row shape.
  if (result.comparison.empty()) return true;
  return WriteFileAtomically(ComparisonCsvPath(path), ComparisonToCsv(result.comparison), error);
}

}  // namespace streambench::report
