#include "tests/dashboards/dashboard_queries.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

namespace streambench::testing {
namespace {

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Calls fn(begin, end, name) for every variable reference in text.
template <typename Fn>
void ForEachReference(const std::string& text, Fn&& fn) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '$') {
      if (i + 1 < text.size() && text[i + 1] == '{') {
        const size_t close = text.find('}', i + 2);
        if (close == std::string::npos) continue;
        std::string name = text.substr(i + 2, close - i - 2);
        name = name.substr(0, name.find(':'));  // ${name:format}
        fn(i, close + 1, name);
        i = close;
      } else {
        size_t j = i + 1;
        while (j < text.size() && IsNameChar(text[j])) ++j;
        if (j > i + 1) {
          fn(i, j, text.substr(i + 1, j - i - 1));
          i = j - 1;
        }
      }
    } else if (text.compare(i, 2, "[[") == 0) {
      const size_t close = text.find("]]", i + 2);
      if (close == std::string::npos) continue;
      std::string name = text.substr(i + 2, close - i - 2);
      name = name.substr(0, name.find(':'));
      fn(i, close + 2, name);
      i = close + 1;
    }
  }
}

}  // namespace

std::vector<Dashboard> LoadDashboards(const std::string& dir, std::string* error) {
  std::vector<Dashboard> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    Dashboard d;
    d.file = entry.path().filename().string();
    d.json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (d.json.is_discarded()) {
      if (error) *error += d.file + ": not valid JSON; ";
      continue;
    }
    out.push_back(std::move(d));
  }
  if (ec && error) *error += "cannot list " + dir + ": " + ec.message();
  std::sort(out.begin(), out.end(),
            [](const Dashboard& a, const Dashboard& b) { return a.file < b.file; });
  return out;
}

std::vector<const nlohmann::json*> AllPanels(const nlohmann::json& dashboard) {
  std::vector<const nlohmann::json*> out;
  if (!dashboard.contains("panels") || !dashboard["panels"].is_array()) return out;
  for (const auto& p : dashboard["panels"]) {
    out.push_back(&p);
    if (p.contains("panels") && p["panels"].is_array()) {
      for (const auto& nested : p["panels"]) out.push_back(&nested);
    }
  }
  return out;
}

std::vector<PanelQuery> AllQueries(const Dashboard& dashboard) {
  std::vector<PanelQuery> out;
  for (const nlohmann::json* p : AllPanels(dashboard.json)) {
    if (p->value("type", "") == "row" || !p->contains("targets")) continue;
    for (const auto& t : (*p)["targets"]) {
      PanelQuery q;
      q.dashboard = dashboard.file;
      q.panel_id = p->value("id", 0);
      q.panel_title = p->value("title", "");
      q.ref_id = t.value("refId", "");
      q.expr = t.value("expr", "");
      out.push_back(std::move(q));
    }
  }
  return out;
}

std::set<std::string> DefinedVariables(const nlohmann::json& dashboard) {
  std::set<std::string> out;
  if (!dashboard.contains("templating")) return out;
  for (const auto& v : dashboard["templating"].value("list", nlohmann::json::array())) {
    out.insert(v.value("name", ""));
  }
  return out;
}

std::set<std::string> ReferencedVariables(const std::string& text) {
  std::set<std::string> out;
  ForEachReference(text, [&](size_t, size_t, const std::string& name) { out.insert(name); });
  return out;
}

std::string SubstituteVariables(const std::string& text,
                                const std::map<std::string, std::string>& values) {
  std::string out;
  size_t copied = 0;
  ForEachReference(text, [&](size_t begin, size_t end, const std::string& name) {
    auto it = values.find(name);
    if (it == values.end()) return;
    out += text.substr(copied, begin - copied);
    out += it->second;
    copied = end;
  });
  out += text.substr(copied);
  return out;
}

std::string PrometheusRegexValue(const std::vector<std::string>& values) {
  static const std::string kSpecial = "\\^$.|?*+()[]{}";
  std::string joined;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) joined += '|';
    for (char c : values[i]) {
      // Regex escape (\.), written inside a PromQL double-quoted string (\\.).
      if (kSpecial.find(c) != std::string::npos) joined += "\\\\";
      if (c == '"') joined += '\\';
      joined += c;
    }
  }
  return values.size() == 1 ? joined : "(" + joined + ")";
}

bool ParseLabelValuesQuery(const std::string& query, std::string* selector, std::string* label) {
  const std::string prefix = "label_values(";
  if (query.rfind(prefix, 0) != 0 || query.back() != ')') return false;
  const std::string inner = query.substr(prefix.size(), query.size() - prefix.size() - 1);
  const size_t comma = inner.rfind(',');
  auto trim = [](std::string s) {
    s.erase(0, s.find_first_not_of(' '));
    s.erase(s.find_last_not_of(' ') + 1);
    return s;
  };
  if (comma == std::string::npos) {
    selector->clear();
    *label = trim(inner);
  } else {
    *selector = trim(inner.substr(0, comma));
    *label = trim(inner.substr(comma + 1));
  }
  return !label->empty();
}

}  // namespace streambench::testing
