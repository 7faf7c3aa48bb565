#include "tests/dashboards/prometheus_api.h"

#include <chrono>
#include <set>
#include <sstream>

#include "tests/bench/metrics/loopback_http.h"
#include "tests/dashboards/dashboard_queries.h"

namespace streambench::testing {

using nlohmann::json;

json PromQuery(int port, const std::string& promql, double at_s, std::string* error) {
  std::ostringstream path;
  path.precision(3);
  path << std::fixed << "/api/v1/query?query=" << UrlEncode(promql) << "&time=" << at_s;
  const HttpResponse r = HttpGet(port, path.str(), 10'000);
  if (r.status != 200) {
    *error = "HTTP " + std::to_string(r.status) + " " + r.error + " " + r.body;
    return json();
  }
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || body.value("status", "") != "success") {
    *error = "bad response: " + r.body;
    return json();
  }
  if (body["data"].value("resultType", "") != "vector") {
    *error = "not a vector: " + r.body;
    return json();
  }
  return body["data"]["result"];
}

std::vector<double> PromValues(const json& result) {
  std::vector<double> out;
  for (const auto& s : result) out.push_back(std::stod(s["value"][1].get<std::string>()));
  return out;
}

std::vector<std::string> PromLabelValues(int port, const std::string& selector,
                                         const std::string& label, double start_s, double end_s,
                                         std::string* error) {
  std::ostringstream path;
  path << std::fixed << "/api/v1/series?match[]=" << UrlEncode(selector) << "&start=" << start_s
       << "&end=" << end_s;
  const HttpResponse r = HttpGet(port, path.str(), 10'000);
  json body = json::parse(r.body, nullptr, false);
  if (r.status != 200 || body.is_discarded() || body.value("status", "") != "success") {
    *error = "series " + selector + ": HTTP " + std::to_string(r.status) + " " + r.body;
    return {};
  }
  std::set<std::string> values;
  for (const auto& series : body["data"]) {
    if (series.contains(label)) values.insert(series[label].get<std::string>());
  }
  return {values.begin(), values.end()};
}

std::map<std::string, std::string> ResolveVariables(int port, const json& dashboard,
                                                    const std::string& rate_interval,
                                                    double start_s, double end_s,
                                                    std::string* error) {
  std::map<std::string, std::string> values = {{"__rate_interval", rate_interval}};
  for (const auto& v : dashboard["templating"]["list"]) {
    if (v.value("type", "") != "query") continue;
    const std::string name = v.value("name", "");
    std::string selector, label;
    if (!ParseLabelValuesQuery(v["query"].value("query", ""), &selector, &label)) {
      *error = "variable " + name + ": not a label_values query";
      return values;
    }
    const auto found =
        PromLabelValues(port, SubstituteVariables(selector, values), label, start_s, end_s, error);
    if (!error->empty()) return values;
    if (found.empty()) {
      *error = "variable " + name + " has no values";
      return values;
    }
    values[name] = PrometheusRegexValue(found);
  }
  return values;
}

double UnixNowS() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace streambench::testing
