// Test support: a parser for the Prometheus text exposition format (what /metrics and the
// Pushgateway serve), enough to look series up by name and labels.
// Thread-safety: plain values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace streambench::testing {

struct Sample {
  std::string name;                           // e.g. "streambench_client_messages_total"
  std::map<std::string, std::string> labels;  // unescaped values
  double value = 0;
};

// Parses every sample line (comments and blank lines skipped). Malformed lines are returned in
// *bad_lines (if given) rather than aborting.
std::vector<Sample> ParsePrometheusText(const std::string& text,
                                        std::vector<std::string>* bad_lines = nullptr);

// Samples named `name` whose labels include every pair of `match`.
std::vector<Sample> Find(const std::vector<Sample>& samples, const std::string& name,
                         const std::map<std::string, std::string>& match = {});

// The value of the only sample matching, or nullopt if none or several match.
std::optional<double> FindOne(const std::vector<Sample>& samples, const std::string& name,
                              const std::map<std::string, std::string>& match = {});

}  // namespace streambench::testing
