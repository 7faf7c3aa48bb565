// Comparison of variants: when a scenario file has several variants or repeats, one row per
// variant with the median and spread (min-max) over its repetitions of throughput, message
// latency, write-blocked time and send-queue depth, and its ratio to the first (baseline)
// variant for throughput and p50/p99. The same rows go to the console, the JSON (`comparison`)
// and a second CSV file (`<csv>.comparison.csv`).
// Thread-safety: pure functions; PrintComparisonTable writes only to the given stream.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "bench/report/result.h"
#include "bench/report/result_fields.h"

namespace streambench::report {

// One figure of a comparison row: a spread over the repeats, some also with a ratio to the first
// variant. The JSON (`comparison[i].<key>`, `comparison[i].ratio.<ratio_key>`) and the HTML
// report are written from this list.
struct ComparisonFigure {
  const char* key;
  Spread ComparisonRow::*spread;
  const char* ratio_key = nullptr;  // nullptr: no ratio
  double ComparisonRow::*ratio = nullptr;
  MetricUnit unit = MetricUnit::kCount;  // of the spread (bytes_per_s is a rate of bytes)
};

// Every figure, in JSON order.
const std::vector<ComparisonFigure>& ComparisonFigures();

// Median, min and max of `values` (all 0 when empty). The median of an even count is the mean of
// the two middle values.
Spread SpreadOf(std::vector<double> values);

// One row per variant in order of first appearance in `runs` (the first is the baseline).
std::vector<ComparisonRow> BuildComparison(const std::vector<RunResult>& runs);

// True when a result deserves a comparison: more than one variant, or a variant run more than
// once.
bool WantsComparison(const std::vector<RunResult>& runs);

// The console table, e.g.
//   variant          n  msg/s (min-max)        ratio  MB/s    p50      ratio  p99   ratio  ...
void PrintComparisonTable(const std::vector<ComparisonRow>& rows, std::ostream& out);

// CSV: a header and one line per row ("\r\n" line ends, RFC 4180 quoting).
std::string ComparisonToCsv(const std::vector<ComparisonRow>& rows);

// Where the comparison CSV goes for `--csv PATH`: PATH with ".comparison.csv" replacing a
// trailing ".csv" (results.csv -> results.comparison.csv), or appended otherwise.
std::string ComparisonCsvPath(const std::string& csv_path);

}  // namespace streambench::report
