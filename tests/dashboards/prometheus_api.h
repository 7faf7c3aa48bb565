// Test support: the parts of a real Prometheus's HTTP API the dashboard tests ask (instant
// queries and series), and Grafana's resolution of a dashboard's template variables against it.
// Thread-safety: stateless free functions.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace streambench::testing {

// GET /api/v1/query (instant) at unix time `at_s`; returns data.result (a vector) or sets *error.
nlohmann::json PromQuery(int port, const std::string& promql, double at_s, std::string* error);

// The values of a vector result, in its order (NaN kept).
std::vector<double> PromValues(const nlohmann::json& result);

// /api/v1/series?match[]=selector&start&end -> distinct values of `label` (Grafana's
// label_values()), sorted.
std::vector<std::string> PromLabelValues(int port, const std::string& selector,
                                         const std::string& label, double start_s, double end_s,
                                         std::string* error);

// The template variables of `dashboard` resolved like Grafana with "select all": each query
// variable's label_values query (after substituting the variables before it) asked of the
// Prometheus on `port` over [start_s, end_s], rendered with PrometheusRegexValue; plus
// __rate_interval = `rate_interval`. Sets *error when a query fails or a variable has no value.
std::map<std::string, std::string> ResolveVariables(int port, const nlohmann::json& dashboard,
                                                    const std::string& rate_interval,
                                                    double start_s, double end_s,
                                                    std::string* error);

// The seconds since the Unix epoch now (Prometheus's API time).
double UnixNowS();

}  // namespace streambench::testing
