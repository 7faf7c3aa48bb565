#include "bench/criteria/threshold.h"

#include <cmath>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "bench/criteria/expression_text.h"

namespace streambench::criteria {
namespace {

// Thresholds also come from scenario files (`thresholds:`), so line ends are blanks too.
std::string Trim(const std::string& s) { return TrimChars(s, " \t\r\n"); }

// The operators, two-character ones first so that "<=" is not read as "<" and a stray "=".
struct Operator {
  Comparison op;
  std::string_view symbol;
  bool (*holds)(double measured, double limit);
};
constexpr Operator kOperators[] = {
    {Comparison::kLessEqual, "<=", [](double m, double l) { return m <= l; }},
    {Comparison::kGreaterEqual, ">=", [](double m, double l) { return m >= l; }},
    {Comparison::kEqual, "==", [](double m, double l) { return m == l; }},
    {Comparison::kNotEqual, "!=", [](double m, double l) { return m != l; }},
    {Comparison::kLess, "<", [](double m, double l) { return m < l; }},
    {Comparison::kGreater, ">", [](double m, double l) { return m > l; }},
};

const Operator& OperatorOf(Comparison op) {
  for (const Operator& o : kOperators) {
    if (o.op == op) return o;
  }
  return kOperators[0];  // unreachable: every Comparison is in the table
}

struct OperatorMatch {
  size_t position = std::string::npos;
  size_t length = 0;
  Comparison op = Comparison::kLess;
};

// The first comparison operator in `s`.
OperatorMatch FindOperator(const std::string& s) {
  const std::string_view text = s;
  for (size_t i = 0; i < text.size(); ++i) {
    for (const Operator& o : kOperators) {
      if (text.substr(i, o.symbol.size()) == o.symbol) return {i, o.symbol.size(), o.op};
    }
  }
  return {};
}

// What a limit of each unit may be written as, for errors.
constexpr std::pair<MetricUnit, const char*> kUnitAdvice[] = {
    {MetricUnit::kLatencyUs, "a latency takes us, ms or s, e.g. 5ms"},
    {MetricUnit::kFraction, "a rate of calls takes a fraction or a percentage, e.g. 0.1% or 0.001"},
    {MetricUnit::kPerSecond,
     "a throughput takes a plain number with an optional k, M or G suffix, e.g. 20k"},
    {MetricUnit::kCount, "a count takes a plain number with an optional k, M or G suffix, e.g. 0"},
};

const char* UnitAdvice(MetricUnit unit) {
  for (const auto& [u, advice] : kUnitAdvice) {
    if (u == unit) return advice;
  }
  return "";  // no metric has another unit
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
    case MetricUnit::kSeconds:
    case MetricUnit::kText:
      break;  // no metric has these units
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

}  // namespace

const char* ComparisonSymbol(Comparison op) { return OperatorOf(op).symbol.data(); }

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

bool Holds(double measured, Comparison op, double limit) {
  return OperatorOf(op).holds(measured, limit);
}

}  // namespace streambench::criteria
