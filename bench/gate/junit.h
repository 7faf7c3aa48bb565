// JUnit XML for CI systems (GitHub Actions, GitLab, Jenkins): one <testcase> per threshold result
// and per baseline check, grouped in a <testsuite> each; failures carry the measured value and
// the limit in their message.
// Thread-safety: pure functions; WriteJunitFile writes only its own paths. A sink is used by one
// thread at a time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bench/report/result.h"
#include "bench/report/result_sink.h"

namespace streambench::gate {

struct GateCase {
  std::string suite;      // <testsuite name>: "thresholds" or "baseline"
  std::string classname;  // <testcase classname>: "streambench.<scenario>.<variant>"
  std::string name;       // <testcase name>: the threshold expression, or the compared metric
  bool passed = true;
  std::string message;  // measured value and limit (the failure message when failed)
};

// One case per threshold check / baseline check, for scenario `scenario`.
std::vector<GateCase> ThresholdCases(const std::vector<report::Check>& checks,
                                     const std::string& scenario);
std::vector<GateCase> BaselineCases(const std::vector<report::Check>& checks,
                                    const std::string& scenario);

// Every case of a result's gate: its thresholds, then its baseline checks.
std::vector<GateCase> GateCases(const report::ScenarioResult& result);

// The document: <testsuites> with one <testsuite> per distinct suite, in first-seen order.
std::string ToJunitXml(const std::vector<GateCase>& cases);

// Escapes text for XML content and attribute values (& < > " ' and line breaks in attributes);
// characters XML 1.0 cannot hold (control characters other than tab, LF, CR) become '?'.
std::string XmlEscape(const std::string& text);

// Writes ToJunitXml(cases) atomically (temp file + rename). Errors name the path.
bool WriteJunitFile(const std::vector<GateCase>& cases, const std::string& path,
                    std::string* error);

// `--junit FILE`: GateCases(result) as JUnit XML (an empty document when there was no gate).
std::unique_ptr<report::ResultSink> JunitFileSink(std::string path);

}  // namespace streambench::gate
