#include "bench/criteria/metric_names.h"

#include "common/edit_distance.h"

namespace streambench::criteria {

bool LookupMetric(const std::string& name, MetricUnit* unit) {
  const report::Metric* metric = report::FindMetric(name);
  if (metric == nullptr) return false;
  *unit = metric->unit;
  return true;
}

std::vector<std::string> KnownMetricNames() {
  std::vector<std::string> names;
  for (const report::Metric& metric : report::Metrics()) names.push_back(metric.name);
  return names;
}

std::string SuggestMetric(const std::string& name) {
  // The edit distance costs name length x known name length for every known metric (a 100 KB
  // argument took seconds). Skipping long names changes no answer: known names have at most 34
  // characters, so a name over 51 is always more than a third of its length away from them.
  if (name.size() > 64) return "";
  const NearestCandidate nearest = Nearest(name, KnownMetricNames());
  return IsPlausibleTypo(name, nearest.distance) ? nearest.name : "";
}

}  // namespace streambench::criteria
