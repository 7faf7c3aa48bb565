#include "bench/criteria/tolerance.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "bench/criteria/expression_text.h"

namespace streambench::criteria {
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
  const std::vector<std::string>& compared = BaselineMetrics();
  if (std::find(compared.begin(), compared.end(), metric) == compared.end()) {
    std::string list;
    for (const std::string& name : compared) list += (list.empty() ? "" : ", ") + name;
    *error = Printable("tolerance \"" + text + "\": \"" + metric +
                       "\" is not a compared metric (one of: " + list + ")");
    return false;
  }
  tolerances->per_metric[metric] = value;
  return true;
}

const std::vector<std::string>& BaselineMetrics() {
  static const auto* metrics = new std::vector<std::string>{"throughput.messages_per_s",
                                                            "throughput.calls_per_s",
                                                            "throughput.bytes_sent_per_s",
                                                            "throughput.bytes_received_per_s",
                                                            "message_latency.p50",
                                                            "message_latency.p99",
                                                            "message_latency.p999",
                                                            "call_latency.p50",
                                                            "call_latency.p99",
                                                            "call_latency.p999",
                                                            "message_gap_latency.p99",
                                                            "error_rate",
                                                            "integrity_errors",
                                                            "capacity.rate_per_s"};
  return *metrics;
}

}  // namespace streambench::criteria
