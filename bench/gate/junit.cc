#include "bench/gate/junit.h"

#include <algorithm>

#include "bench/report/atomic_file.h"

namespace streambench::gate {
namespace {

std::string ClassName(const std::string& scenario, const std::string& variant) {
  std::string name = "streambench." + scenario;
  if (!variant.empty()) name += "." + variant;
  return name;
}

}  // namespace

std::vector<GateCase> ThresholdCases(const std::vector<report::Check>& checks,
                                     const std::string& scenario) {
  std::vector<GateCase> cases;
  for (const report::Check& c : checks) {
    cases.push_back({"thresholds", ClassName(scenario, c.variant), c.name, c.passed, c.detail});
  }
  return cases;
}

std::vector<GateCase> BaselineCases(const std::vector<report::Check>& checks,
                                    const std::string& scenario) {
  std::vector<GateCase> cases;
  for (const report::Check& c : checks) {
    const std::string name = c.metric.empty() ? "variant present" : "baseline " + c.metric;
    cases.push_back({"baseline", ClassName(scenario, c.variant), name, c.passed, c.detail});
  }
  return cases;
}

std::vector<GateCase> GateCases(const report::ScenarioResult& result) {
  std::vector<GateCase> cases = ThresholdCases(result.gate.thresholds, result.scenario);
  for (GateCase& c : BaselineCases(result.gate.baseline, result.scenario)) {
    cases.push_back(std::move(c));
  }
  return cases;
}

std::string XmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\n':
        out += "&#10;";  // kept as a line break inside attribute values too
        break;
      case '\r':
        out += "&#13;";
        break;
      case '\t':
        out += "&#9;";
        break;
      default:
        out += c < 0x20 ? '?' : ch;
    }
  }
  return out;
}

std::string ToJunitXml(const std::vector<GateCase>& cases) {
  std::vector<std::string> suites;
  for (const GateCase& c : cases) {
    if (std::find(suites.begin(), suites.end(), c.suite) == suites.end()) {
      suites.push_back(c.suite);
    }
  }
  const size_t failures =
      std::count_if(cases.begin(), cases.end(), [](const GateCase& c) { return !c.passed; });
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += "<testsuites name=\"streambench\" tests=\"" + std::to_string(cases.size()) +
         "\" failures=\"" + std::to_string(failures) + "\" errors=\"0\">\n";
  for (const std::string& suite : suites) {
    size_t tests = 0, suite_failures = 0;
    for (const GateCase& c : cases) {
      if (c.suite != suite) continue;
      ++tests;
      if (!c.passed) ++suite_failures;
    }
    xml += "  <testsuite name=\"" + XmlEscape(suite) + "\" tests=\"" + std::to_string(tests) +
           "\" failures=\"" + std::to_string(suite_failures) +
           "\" errors=\"0\" skipped=\"0\" time=\"0\">\n";
    for (const GateCase& c : cases) {
      if (c.suite != suite) continue;
      xml += "    <testcase classname=\"" + XmlEscape(c.classname) + "\" name=\"" +
             XmlEscape(c.name) + "\" time=\"0\"";
      if (c.passed) {
        // The measured value is useful in passing cases too; system-out is widely displayed.
        xml += ">\n      <system-out>" + XmlEscape(c.message) + "</system-out>\n    </testcase>\n";
      } else {
        xml += ">\n      <failure message=\"" + XmlEscape(c.message) + "\" type=\"" +
               XmlEscape(suite) + "\">" + XmlEscape(c.message) + "</failure>\n    </testcase>\n";
      }
    }
    xml += "  </testsuite>\n";
  }
  xml += "</testsuites>\n";
  return xml;
}

bool WriteJunitFile(const std::vector<GateCase>& cases, const std::string& path,
                    std::string* error) {
  return report::WriteFileAtomically(path, ToJunitXml(cases), error);
}

std::unique_ptr<report::ResultSink> JunitFileSink(std::string path) {
  return std::make_unique<report::FileSink>(
      std::move(path),
      [](const report::ScenarioResult& result, const std::string& file, std::string* error) {
        return WriteJunitFile(GateCases(result), file, error);
      });
}

}  // namespace streambench::gate
