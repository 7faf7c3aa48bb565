#include "bench/gate/threshold.h"

#include <cmath>
#include <cstdlib>

#include "bench/gate/expression_text.h"
#include "bench/report/format.h"

namespace streambench::gate {
namespace {

// Thresholds also come from scenario files (`thresholds:`), so line ends are blanks too.
std::string Trim(const std::string& s) { return TrimChars(s, " \t\r\n"); }

struct OperatorMatch {
  size_t position = std::string::npos;
  size_t length = 0;
  Comparison op = Comparison::kLess;
};

// The first comparison operator in `s` (two-character operators win over their prefixes).
OperatorMatch FindOperator(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char next = i + 1 < s.size() ? s[i + 1] : '\0';
    if (c == '<')
      return {i, next == '=' ? 2u : 1u, next == '=' ? Comparison::kLessEqual : Comparison::kLess};
    if (c == '>') {
      return {i, next == '=' ? 2u : 1u,
              next == '=' ? Comparison::kGreaterEqual : Comparison::kGreater};
    }
    if (c == '=' && next == '=') return {i, 2, Comparison::kEqual};
    if (c == '!' && next == '=') return {i, 2, Comparison::kNotEqual};
  }
  return {};
}

const char* UnitAdvice(MetricUnit unit) {
  switch (unit) {
    case MetricUnit::kLatencyUs:
      return "a latency takes us, ms or s, e.g. 5ms";
    case MetricUnit::kFraction:
      return "a rate of calls takes a fraction or a percentage, e.g. 0.1% or 0.001";
    case MetricUnit::kPerSecond:
      return "a throughput takes a plain number with an optional k, M or G suffix, e.g. 20k";
    case MetricUnit::kCount:
      return "a count takes a plain number with an optional k, M or G suffix, e.g. 0";
  }
  return "";
}

// Parses `text` (a number and a unit suffix) into the metric's unit. Returns "" or an error.
std::string ParseLimit(const std::string& text, MetricUnit unit, double* out) {
  const char* begin = text.c_str();
  char* end = nullptr;
  const double number = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(number)) return "\"" + text + "\" is not a number";
  const std::string suffix = Trim(std::string(end));

  double scale = 0;  // 0 = suffix not accepted
  switch (unit) {
    case MetricUnit::kLatencyUs:
      if (suffix.empty()) return "latency limit \"" + text + "\" needs a unit (us, ms or s)";
      if (suffix == "ns") scale = 1e-3;
      if (suffix == "us" || suffix == "\xC2\xB5s") scale = 1;
      if (suffix == "ms") scale = 1e3;
      if (suffix == "s") scale = 1e6;
      break;
    case MetricUnit::kFraction:
      if (suffix.empty()) scale = 1;
      if (suffix == "%") scale = 0.01;
      break;
    case MetricUnit::kPerSecond:
    case MetricUnit::kCount: {
      std::string s = suffix;
      if (unit == MetricUnit::kPerSecond && s.size() >= 2 &&
          s.compare(s.size() - 2, 2, "/s") == 0) {
        s = Trim(s.substr(0, s.size() - 2));
      }
      if (s.empty()) scale = 1;
      if (s == "k") scale = 1e3;
      if (s == "M") scale = 1e6;
      if (s == "G") scale = 1e9;
      break;
    }
  }
  if (scale == 0) {
    return "unit \"" + suffix + "\" does not fit (" + UnitAdvice(unit) + ")";
  }
  // A finite number can still overflow once scaled ("1e308G"); an infinite limit would make
  // the threshold meaningless, so it is refused like any other non-number.
  if (!std::isfinite(number * scale)) return "\"" + text + "\" is too large";
  *out = number * scale;
  return "";
}

bool Compare(double measured, Comparison op, double limit) {
  switch (op) {
    case Comparison::kLess:
      return measured < limit;
    case Comparison::kLessEqual:
      return measured <= limit;
    case Comparison::kGreater:
      return measured > limit;
    case Comparison::kGreaterEqual:
      return measured >= limit;
    case Comparison::kEqual:
      return measured == limit;
    case Comparison::kNotEqual:
      return measured != limit;
  }
  return false;
}

// How far a failed comparison missed: "over by 1.20ms (+24.0%)".
std::string Miss(const Threshold& t, double measured) {
  const double difference = measured - t.limit;
  const double magnitude = std::fabs(difference);
  std::string how;
  switch (t.op) {
    case Comparison::kLess:
    case Comparison::kLessEqual:
      how = magnitude == 0 ? "at the limit" : "over by " + FormatMetricValue(magnitude, t.unit);
      break;
    case Comparison::kGreater:
    case Comparison::kGreaterEqual:
      how = magnitude == 0 ? "at the limit" : "under by " + FormatMetricValue(magnitude, t.unit);
      break;
    case Comparison::kEqual:
      how = "off by " + FormatMetricValue(magnitude, t.unit);
      break;
    case Comparison::kNotEqual:
      return "equal to the limit";
  }
  if (t.limit != 0 && magnitude != 0) {
    how += std::string(" (") + (difference > 0 ? "+" : "-") +
           report::FormatPercent(magnitude / std::fabs(t.limit)) + ")";
  }
  return how;
}

}  // namespace

