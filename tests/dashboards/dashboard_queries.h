// Test support: reads the Grafana dashboards of dashboards/ and pulls out what the tests check:
// template variables, panels, and every PromQL expression, with Grafana-style variable
// substitution so the expressions can be evaluated by a real Prometheus.
// Thread-safety: plain values and stateless functions.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace streambench::testing {

struct Dashboard {
  std::string file;  // file name, e.g. "streambench-overview.json"
  nlohmann::json json;
};

// Every *.json in `dir`, sorted by file name. Sets *error (and returns what parsed) when a file
// cannot be read or is not JSON.
std::vector<Dashboard> LoadDashboards(const std::string& dir, std::string* error);

// Every panel, rows' nested panels included (rows themselves too).
std::vector<const nlohmann::json*> AllPanels(const nlohmann::json& dashboard);

struct PanelQuery {
  std::string dashboard;  // file name
  int panel_id = 0;
  std::string panel_title;
  std::string ref_id;
  std::string expr;  // as written, with $variables
};
// Every targets[].expr of every non-row panel.
std::vector<PanelQuery> AllQueries(const Dashboard& dashboard);

// Names of the template variables defined in templating.list.
std::set<std::string> DefinedVariables(const nlohmann::json& dashboard);

// Variable names referenced in `text` as $name, ${name}, ${name:format} or [[name]]; Grafana's
// built-ins ($__rate_interval, $__interval, ...) are returned too, with their "__" prefix.
std::set<std::string> ReferencedVariables(const std::string& text);

// Replaces $name / ${name} / ${name:fmt} / [[name]] with values[name] (unknown names are left as
// they are).
std::string SubstituteVariables(const std::string& text,
                                const std::map<std::string, std::string>& values);

// Grafana's rendering of a multi-value (or single) variable for a Prometheus regex matcher: each
// value regex-escaped with PromQL string escaping ("a.b" -> "a\\.b"), joined as (v1|v2); a single
// value without parentheses.
std::string PrometheusRegexValue(const std::vector<std::string>& values);

// Parses "label_values(SELECTOR, label)" or "label_values(label)"; false if `query` is not one.
bool ParseLabelValuesQuery(const std::string& query, std::string* selector, std::string* label);

}  // namespace streambench::testing
