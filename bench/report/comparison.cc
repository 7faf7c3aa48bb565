#include "bench/report/comparison.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

#include "bench/report/csv_report.h"
#include "bench/report/format.h"

namespace streambench::report {
namespace {

double LatencyP(const RunResult& run, const char* kind, bool p99) {
  auto it = run.latency_us.find(kind);
  if (it == run.latency_us.end()) return 0;
  return p99 ? it->second.p99_us : it->second.p50_us;
}

double Ratio(double value, double baseline) { return baseline > 0 ? value / baseline : 0; }

std::string RatioText(double ratio) {
  if (ratio <= 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fx", ratio);
  return buf;
}

// "1.25ms" or "1.25ms (1.20ms-1.31ms)" when the repetitions differ.
template <typename F>
std::string SpreadText(const Spread& s, int repeats, F format) {
  std::string text = format(s.median);
  if (repeats > 1) text += " (" + format(s.min) + "-" + format(s.max) + ")";
  return text;
}

std::string Rate(double v) { return FormatRate(v); }
std::string BytesRate(double v) { return FormatBytes(v) + "/s"; }
std::string Latency(double v) { return FormatLatencyUs(v); }
std::string Plain(double v) { return FormatNumber(v, 4); }

std::string Number(double v) {
  std::ostringstream out;
  out.precision(10);
  out << v;
  return out.str();
}

}  // namespace

const std::vector<ComparisonFigure>& ComparisonFigures() {
  using R = ComparisonRow;
  using U = MetricUnit;
  static const std::vector<ComparisonFigure>* figures = new std::vector<ComparisonFigure>{
      {"messages_per_s", &R::messages_per_s, "messages_per_s", &R::messages_per_s_ratio,
       U::kPerSecond},
      {"bytes_per_s", &R::bytes_per_s, "bytes_per_s", &R::bytes_per_s_ratio, U::kPerSecond},
      {"message_p50_us", &R::message_p50_us, "message_p50", &R::message_p50_ratio, U::kLatencyUs},
      {"message_p99_us", &R::message_p99_us, "message_p99", &R::message_p99_ratio, U::kLatencyUs},
      {"write_blocked_p99_us", &R::write_blocked_p99_us, nullptr, nullptr, U::kLatencyUs},
      {"send_queue_depth_max", &R::send_queue_depth_max, nullptr, nullptr, U::kCount},
      {"server_dropped_messages", &R::server_dropped_messages, nullptr, nullptr, U::kCount},
  };
  return *figures;
}

Spread SpreadOf(std::vector<double> values) {
  Spread s;
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  s.min = values.front();
  s.max = values.back();
  s.median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  return s;
}

bool WantsComparison(const std::vector<RunResult>& runs) {
  std::set<std::string> variants;
  for (const RunResult& run : runs) {
    if (!variants.insert(run.variant).second) return true;  // a repetition
  }
  return variants.size() > 1;
}

std::vector<ComparisonRow> BuildComparison(const std::vector<RunResult>& runs) {
  std::vector<std::string> order;
  for (const RunResult& run : runs) {
    if (std::find(order.begin(), order.end(), run.variant) == order.end()) {
      order.push_back(run.variant);
    }
  }
  std::vector<ComparisonRow> rows;
  for (const std::string& variant : order) {
    std::vector<double> msgs, bytes, p50, p99, blocked, depth, dropped;
    for (const RunResult& run : runs) {
      if (run.variant != variant) continue;
      msgs.push_back(run.messages_per_s);
      bytes.push_back(run.bytes_sent_per_s + run.bytes_received_per_s);
      p50.push_back(LatencyP(run, "message", false));
      p99.push_back(LatencyP(run, "message", true));
      blocked.push_back(LatencyP(run, "write_blocked", true));
      depth.push_back(static_cast<double>(run.send_queue_depth.max));
      dropped.push_back(static_cast<double>(run.server_dropped_messages));
    }
    ComparisonRow row;
    row.variant = variant;
    row.repeats = static_cast<int>(msgs.size());
    row.messages_per_s = SpreadOf(msgs);
    row.bytes_per_s = SpreadOf(bytes);
    row.message_p50_us = SpreadOf(p50);
    row.message_p99_us = SpreadOf(p99);
    row.write_blocked_p99_us = SpreadOf(blocked);
    row.send_queue_depth_max = SpreadOf(depth);
    row.server_dropped_messages = SpreadOf(dropped);
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return rows;
  const ComparisonRow base = rows.front();
  for (ComparisonRow& row : rows) {
    row.messages_per_s_ratio = Ratio(row.messages_per_s.median, base.messages_per_s.median);
    row.bytes_per_s_ratio = Ratio(row.bytes_per_s.median, base.bytes_per_s.median);
    row.message_p50_ratio = Ratio(row.message_p50_us.median, base.message_p50_us.median);
    row.message_p99_ratio = Ratio(row.message_p99_us.median, base.message_p99_us.median);
  }
  return rows;
}

void PrintComparisonTable(const std::vector<ComparisonRow>& rows, std::ostream& out) {
  if (rows.empty()) return;
  int max_repeats = 0;
  for (const ComparisonRow& row : rows) max_repeats = std::max(max_repeats, row.repeats);
  const std::vector<std::string> header = {
      "variant", "n",     "msg/s", "ratio", "bytes/s",           "ratio",
      "p50",     "ratio", "p99",   "ratio", "write-blocked p99", "queue max",
      "dropped"};
  std::vector<std::vector<std::string>> table = {header};
  for (const ComparisonRow& row : rows) {
    table.push_back(
        {row.variant, std::to_string(row.repeats),
         SpreadText(row.messages_per_s, row.repeats, Rate), RatioText(row.messages_per_s_ratio),
         SpreadText(row.bytes_per_s, row.repeats, BytesRate), RatioText(row.bytes_per_s_ratio),
         SpreadText(row.message_p50_us, row.repeats, Latency), RatioText(row.message_p50_ratio),
         SpreadText(row.message_p99_us, row.repeats, Latency), RatioText(row.message_p99_ratio),
         SpreadText(row.write_blocked_p99_us, row.repeats, Latency),
         Plain(row.send_queue_depth_max.median), Plain(row.server_dropped_messages.median)});
  }
  std::vector<size_t> width(header.size(), 0);
  for (const auto& line : table) {
    for (size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], line[c].size());
  }
  out << "\nComparison (median" << (max_repeats > 1 ? " (min-max) over repeats" : "")
      << "; ratios to the baseline `" << rows.front().variant << "`)\n";
  for (const auto& line : table) {
    std::string text;
    for (size_t c = 0; c < line.size(); ++c) {
      if (c > 0) text += "  ";
      // The variant name left-aligned, figures right-aligned.
      const std::string pad(width[c] - line[c].size(), ' ');
      text += c == 0 ? line[c] + pad : pad + line[c];
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << "\n";
  }
}

std::string ComparisonToCsv(const std::vector<ComparisonRow>& rows) {
  std::string csv =
      "variant,repeats,messages_per_s_median,messages_per_s_min,messages_per_s_max,"
      "messages_per_s_ratio,bytes_per_s_median,bytes_per_s_min,bytes_per_s_max,bytes_per_s_ratio,"
      "message_p50_us_median,message_p50_us_min,message_p50_us_max,message_p50_ratio,"
      "message_p99_us_median,message_p99_us_min,message_p99_us_max,message_p99_ratio,"
      "write_blocked_p99_us_median,write_blocked_p99_us_min,write_blocked_p99_us_max,"
      "send_queue_depth_max_median,server_dropped_messages_median\r\n";
  for (const ComparisonRow& r : rows) {
    const std::vector<double> figures = {r.messages_per_s.median,
                                         r.messages_per_s.min,
                                         r.messages_per_s.max,
                                         r.messages_per_s_ratio,
                                         r.bytes_per_s.median,
                                         r.bytes_per_s.min,
                                         r.bytes_per_s.max,
                                         r.bytes_per_s_ratio,
                                         r.message_p50_us.median,
                                         r.message_p50_us.min,
                                         r.message_p50_us.max,
                                         r.message_p50_ratio,
                                         r.message_p99_us.median,
                                         r.message_p99_us.min,
                                         r.message_p99_us.max,
                                         r.message_p99_ratio,
                                         r.write_blocked_p99_us.median,
                                         r.write_blocked_p99_us.min,
                                         r.write_blocked_p99_us.max,
                                         r.send_queue_depth_max.median,
                                         r.server_dropped_messages.median};
    csv += CsvQuote(r.variant) + "," + std::to_string(r.repeats);
    for (double f : figures) csv += "," + Number(f);
    csv += "\r\n";
  }
  return csv;
}

std::string ComparisonCsvPath(const std::string& csv_path) {
  const std::string suffix = ".csv";
  if (csv_path.size() > suffix.size() &&
      csv_path.compare(csv_path.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return csv_path.substr(0, csv_path.size() - suffix.size()) + ".comparison.csv";
  }
  return csv_path + ".comparison.csv";
}

}  // namespace streambench::report
