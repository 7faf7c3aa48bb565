#include "bench/report/csv_report.h"

#include <cstdio>
#include <utility>

#include "bench/report/atomic_file.h"
#include "bench/report/comparison.h"

namespace streambench::report {
namespace {

// Latency kinds in column order (stats::LatencyName values); absent kinds are written as zeros.
constexpr const char* kLatencyKinds[] = {"message",        "call",          "first_message",
                                         "final_response", "write_blocked", "schedule_lag"};
constexpr const char* kLatencyStats[] = {"p50", "p90", "p99", "p999", "max", "mean", "min"};

std::string Number(double value) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.3f", value);
  return buf;
}

std::string Number(uint64_t value) { return std::to_string(value); }

double Stat(const LatencySummary& s, int index) {
  const double values[] = {s.p50_us, s.p90_us, s.p99_us, s.p999_us, s.max_us, s.mean_us, s.min_us};
  return values[index];
}

// (column, value) pairs of one run, in column order; CsvColumns() uses the same list.
std::vector<std::pair<std::string, std::string>> Row(const ScenarioResult& result,
                                                     const RunResult& run) {
  std::vector<std::pair<std::string, std::string>> row;
  auto add = [&row](std::string column, std::string value) {
    row.emplace_back(std::move(column), std::move(value));
  };
  add("scenario", result.scenario);
  add("variant", run.variant);
  add("mode", run.mode);
  add("service", run.service);
  add("target", run.target);
  add("repeat", std::to_string(run.repeat_index));
  add("duration_s", Number(run.duration_s));
  add("interrupted", run.interrupted ? "true" : "false");
  add("pass", run.pass ? "true" : "false");
  add("messages_sent", Number(run.messages_sent));
  add("messages_received", Number(run.messages_received));
  add("bytes_sent", Number(run.bytes_sent));
  add("bytes_received", Number(run.bytes_received));
  add("calls_started", Number(run.calls_started));
  add("calls_finished", Number(run.calls_finished));
  uint64_t ok = 0;
  std::string by_code;
  for (const auto& [code, count] : run.calls_by_code) {
    if (code == "OK") ok = count;
    if (!by_code.empty()) by_code += ' ';
    by_code += code + "=" + std::to_string(count);
  }
  add("calls_ok", Number(ok));
  add("calls_not_ok", Number(run.calls_finished >= ok ? run.calls_finished - ok : 0));
  add("calls_by_code", by_code);
  add("messages_per_s", Number(run.messages_per_s));
  add("messages_sent_per_s", Number(run.messages_sent_per_s));
  add("messages_received_per_s", Number(run.messages_received_per_s));
  add("bytes_sent_per_s", Number(run.bytes_sent_per_s));
  add("bytes_received_per_s", Number(run.bytes_received_per_s));
  add("calls_per_s", Number(run.calls_per_s));
  add("target_rate_per_s", Number(run.target_rate_per_s));
  add("dropped_ops", Number(run.dropped_ops));
  // The generator's own CPU (issue 8): whether the figures are the harness's limit.
  const GeneratorCpu& cpu = run.generator;
  add("generator_cpu_s", Number(cpu.cpu_seconds));
  add("generator_cpu_utilization", Number(cpu.cpu_utilization));
  add("generator_busiest_thread_utilization", Number(cpu.busiest_thread_utilization));
  add("generator_cores", std::to_string(cpu.cores));
  add("generator_includes_server", cpu.includes_server ? "true" : "false");
  add("generator_saturated", cpu.saturated ? "true" : "false");
  for (const char* kind : kLatencyKinds) {
    auto it = run.latency_us.find(kind);
    const LatencySummary summary = it == run.latency_us.end() ? LatencySummary{} : it->second;
    add(std::string("latency_") + kind + "_count", Number(summary.count));
    for (int s = 0; s < static_cast<int>(std::size(kLatencyStats)); ++s) {
      add(std::string("latency_") + kind + "_" + kLatencyStats[s] + "_us",
          Number(Stat(summary, s)));
    }
  }
  add("integrity_lost", Number(run.integrity.lost));
  add("integrity_duplicated", Number(run.integrity.duplicated));
  add("integrity_reordered", Number(run.integrity.reordered));
  add("integrity_corrupted", Number(run.integrity.corrupted));
  std::string failed;
  for (const ExpectationCheck& check : run.checks) {
    if (check.passed) continue;
    if (!failed.empty()) failed += "; ";
    failed += check.name + ": " + check.detail;
  }
  add("failed_checks", failed);
  return row;
}

}  // namespace

std::vector<std::string> CsvColumns() {
  std::vector<std::string> columns;
  for (auto& [column, value] : Row(ScenarioResult{}, RunResult{})) columns.push_back(column);
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
    const auto row = Row(result, run);
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += ',';
      out += CsvQuote(row[i].second);
    }
    out += "\r\n";
  }
  return out;
}

bool WriteCsvFile(const ScenarioResult& result, const std::string& path, std::string* error) {
  if (!WriteFileAtomically(path, ToCsv(result), error)) return false;
  // Variants side by side go to a second file, so the per-run file keeps one row shape.
  if (result.comparison.empty()) return true;
  return WriteFileAtomically(ComparisonCsvPath(path), ComparisonToCsv(result.comparison), error);
}

}  // namespace streambench::report
