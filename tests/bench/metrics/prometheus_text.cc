#include "tests/bench/metrics/prometheus_text.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>

namespace streambench::testing {
namespace {

bool ParseValue(const std::string& token, double* value) {
  if (token == "+Inf") {
    *value = std::numeric_limits<double>::infinity();
    return true;
  }
  if (token == "-Inf") {
    *value = -std::numeric_limits<double>::infinity();
    return true;
  }
  if (token == "NaN") {
    *value = std::nan("");
    return true;
  }
  char* end = nullptr;
  *value = std::strtod(token.c_str(), &end);
  return end != token.c_str() && *end == '\0';
}

// Parses `{a="x",b="y"}` starting at line[*pos] == '{'; leaves *pos after '}'.
bool ParseLabels(const std::string& line, size_t* pos, std::map<std::string, std::string>* out) {
  size_t i = *pos + 1;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == ',')) ++i;
    if (i < line.size() && line[i] == '}') {
      *pos = i + 1;
      return true;
    }
    const size_t eq = line.find('=', i);
    if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') return false;
    const std::string name = line.substr(i, eq - i);
    std::string value;
    size_t j = eq + 2;
    for (; j < line.size() && line[j] != '"'; ++j) {
      if (line[j] == '\\' && j + 1 < line.size()) {
        ++j;
        value += line[j] == 'n' ? '\n' : line[j];
      } else {
        value += line[j];
      }
    }
    if (j >= line.size()) return false;
    (*out)[name] = value;
    i = j + 1;
  }
  return false;
}

}  // namespace

std::vector<Sample> ParsePrometheusText(const std::string& text,
                                        std::vector<std::string>* bad_lines) {
  std::vector<Sample> samples;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    Sample s;
    size_t pos = line.find_first_of("{ ");
    if (pos == std::string::npos) {
      if (bad_lines) bad_lines->push_back(line);
      continue;
    }
    s.name = line.substr(0, pos);
    if (line[pos] == '{' && !ParseLabels(line, &pos, &s.labels)) {
      if (bad_lines) bad_lines->push_back(line);
      continue;
    }
    std::istringstream rest(line.substr(pos));
    std::string value_token;
    rest >> value_token;  // an optional timestamp may follow; ignored
    if (!ParseValue(value_token, &s.value)) {
      if (bad_lines) bad_lines->push_back(line);
      continue;
    }
    samples.push_back(std::move(s));
  }
  return samples;
}

std::vector<Sample> Find(const std::vector<Sample>& samples, const std::string& name,
                         const std::map<std::string, std::string>& match) {
  std::vector<Sample> out;
  for (const auto& s : samples) {
    if (s.name != name) continue;
    bool ok = true;
    for (const auto& [k, v] : match) {
      auto it = s.labels.find(k);
      if (it == s.labels.end() || it->second != v) ok = false;
    }
    if (ok) out.push_back(s);
  }
  return out;
}

std::optional<double> FindOne(const std::vector<Sample>& samples, const std::string& name,
                              const std::map<std::string, std::string>& match) {
  const auto found = Find(samples, name, match);
  if (found.size() != 1) return std::nullopt;
  return found.front().value;
}

}  // namespace streambench::testing
