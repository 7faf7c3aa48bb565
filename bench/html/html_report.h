// The HTML report (`streambench run ... --html FILE`, `streambench report RESULTS.json...
// --html FILE`): ONE self-contained file drawn from one or more results (a run, a baseline and a
// candidate): inline CSS, SVG bar charts written here (latency percentiles per kind, throughput,
// statuses, integrity counts; every run of every file overlaid), and plain tables of every
// figure of the field table (bench/report/result_fields.h), so it reads with scripts off. It has
// no script and loads nothing: its Content-Security-Policy forbids any fetch. Every string taken
// from results is escaped.
// Thread-safety: pure functions; WriteHtmlFile writes only its own paths.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bench/report/result.h"
#include "bench/report/result_sink.h"

namespace streambench::html {

// One results document and where it came from.
struct ReportInput {
  // The results file's path: in the header ("" = none, e.g. the report of the run just made), and
  // before each run's name when there are several inputs.
  std::string label;
  report::ScenarioResult result;
};

// The whole document.
std::string RenderHtmlReport(const std::vector<ReportInput>& inputs);

// Writes RenderHtmlReport atomically (temp file + rename). Errors name the path.
bool WriteHtmlFile(const std::vector<ReportInput>& inputs, const std::string& path,
                   std::string* error);

// `run --html FILE`: the report of this run.
std::unique_ptr<report::ResultSink> HtmlFileSink(std::string path);

}  // namespace streambench::html
