#include "bench/report/console_report.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/report/comparison.h"
#include "bench/report/format.h"
#include "bench/report/result_fields.h"

namespace streambench::report {
namespace {

std::string Pad(const std::string& text, int width, bool left_align) {
  // Width counts bytes; every string padded here is ASCII.
  if (static_cast<int>(text.size()) >= width) return text;
  const std::string fill(width - text.size(), ' ');
  return left_align ? text + fill : fill + text;
}

std::string Left(const std::string& text, int width) { return Pad(text, width, true); }
std::string Right(const std::string& text, int width) { return Pad(text, width, false); }

std::string CountWithRate(uint64_t count, double per_s) {
  return FormatCount(count) + " (" + FormatRate(per_s) + "/s)";
}

std::string BytesWithRate(uint64_t bytes, double per_s) {
  return FormatBytes(static_cast<double>(bytes)) + " (" + FormatBytes(per_s) + "/s)";
}

// The counts of one JSON object of the field table, named by their keys:
// "lost 3  duplicated 1  reordered 2  corrupted 4".
std::string CountsOf(const RunResult& run, const std::string& object) {
  const std::string prefix = object + ".";
  std::string text;
  for (const RunField& field : RunFields()) {
    if (field.json_path.compare(0, prefix.size(), prefix) != 0) continue;
    if (!text.empty()) text += "  ";
    text += field.json_path.substr(prefix.size()) + " " +
            FormatCount(static_cast<uint64_t>(FieldNumber(field, run)));
  }
  return text;
}

// A capacity search's outcome and its steps (the latency-throughput curve), under the run's
// header: the figures below it are those of the step at the found capacity.
void PrintCapacity(const CapacityResult& c, std::ostream& out) {
  out << "  capacity      ";
  if (c.rate_per_s > 0) {
    out << FormatRate(c.rate_per_s) << "/s sustained";
  } else {
    out << "no sustainable rate";
  }
  if (c.bracket_high_per_s > 0) {
    out << ", failed at " << FormatRate(c.bracket_high_per_s) << "/s";
  }
  out << " (" << c.stop_reason << "; " << c.steps.size() << " steps in "
      << FormatNumber(c.search_s, 3) << " s; objective " << c.objective << ")\n";
  for (size_t i = 0; i < c.steps.size(); ++i) {
    out << "    " << FormatCapacityStep(c.steps[i], i) << "\n";
  }
  out << "  the figures below are of "
      << (c.rate_per_s > 0 ? "the step at the capacity" : "the last step") << "\n";
}

}  // namespace

std::string FormatCapacityStep(const CapacityStep& step, size_t index) {
  std::string line = "search step " + std::to_string(index + 1) + ": " +
                     FormatRate(step.target_rate_per_s) + "/s, sent " +
                     FormatRate(step.achieved_rate_per_s) + "/s";
  if (!step.latency_kind.empty()) {
    line += ", " + step.latency_kind + " p50 " + FormatLatencyUs(step.p50_us) + " p99 " +
            FormatLatencyUs(step.p99_us) + " p99.9 " + FormatLatencyUs(step.p999_us);
  }
  line += ", errors " + FormatPercent(step.error_rate) + ": ";
  line += step.sustained ? "sustained" : "FAILED (" + step.why + ")";
  return line;
}

void PrintRunTable(const RunResult& run, std::ostream& out) {
  out << "== variant " << run.variant;
  if (run.repeat_index > 0) out << " (repeat " << run.repeat_index + 1 << ")";
  out << " == " << run.mode << ", " << run.service << ", " << run.target << ", engine "
      << run.engine << ", " << FormatNumber(run.duration_s, 4) << " s measured";
  if (run.interrupted) out << ", INTERRUPTED";
  out << "\n";
  if (run.capacity.searched) PrintCapacity(run.capacity, out);

  constexpr int kLabel = 14;
  constexpr int kColumn = 26;
  out << "  " << Left("", kLabel) << Left("sent", kColumn) << "received\n";
  out << "  " << Left("messages", kLabel)
      << Left(CountWithRate(run.messages_sent, run.messages_sent_per_s), kColumn)
      << CountWithRate(run.messages_received, run.messages_received_per_s) << "\n";
  out << "  " << Left("bytes", kLabel)
      << Left(BytesWithRate(run.bytes_sent, run.bytes_sent_per_s), kColumn)
      << BytesWithRate(run.bytes_received, run.bytes_received_per_s) << "\n";
  out << "  " << Left("calls", kLabel) << "started " << FormatCount(run.calls_started);
  if (run.calls_finished > run.calls_started) {
    // Streams opened in the warm-up count as started there; without this a long-lived stream
    // run reads "started 0, finished 16".
    out << " (+" << FormatCount(run.calls_finished - run.calls_started)
        << " open from the warm-up)";
  }
  out << ", finished " << FormatCount(run.calls_finished) << " (" << FormatRate(run.calls_per_s)
      << "/s)\n";
  out << "  " << Left("throughput", kLabel) << FormatRate(run.messages_per_s) << " msg/s total";
  if (run.target_rate_per_s > 0) {
    out << " (target " << FormatRate(run.target_rate_per_s) << " op/s)";
  }
  out << "\n";
  if (run.dropped_ops > 0) {
    // Only when it happened: an open-loop run that kept up has nothing to say here.
    out << "  " << Left("dropped", kLabel) << FormatCount(run.dropped_ops)
        << " open-loop ops not sent (stream queue full: the target could not keep up)\n";
  }
  if (run.generator.cores > 0) {
    // The harness's own CPU: when saturated, the figures above may be its limit, not the target's.
    out << "  " << Left("generator cpu", kLabel) << FormatNumber(run.generator.cpu_seconds, 3)
        << " s, " << FormatPercent(run.generator.cpu_utilization) << " of " << run.generator.cores
        << (run.generator.cores == 1 ? " core" : " cores") << ", busiest thread "
        << FormatPercent(run.generator.busiest_thread_utilization)
        << (run.generator.includes_server ? " (embedded server included)" : "");
    if (run.generator.saturated) {
      out << "  SATURATED: the figures may be the generator's limit, not the target's";
    }
    out << "\n";
  }
  for (const Outage& o : run.outages) {
    // One line per outage: when the target went away, for how long, and what it cost.
    out << "  " << Left("outage", kLabel) << "at " << FormatNumber(o.start_s, 3) << " s for "
        << FormatNumber(o.duration_s, 3) << " s, " << FormatCount(o.failed_calls) << " calls failed"
        << (o.recovered ? "" : " (not recovered at the end)") << "\n";
  }

  out << "  " << Left("status codes", kLabel);
  if (run.calls_by_code.empty()) out << "none";
  bool first = true;
  for (const auto& [code, count] : run.calls_by_code) {
    if (!first) out << "  ";
    first = false;
    out << code << " " << FormatCount(count);
    if (run.calls_finished > 0) {
      out << " (" << FormatPercent(static_cast<double>(count) / run.calls_finished) << ")";
    }
  }
  out << "\n";

  constexpr int kLatencyColumn = 10;
  // The kind names are the row labels: as wide as the longest recorded one, so the columns line
  // up.
  int latency_label = kLabel;
  for (const auto& [kind, summary] : run.latency_us) {
    if (summary.count > 0) {
      latency_label = std::max(latency_label, static_cast<int>(kind.size()) + 3);
    }
  }
  out << "  " << Left("latency", latency_label);
  for (const char* header : {"min", "mean", "p50", "p90", "p99", "p99.9", "max", "count"}) {
    out << Right(header, kLatencyColumn);
  }
  out << "\n";
  for (const std::string& kind : LatencyKinds()) {
    auto it = run.latency_us.find(kind);
    if (it == run.latency_us.end() || it->second.count == 0) continue;
    const LatencySummary& s = it->second;
    out << "  " << Left("  " + kind, latency_label);
    for (double value : {s.min_us, s.mean_us, s.p50_us, s.p90_us, s.p99_us, s.p999_us, s.max_us}) {
      out << Right(FormatLatencyUs(value), kLatencyColumn);
    }
    out << Right(FormatCount(s.count), kLatencyColumn) << "\n";
  }

  const StreamMessagesSummary& per_stream = run.messages_per_stream;
  if (per_stream.streams + per_stream.streams_without_messages > 0) {
    // Only modes whose server streams on its own: how long the finished streams were.
    out << "  " << Left("msgs/stream", kLabel) << "min " << FormatCount(per_stream.min) << "  mean "
        << FormatNumber(per_stream.mean, 3) << "  p50 " << FormatCount(per_stream.p50) << "  p99 "
        << FormatCount(per_stream.p99) << "  max " << FormatCount(per_stream.max) << "  ("
        << FormatCount(per_stream.streams) << " streams, "
        << FormatCount(per_stream.streams_without_messages) << " without a message)\n";
  }
  out << "  " << Left("integrity", kLabel) << CountsOf(run, "integrity") << "\n";
  if (run.mode == "upload" || run.mode == "download") {
    out << "  " << Left("transfers", kLabel) << CountsOf(run, "transfers") << "\n";
  }

  if (!run.checks.empty()) {
    out << "  checks\n";
    for (const Check& check : run.checks) {
      out << "    " << (check.passed ? "PASS  " : "FAIL  ") << check.name << ": " << check.detail
          << "\n";
    }
  }
  out << "  result        " << (run.pass ? "PASS" : "FAIL") << "\n";
}

void PrintConsoleTable(const ScenarioResult& result, std::ostream& out) {
  out << "scenario " << result.scenario;
  if (!result.source_path.empty()) out << " (" << result.source_path << ")";
  if (!result.started_at.empty()) out << " started " << result.started_at;
  out << "\n";
  for (const RunResult& run : result.runs) {
    out << "\n";
    PrintRunTable(run, out);
  }
  PrintComparisonTable(result.comparison, out);
  out << "\n";

  std::vector<std::string> failed;
  for (const RunResult& run : result.runs) {
    if (!run.pass) failed.push_back(run.variant);
  }
  const size_t total = result.runs.size();
  if (total == 0) {
    out << "FAIL: no runs";
  } else if (failed.empty() && result.pass) {
    out << "PASS: " << total << " of " << total << (total == 1 ? " run" : " runs") << " passed";
  } else {
    out << "FAIL: " << failed.size() << " of " << total << (total == 1 ? " run" : " runs")
        << " failed";
    if (!failed.empty()) {
      out << " (";
      for (size_t i = 0; i < failed.size(); ++i) out << (i > 0 ? ", " : "") << failed[i];
      out << ")";
    }
  }
  if (result.interrupted) out << " [INTERRUPTED: results cover a partial run]";
  out << "\n";
}

std::string FormatProgressLine(double elapsed_s, double msgs_per_s, double p99_us,
                               uint64_t errors) {
  char elapsed[32];
  std::snprintf(elapsed, sizeof(elapsed), "[%6.1fs]", elapsed_s);
  return std::string(elapsed) + "  " + Right(FormatRate(msgs_per_s), 6) + " msg/s  p99 " +
         Left(FormatLatencyUs(p99_us), 7) + "  errors " + FormatCount(errors);
}

}  // namespace streambench::report
