#include "bench/gate/metric_value.h"

#include "bench/report/format.h"

namespace streambench::gate {

double MetricValue(const std::string& name, const report::RunResult& run) {
  const report::Metric* metric = report::FindMetric(name);
  return metric == nullptr ? 0 : metric->value(run);
}

std::string FormatMetricValue(double value, report::MetricUnit unit) {
  switch (unit) {
    case report::MetricUnit::kLatencyUs:
      return report::FormatLatencyUs(value);
    case report::MetricUnit::kFraction:
      return report::FormatPercent(value);
    case report::MetricUnit::kPerSecond:
      return report::FormatRate(value) + "/s";
    case report::MetricUnit::kCount:
      return report::FormatNumber(value, 12);
    case report::MetricUnit::kSeconds:
    case report::MetricUnit::kText:
      break;
  }
  return report::FormatNumber(value);
}

std::string FormatMetricValue(double value, const std::string& name) {
  const report::Metric* metric = report::FindMetric(name);
  return FormatMetricValue(value, metric == nullptr ? report::MetricUnit::kCount : metric->unit);
}

}  // namespace streambench::gate
