// The properties the fuzz targets check, shared with the g++ gtest suite
// (tests/bench/scenario/hostile_corpus_test.cc) so every checked-in fuzz input and every crash
// reproducer is also replayed by the normal test run, with the same checks.
//
// Each Check* function runs one input through the real parser and returns "" when every
// property holds, or a one-line description of the first violated property. The fuzz targets
// abort on a violation (libFuzzer then keeps the input as a crash); the gtest reports it.
//
// Input formats (the corpora in tests/fuzz/corpus/<target>/ follow them):
//   CheckScenarioText:   the whole input is a scenario file.
//   CheckOverridesInput: lines of `--set` arguments, then a line `===`, then a scenario file.
//                        Without a `===` line every line is a --set argument applied to a small
//                        valid built-in scenario, so the fuzzer can work on the overrides alone.
//   CheckGateInput:      each line is both a --threshold expression and a --tolerance value.
// Thread-safety: reentrant (no shared state).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/criteria/metric_names.h"
#include "bench/criteria/threshold.h"
#include "bench/criteria/tolerance.h"
#include "bench/gate/threshold_judge.h"
#include "bench/report/result.h"
#include "bench/scenario/scenario_loader.h"

namespace streambench::fuzz {

// What the loader is given as the file name in messages.
inline constexpr char kDisplayName[] = "fuzz.yaml";

// The CLI prints an error on exactly one line; a control byte (newline, escape, ...) in it
// would break that line or garble a terminal.
inline std::string CheckOneLine(const std::string& what, const std::string& text) {
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return what + " contains control byte " + std::to_string(u) + ": " + text;
    }
  }
  return "";
}

// Errors that legitimately have no position in the file: about the file as a whole.
inline bool IsWholeFileError(const std::string& message) {
  return message.rfind("the file is empty", 0) == 0 ||
         message.rfind("invalid YAML: the file is larger than", 0) == 0;
}

inline int CountLines(const std::string& text) {
  int lines = 1;
  for (char c : text) lines += c == '\n';
  return lines;
}

// Properties of a loaded scenario that the rest of the generator relies on (the schedules
// divide by rates, the runner sizes pools from counts): the validator must guarantee them.
inline std::string CheckRun(const scenario::Scenario& run) {
  const std::string where = "run `" + run.variant + "`: ";
  if (run.name.empty()) return where + "empty name";
  if (run.variant.empty()) return where + "empty variant name";
  if (run.duration_us <= 0) return where + "duration_us <= 0";
  if (run.warmup_us < 0) return where + "warmup_us < 0";
  if (run.connections < 1) return where + "connections < 1";
  if (run.streams_per_connection < 1) return where + "streams_per_connection < 1";
  const scenario::LoadSpec& load = run.load;
  switch (load.model) {
    case scenario::LoadModel::kClosed:
      if (load.outstanding < 1) return where + "closed loop with outstanding < 1";
      break;
    case scenario::LoadModel::kConstant:
    case scenario::LoadModel::kPoisson:
      if (!std::isfinite(load.rate_per_s) || load.rate_per_s <= 0) {
        return where + "open loop rate not finite and > 0: " + std::to_string(load.rate_per_s);
      }
      break;
    case scenario::LoadModel::kSearch: {
      const scenario::SearchSpec& search = load.search;
      // The search divides and multiplies rates and needs an objective to judge steps by.
      if (!(load.start_rate_per_s > 0) || !(search.min_rate_per_s > 0) ||
          search.min_rate_per_s > load.start_rate_per_s ||
          !(search.max_rate_per_s >= load.start_rate_per_s) ||
          !std::isfinite(search.max_rate_per_s)) {
        return where + "search rates not 0 < min_rate <= start_rate <= max_rate";
      }
      if (!(search.precision_fraction > 0)) return where + "search precision <= 0";
      if (search.step_duration_us <= 0) return where + "search step_duration_us <= 0";
      if (search.objective.empty()) return where + "search without an objective";
      break;
    }
    case scenario::LoadModel::kRamp:
      if (load.stages.empty()) return where + "ramp without stages";
      if (!std::isfinite(load.start_rate_per_s) || load.start_rate_per_s < 0) {
        return where + "ramp start rate not finite and >= 0";
      }
      int64_t total_us = 0;
      for (const scenario::RampStage& stage : load.stages) {
        // A zero-length stage is allowed (a step); the stages together must take time.
        if (stage.duration_us < 0) return where + "ramp stage with duration_us < 0";
        total_us += stage.duration_us;
        if (!std::isfinite(stage.target_rate_per_s) || stage.target_rate_per_s < 0) {
          return where + "ramp stage rate not finite and >= 0";
        }
      }
      if (total_us <= 0) return where + "ramp stages with no total duration";
      break;
  }
  const scenario::SizeDistribution& size = run.request_size;
  if (size.kind == scenario::SizeDistribution::Kind::kUniform && size.min_bytes > size.max_bytes) {
    return where + "uniform size with min > max";
  }
  if (size.kind == scenario::SizeDistribution::Kind::kChoice) {
    if (size.choices_bytes.empty()) return where + "size choice without choices";
    if (!size.weights.empty() && size.weights.size() != size.choices_bytes.size()) {
      return where + "size weights and choices differ in count";
    }
    for (double w : size.weights) {
      if (!std::isfinite(w) || w < 0) return where + "size weight not finite and >= 0";
    }
  }
  const double p = run.behavior.failure.probability;
  if (!(p >= 0 && p <= 1)) return where + "failure probability outside [0, 1]";
  for (const auto& [code, expectation] : run.expect.statuses) {
    if (!(expectation.min_fraction >= 0 && expectation.min_fraction <= expectation.max_fraction &&
          expectation.max_fraction <= 1)) {
      return where + "expect." + code + " fractions not 0 <= min <= max <= 1";
    }
  }
  return "";
}