const char* ComparisonSymbol(Comparison op) {
  switch (op) {
    case Comparison::kLess:
      return "<";
    case Comparison::kLessEqual:
      return "<=";
    case Comparison::kGreater:
      return ">";
    case Comparison::kGreaterEqual:
      return ">=";
    case Comparison::kEqual:
      return "==";
    case Comparison::kNotEqual:
      return "!=";
  }
  return "?";
}

bool ParseThreshold(const std::string& raw, Threshold* out, std::string* error) {
  const std::string text = Trim(raw);
  if (text.empty()) {
    *error = "empty threshold";
    return false;
  }
  auto fail = [&](const std::string& what) {
    *error = Printable("threshold \"" + text + "\": " + what);
    return false;
  };

  Threshold t;
  t.text = text;
  std::string rest = text;
  if (rest[0] == '[') {
    const size_t close = rest.find(']');
    if (close == std::string::npos) return fail("missing \"]\" after \"[variant=NAME\"");
    const std::string selector = Trim(rest.substr(1, close - 1));
    const size_t equals = selector.find('=');
    if (equals == std::string::npos || Trim(selector.substr(0, equals)) != "variant") {
      return fail("expected \"[variant=NAME]\", got \"[" + selector + "]\"");
    }
    t.variant = Trim(selector.substr(equals + 1));
    if (t.variant.empty()) return fail("empty variant name in \"[" + selector + "]\"");
    rest = Trim(rest.substr(close + 1));
  }

  const OperatorMatch match = FindOperator(rest);
  if (match.position == std::string::npos) {
    if (rest.find('=') != std::string::npos) return fail("use \"==\" to compare, not \"=\"");
    return fail("missing comparison operator (one of < <= > >= == !=)");
  }
  t.op = match.op;
  t.metric = Trim(rest.substr(0, match.position));
  t.limit_text = Trim(rest.substr(match.position + match.length));
  const std::string symbol = ComparisonSymbol(t.op);
  if (t.metric.empty()) return fail("missing metric before \"" + symbol + "\"");
  if (t.limit_text.empty()) return fail("missing value after \"" + symbol + "\"");
  if (FindOperator(t.limit_text).position != std::string::npos) {
    return fail("more than one comparison operator");
  }
  if (!LookupMetric(t.metric, &t.unit)) {
    const std::string suggestion = SuggestMetric(t.metric);
    if (!suggestion.empty()) {
      return fail("unknown metric \"" + t.metric + "\" (did you mean \"" + suggestion + "\"?)");
    }
    // A known group with an unknown field ("throughput.msgs"): list the group's metrics.
    const std::string group = t.metric.substr(0, t.metric.find('.') + 1);
    std::string siblings;
    for (const std::string& name : KnownMetricNames()) {
      if (group.size() > 1 && group.back() == '.' && name.compare(0, group.size(), group) == 0) {
        siblings += (siblings.empty() ? "" : ", ") + name;
      }
    }
    return fail("unknown metric \"" + t.metric + "\"" +
                (siblings.empty() ? " (see the metric list in bench/gate/README.md)"
                                  : " (known: " + siblings + ")"));
  }
  const std::string limit_error = ParseLimit(t.limit_text, t.unit, &t.limit);
  if (!limit_error.empty()) return fail(limit_error);
  *out = std::move(t);
  return true;
}

bool AppliesTo(const Threshold& threshold, const report::RunResult& run) {
  return threshold.variant.empty() || threshold.variant == run.variant;
}

ThresholdResult EvaluateThreshold(const Threshold& threshold, const report::RunResult& run) {
  ThresholdResult r;
  r.threshold = threshold.text;
  r.variant = run.variant;
  r.metric = threshold.metric;
  r.measured = MetricValue(threshold.metric, run);
  r.limit = threshold.limit;
  r.passed = Compare(r.measured, threshold.op, threshold.limit);
  r.message = threshold.metric + " = " + FormatMetricValue(r.measured, threshold.unit) +
              ", limit " + ComparisonSymbol(threshold.op) + " " + threshold.limit_text;
  if (!r.passed) r.message += ": " + Miss(threshold, r.measured);
  return r;
}

std::vector<ThresholdResult> EvaluateThresholds(const std::vector<Threshold>& thresholds,
                                                const report::ScenarioResult& result) {
  std::vector<ThresholdResult> results;
  for (const Threshold& threshold : thresholds) {
    bool applied = false;
    for (const report::RunResult& run : result.runs) {
      if (!AppliesTo(threshold, run)) continue;
      applied = true;
      results.push_back(EvaluateThreshold(threshold, run));
    }
    if (applied) continue;
    ThresholdResult missing;
    missing.threshold = threshold.text;
    missing.variant = threshold.variant;
    missing.metric = threshold.metric;
    missing.limit = threshold.limit;
    std::string variants;
    for (const report::RunResult& run : result.runs) {
      variants += (variants.empty() ? "" : ", ") + run.variant;
    }
    missing.message = threshold.variant.empty()
                          ? "no runs to judge"
                          : "no run of variant \"" + threshold.variant +
                                "\" (variants: " + (variants.empty() ? "none" : variants) + ")";
    results.push_back(missing);
  }
  return results;
}

}  // namespace streambench::gate