// Loads `text` with `overrides` and checks the result or the error.
inline std::string CheckLoad(const std::string& text,
                             const std::vector<scenario::Override>& overrides) {
  scenario::ScenarioFile file;
  scenario::LoadError error;
  if (scenario::LoadScenarioString(text, kDisplayName, overrides, &file, &error)) {
    if (file.runs.empty()) return "loaded without runs";
    if (file.name.empty()) return "loaded without a name";
    for (const scenario::Scenario& run : file.runs) {
      if (std::string problem = CheckRun(run); !problem.empty()) return problem;
    }
    return "";
  }
  const std::string line = error.ToString();
  if (error.message.empty()) return "failed with an empty message: " + line;
  if (error.file != kDisplayName) return "error names file `" + error.file + "`: " + line;
  if (std::string problem = CheckOneLine("error", line); !problem.empty()) return problem;
  if (error.line < 0 || error.column < 0) return "negative position: " + line;
  if (error.line > CountLines(text)) return "line beyond the end of the file: " + line;
  const bool from_set = error.message.find("(from --set ") != std::string::npos;
  if (error.line == 0 && !from_set && !IsWholeFileError(error.message)) {
    return "error from the file without a line number: " + line;
  }
  if (error.line > 0 && error.column == 0) return "line without column: " + line;
  return "";
}

inline std::string CheckScenarioText(const std::string& text) { return CheckLoad(text, {}); }

// The scenario --set arguments are applied to when the input has no `===` line.
inline constexpr char kOverrideBaseScenario[] =
    "name: fuzz\n"
    "mode: bidi\n"
    "connections: 2\n"
    "streams_per_connection: 2\n"
    "load: {type: constant, rate: 1000/s}\n"
    "request: {payload_size: 64B}\n"
    "duration: 1s\n"
    "warmup: 0s\n"
    "variants:\n"
    "  - name: small\n"
    "    set: {request.payload_size: 16B}\n"
    "  - name: large\n"
    "    set: {transport.stream_window: 1MiB}\n";

inline std::string CheckOverridesInput(const std::string& data) {
  std::vector<std::string> lines;
  std::string scenario_text = kOverrideBaseScenario;
  size_t begin = 0;
  while (begin <= data.size()) {
    size_t end = data.find('\n', begin);
    if (end == std::string::npos) end = data.size();
    std::string line = data.substr(begin, end - begin);
    if (line == "===") {
      scenario_text = end < data.size() ? data.substr(end + 1) : "";
      break;
    }
    if (!line.empty()) lines.push_back(std::move(line));
    begin = end + 1;
  }
  std::vector<scenario::Override> overrides;
  for (std::string& arg : lines) {
    // --set arguments come from the command line, which cannot hold a NUL byte.
    arg = arg.substr(0, arg.find('\0'));
    scenario::Override o;
    std::string error;
    if (!scenario::ParseOverride(arg, &o, &error)) {
      if (error.empty()) return "ParseOverride failed with an empty error: " + arg;
      if (std::string problem = CheckOneLine("ParseOverride error", error); !problem.empty()) {
        return problem;
      }
      continue;  // the CLI stops here; dropping it lets the rest be exercised
    }
    if (o.key_path.empty() || o.key_path + "=" + o.value != arg) {
      return "ParseOverride split `" + arg + "` into `" + o.key_path + "` and `" + o.value + "`";
    }
    overrides.push_back(std::move(o));
  }
  return CheckLoad(scenario_text, overrides);
}

inline std::string CheckThreshold(const std::string& text) {
  criteria::Threshold t;
  std::string error;
  if (!criteria::ParseThreshold(text, &t, &error)) {
    if (error.empty()) return "threshold failed with an empty error: " + text;
    return CheckOneLine("threshold error", error);
  }
  criteria::MetricUnit unit;
  if (!criteria::LookupMetric(t.metric, &unit)) return "accepted unknown metric `" + t.metric + "`";
  if (unit != t.unit) return "threshold unit differs from the metric's: " + text;
  if (!std::isfinite(t.limit)) return "threshold limit not finite: " + text;
  if (t.text.empty() || t.limit_text.empty()) return "threshold with empty text: " + text;
  // Parsing what was kept must give the same threshold (messages quote t.text).
  criteria::Threshold again;
  if (!criteria::ParseThreshold(t.text, &again, &error)) {
    return "threshold text does not parse again: " + t.text + ": " + error;
  }
  if (again.metric != t.metric || again.op != t.op || again.limit != t.limit ||
      again.variant != t.variant) {
    return "threshold text parses differently the second time: " + t.text;
  }
  report::RunResult run;
  run.variant = t.variant.empty() ? "default" : t.variant;
  const report::Check result = gate::EvaluateThreshold(t, run);
  if (result.detail.empty()) return "threshold evaluated with an empty message: " + text;
  return "";
}

inline std::string CheckTolerance(const std::string& text) {
  criteria::Tolerances tolerances;
  std::string error;
  if (!criteria::ParseTolerance(text, &tolerances, &error)) {
    if (error.empty()) return "tolerance failed with an empty error: " + text;
    return CheckOneLine("tolerance error", error);
  }
  if (!std::isfinite(tolerances.default_fraction) || tolerances.default_fraction < 0) {
    return "tolerance default not finite and >= 0: " + text;
  }
  for (const auto& [metric, fraction] : tolerances.per_metric) {
    if (!std::isfinite(fraction) || fraction < 0) {
      return "tolerance for " + metric + " not finite and >= 0: " + text;
    }
  }
  return "";
}

inline std::string CheckGateInput(const std::string& data) {
  // Thresholds and tolerances come from command-line arguments, which cannot hold a NUL byte.
  const std::string text = data.substr(0, data.find('\0'));
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(begin, end - begin);
    if (std::string problem = CheckThreshold(line); !problem.empty()) return problem;
    if (std::string problem = CheckTolerance(line); !problem.empty()) return problem;
    begin = end + 1;
  }
  return "";
}

}  // namespace streambench::fuzz
