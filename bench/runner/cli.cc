#include "bench/runner/cli.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/gate/baseline_judge.h"
#include "bench/gate/compare.h"
#include "bench/gate/exit_code.h"
#include "bench/gate/gate_console.h"
#include "bench/gate/junit.h"
#include "bench/html/html_report.h"
#include "bench/methods/resolved_method.h"
#include "bench/metrics/client_metrics.h"
#include "bench/report/json_report.h"
#include "bench/report/merge.h"
#include "bench/report/result_sink.h"
#include "bench/runner/cli_args.h"
#include "bench/runner/grpc_log_filter.h"
#include "bench/runner/memory_estimate.h"
#include "bench/runner/open_file_limit.h"
#include "bench/runner/run_controller.h"
#include "bench/runner/run_gate.h"
#include "bench/runner/run_security.h"
#include "bench/runner/signals.h"
#include "bench/scenario/scenario_loader.h"
#include "bench/scenario/shard.h"
#include "common/loopback.h"
#include "common/units.h"

namespace streambench::runner {
namespace {

using gate::kExitBadInput;
using gate::kExitCouldNotRun;
using gate::kExitPass;

// Loads the file with --set overrides; prints the error and returns false on failure.
bool Load(const CliOptions& opts, scenario::ScenarioFile* file, std::ostream& err) {
  std::vector<scenario::Override> overrides;
  for (const std::string& text : opts.overrides) {
    scenario::Override o;
    std::string why;
    if (!scenario::ParseOverride(text, &o, &why)) {
      // `why` quotes the argument with control bytes made visible; the raw text could carry
      // terminal escapes.
      err << "streambench: --set: " << why << "\n";
      return false;
    }
    overrides.push_back(std::move(o));
  }
  scenario::LoadError error;
  if (!scenario::LoadScenarioFile(opts.file, overrides, file, &error)) {
    err << error.ToString() << "\n";
    return false;
  }
  // A named method's .proto files or protoset are read now, so a broken .proto or a request
  // that does not fit stops `validate` and `run` alike before anything starts.
  methods::SourceError method_error;
  if (!methods::ResolveMethodsOnDisk(file, &method_error)) {
    err << method_error.message << "\n";
    return false;
  }
  return true;
}

// --target / --duration / --warmup / --threads replace every run's value (--duration: a
// search's step duration).
void ApplyCommandLine(const CliOptions& opts, scenario::ScenarioFile* file) {
  for (scenario::Scenario& run : file->runs) {
    if (opts.target) run.target.addresses = {*opts.target};
    if (opts.duration_us) run.duration_us = *opts.duration_us;
    // A search's measured phases are its steps.
    if (opts.duration_us && run.load.model == scenario::LoadModel::kSearch) {
      run.load.search.step_duration_us = *opts.duration_us;
    }
    if (opts.warmup_us) run.warmup_us = *opts.warmup_us;
    if (opts.threads) run.threads = *opts.threads;
  }
}

// The Prometheus export of this invocation (nullptr when neither --metrics-port nor
// --push-gateway is given). Created before any load, so a taken port fails before anything runs.
bool StartMetrics(const CliOptions& opts, std::shared_ptr<metrics::ClientMetrics>* out,
                  std::ostream& err) {
  if (!opts.metrics_port && opts.push_gateway_url.empty()) return true;
  if (opts.metrics_port) {
    if (const std::string warning = BeyondLoopbackWarning("--metrics-host", opts.metrics_host);
        !warning.empty()) {
      err << "streambench: " << warning << "\n";
    }
  }
  metrics::MetricsOptions options;
  options.port = opts.metrics_port;
  options.host = opts.metrics_host;
  options.push_gateway_url = opts.push_gateway_url;
  options.job = opts.job;
  if (opts.shard_count > 0) options.shard = std::to_string(opts.shard_index);
  std::string error;
  std::unique_ptr<metrics::ClientMetrics> created = metrics::ClientMetrics::Create(options, &error);
  if (created == nullptr) {
    err << "streambench: " << error << "\n";
    return false;
  }
  *out = std::move(created);
  if (opts.metrics_port) {
    // Scripts read the resolved port from this line (with --metrics-port 0).
    err << "metrics on " << opts.metrics_host << ":" << (*out)->port() << "\n" << std::flush;
  }
  return true;
}

// Pushes on a thread of its own and waits at most `timeout_us` (--push-timeout): a Pushgateway
// that accepts the connection and never answers must not keep a finished (or Ctrl-C'd) run from
// exiting. On timeout the thread is left behind holding its own reference to the metrics, and the
// caller goes on (to exit).
bool PushBounded(const std::shared_ptr<metrics::ClientMetrics>& exporter, int64_t timeout_us,
                 std::string* error) {
  struct State {
    std::mutex mu;
    std::condition_variable done_cv;
    bool done = false;
    bool ok = false;
    std::string error;
  };
  auto state = std::make_shared<State>();
  std::thread([exporter, state] {
    std::string push_error;
    const bool ok = exporter->Push(&push_error);
    std::lock_guard<std::mutex> lock(state->mu);
    state->done = true;
    state->ok = ok;
    state->error = push_error;
    state->done_cv.notify_all();
  }).detach();
  std::unique_lock<std::mutex> lock(state->mu);
  if (!state->done_cv.wait_for(lock, std::chrono::microseconds(timeout_us),
                               [&] { return state->done; })) {
    *error = "the Pushgateway did not answer within " + FormatDurationUs(timeout_us) +
             "; the final metrics were not pushed (--push-timeout)";
    return false;
  }
  if (!state->ok) *error = "push to the Pushgateway failed: " + state->error;
  return state->ok;
}

gate::RunEnd RunEndOf(RunOutcome::Status status) {
  switch (status) {
    case RunOutcome::Status::kCompleted:
      break;
    case RunOutcome::Status::kBadInput:
      return gate::RunEnd::kBadInput;
    case RunOutcome::Status::kCouldNotRun:
      return gate::RunEnd::kCouldNotRun;
  }
  return gate::RunEnd::kCompleted;
}

// The outputs asked for, in the order they are written: the console (the tables and the gate's
// summary; with --quiet only a failed gate's summary, on stderr), then the files.
report::CompositeSink Outputs(const CliOptions& opts, std::ostream& out, std::ostream& err) {
  report::CompositeSink sinks;
  if (!opts.quiet) {
    sinks.Add(std::make_unique<report::ConsoleSink>(out));
    sinks.Add(std::make_unique<gate::GateConsoleSink>(out, /*failures_only=*/false));
  } else {
    sinks.Add(std::make_unique<gate::GateConsoleSink>(err, /*failures_only=*/true));
  }
  if (!opts.out_path.empty()) sinks.Add(report::JsonFileSink(opts.out_path));
  if (!opts.csv_path.empty()) sinks.Add(report::CsvFileSink(opts.csv_path));
  if (!opts.junit_path.empty()) sinks.Add(gate::JunitFileSink(opts.junit_path));
  if (!opts.html_path.empty()) sinks.Add(html::HtmlFileSink(opts.html_path));
  return sinks;
}

// Every output of a sharded run says which shard it is, and how late it began (--start-at).
void MarkShard(const CliOptions& opts, report::ScenarioResult* result) {
  if (opts.shard_count == 0 && opts.start_at.empty()) return;
  result->shard.sharded = true;
  result->shard.index = opts.shard_index;
  result->shard.count = std::max(1, opts.shard_count);
  result->shard.start_at = opts.start_at;
  for (const report::RunResult& run : result->runs) {
    result->shard.late_start_s = std::max(result->shard.late_start_s, run.late_start_s);
  }
}

// The version and the command that made a results file, on each of its runs.
void StampProvenance(const CliOptions& opts, report::ScenarioResult* result) {
  for (report::RunResult& run : result->runs) {
    run.streambench_version = STREAMBENCH_VERSION;
    run.command_line = opts.command_line;
  }
}

int Run(const CliOptions& opts, std::ostream& out, std::ostream& err, bool stderr_is_terminal) {
  scenario::ScenarioFile file;
  if (!Load(opts, &file, err)) return kExitBadInput;
  ApplyCommandLine(opts, &file);
  InstallGrpcLogFilter();
  for (const scenario::Scenario& run : file.runs) {
    if (const std::string warning = InsecureSkipVerifyWarning(run); !warning.empty()) {
      err << "streambench: " << warning << "\n";
      break;  // once per file: every run of it is told the same
    }
  }
  GateInputs gate_inputs;
  std::string error;
  if (opts.shard_count > 0 &&
      !scenario::ShardScenarioFile({opts.shard_index, opts.shard_count}, &file, &error)) {
    err << "streambench: --shard " << opts.shard_index << "/" << opts.shard_count << ": " << error
        << "\n";
    return kExitBadInput;
  }
  const OpenFileLimit files = RaiseOpenFileLimit();
  if (!FitsOpenFileLimit(file, files, &error)) {
    err << "streambench: " << error << "\n";
    return kExitBadInput;
  }
  if (!opts.force && !FitsMemory(file, AvailableMemoryBytes(), &error)) {
    err << "streambench: " << error << "\n";
    return kExitBadInput;
  }
  if (OpenFilesNeeded(file) > files.soft_before) {
    err << "streambench: open-file limit raised from " << files.soft_before << " to " << files.soft
        << " (the hard limit) for this scenario's connections\n";
  }
  if (!PrepareGate(opts, file, &gate_inputs, &error)) {
    err << "streambench: " << error << "\n";
    return kExitBadInput;
  }
  std::shared_ptr<metrics::ClientMetrics> exporter;
  if (!StartMetrics(opts, &exporter, err)) return kExitCouldNotRun;

  ResetStopSignals();
  InstallStopSignalHandlers();
  RunOptions run_options;
  run_options.show_progress = stderr_is_terminal && !opts.quiet;
  run_options.progress_out = &err;
  run_options.log_out = &err;
  run_options.start_at_unix_ns = opts.start_at_unix_ns;
  if (opts.heap_trim_interval_us) {
    run_options.heap_trim_interval = std::chrono::microseconds(*opts.heap_trim_interval_us);
  }
  if (exporter) {
    run_options.on_snapshot = [&exporter](const scenario::Scenario& run,
                                          const stats::Snapshot& cumulative,
                                          const LiveState& live) {
      metrics::LiveGauges gauges;
      gauges.target_rate_per_s = live.target_rate_per_s;
      gauges.active_streams = live.active_streams;
      gauges.schedule_lag_s = live.schedule_lag_s;
      std::vector<prometheus::ClientMetric::Label> method_labels;
      if (run.target.service == scenario::TargetService::kAnyService) {
        method_labels = {{"service", run.method.service}, {"method", run.method.method}};
      }
      exporter->Update(run.name, run.variant, scenario::ModeName(run.mode), cumulative, gauges,
                       method_labels);
    };
  }
  ScenarioOutcome outcome = RunScenarioFile(file, run_options);
  // Pushed whatever happened (finished, interrupted by Ctrl-C, a later run that could not
  // start), so a short CI run's numbers are not lost between scrapes.
  if (exporter && !opts.push_gateway_url.empty() &&
      !PushBounded(exporter, opts.push_timeout_us, &error)) {
    err << "streambench: warning: " << error << "\n";
  }
  if (outcome.status != RunOutcome::Status::kCompleted) {
    err << "streambench: " << outcome.error << "\n";
    if (outcome.result.runs.empty()) return gate::ExitCode({RunEndOf(outcome.status)});
  }

  MarkShard(opts, &outcome.result);
  StampProvenance(opts, &outcome.result);
  if (gate_inputs.Active(file)) EvaluateGate(file, gate_inputs, &outcome.result);
  std::vector<std::string> errors;
  const bool written = Outputs(opts, out, err).Write(outcome.result, &errors);
  for (const std::string& e : errors) err << "streambench: " << e << "\n";
  for (const scenario::Scenario& run : file.runs) {
    for (const report::RunResult& result : outcome.result.runs) {
      if (result.variant != run.variant) continue;
      if (const std::string cause = UnauthenticatedCause(run, result); !cause.empty()) {
        err << "streambench: " << cause << "\n";
        break;  // once per variant
      }
    }
  }

  gate::Verdict verdict;
  verdict.run_end = RunEndOf(outcome.status);
  verdict.checks_passed = outcome.result.pass && !outcome.result.runs.empty() &&
                          (!outcome.result.gate.evaluated || outcome.result.gate.pass);
  verdict.outputs_written = written;
  // The results file of an interrupted run is still complete, with `interrupted: true` and the
  // checks as far as they went; the exit status says the run was aborted.
  if (outcome.result.interrupted) verdict.stop_signal = LastStopSignal();
  return gate::ExitCode(verdict);
}

// Merges the shards' results files into one (--out), then judges it like a run: thresholds,
// baseline and JUnit on the whole sharded run.
int Merge(const CliOptions& opts, std::ostream& out, std::ostream& err) {
  // One file at a time: the merge holds the merged result and one shard's.
  report::ShardMerger merger;
  std::string error;
  for (const std::string& path : opts.merge_files) {
    report::MergeInput input;
    input.path = path;
    if (!report::ReadJsonFile(path, &input.result, &error)) {
      err << "streambench: " << error << "\n";
      return kExitBadInput;
    }
    if (!merger.Add(std::move(input), &error)) {
      err << "streambench: merge: " << error << "\n";
      return kExitBadInput;
    }
  }
  report::ScenarioResult merged;
  if (!merger.Finish(opts.allow_missing, &merged, &error)) {
    err << "streambench: merge: " << error << "\n";
    return kExitBadInput;
  }
  if (!merged.shard.missing.empty()) {
    err << "streambench: merge: warning: " << merged.shard.missing.size() << " of "
        << merged.shard.count << " shards missing; the merged result does not pass\n";
  }
  // The gate names variants; a file of the merged runs' variants stands in for the scenario.
  scenario::ScenarioFile variants;
  variants.name = merged.scenario;
  for (const report::RunResult& run : merged.runs) {
    scenario::Scenario s;
    s.variant = run.variant;
    variants.runs.push_back(std::move(s));
  }
  GateInputs gate_inputs;
  if (!PrepareGate(opts, variants, &gate_inputs, &error)) {
    err << "streambench: " << error << "\n";
    return kExitBadInput;
  }
  // The merged file was made by this command (each shard's own is in its file).
  StampProvenance(opts, &merged);
  if (gate_inputs.Active(variants)) EvaluateGate(variants, gate_inputs, &merged);
  std::vector<std::string> errors;
  const bool written = Outputs(opts, out, err).Write(merged, &errors);
  for (const std::string& e : errors) err << "streambench: " << e << "\n";
  gate::Verdict verdict;
  verdict.checks_passed = merged.pass && (!merged.gate.evaluated || merged.gate.pass);
  verdict.outputs_written = written;
  return gate::ExitCode(verdict);
}

int Compare(const CliOptions& opts, std::ostream& out, std::ostream& err) {
  return gate::RunCompare(opts.file, opts.file_b, opts.tolerances, out);
}

// `report --baseline FILE`: every results file against it; `report A B`: B (the candidate)
// against A. The gate's own comparison (bench/gate) judges, so the report shows the verdicts a
// `run --baseline` would have; the baseline comes first among the inputs.
bool JudgeAgainstBaseline(const CliOptions& opts, std::vector<html::ReportInput>* inputs,
                          std::ostream& err) {
  if (!opts.baseline_path.empty()) {
    html::ReportInput baseline;
    baseline.label = opts.baseline_path;
    std::string error;
    if (!report::ReadJsonFile(opts.baseline_path, &baseline.result, &error)) {
      err << "streambench: --baseline: " << error << "\n";
      return false;
    }
    inputs->insert(inputs->begin(), std::move(baseline));
  } else if (inputs->size() != 2) {
    return true;
  }
  const report::ScenarioResult& baseline = inputs->front().result;
  for (size_t i = 1; i < inputs->size(); ++i) {
    report::GateResult& gate = (*inputs)[i].result.gate;
    gate.baseline = gate::CompareToBaseline((*inputs)[i].result, baseline, opts.tolerances);
    gate.baseline_path = inputs->front().label;
    gate.evaluated = true;
    gate.pass = true;
    for (const report::Check& c : gate.thresholds) gate.pass = gate.pass && c.passed;
    for (const report::Check& c : gate.baseline) gate.pass = gate.pass && c.passed;
  }
  return true;
}

// Draws results files as one HTML report; a file that cannot be read or parsed is bad input.
int Report(const CliOptions& opts, std::ostream& out, std::ostream& err) {
  std::vector<html::ReportInput> inputs;
  for (const std::string& path : opts.results_files) {
    html::ReportInput input;
    input.label = path;
    std::string error;
    if (!report::ReadJsonFile(path, &input.result, &error)) {
      err << "streambench: " << error << "\n";
      return kExitBadInput;
    }
    inputs.push_back(std::move(input));
  }
  if (!JudgeAgainstBaseline(opts, &inputs, err)) return kExitBadInput;
  std::string error;
  if (!html::WriteHtmlFile(inputs, opts.html_path, &error)) {
    err << "streambench: " << error << "\n";
    return kExitCouldNotRun;
  }
  out << "wrote " << opts.html_path << "\n";
  return kExitPass;
}

int Validate(const CliOptions& opts, std::ostream& out, std::ostream& err) {
  scenario::ScenarioFile file;
  if (!Load(opts, &file, err)) return kExitBadInput;
  out << opts.file << ": ok (" << file.runs.size() << (file.runs.size() == 1 ? " run" : " runs")
      << ")\n";
  return kExitPass;
}

// The command as a shell would take it back: an argument with anything but safe characters is
// single-quoted, so the header of a report can be copied and run again.
std::string ShellQuotedCommand(const std::vector<std::string>& args) {
  std::string line = "streambench";
  for (const std::string& arg : args) {
    const bool safe = !arg.empty() && arg.find_first_not_of(
                                          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                          "0123456789_-+=.,/:@%") == std::string::npos;
    line += " ";
    if (safe) {
      line += arg;
      continue;
    }
    line += "'";
    for (char c : arg) line += c == '\'' ? std::string("'\\''") : std::string(1, c);
    line += "'";
  }
  return line;
}

}  // namespace

int RunCli(int argc, char** argv, std::ostream& out, std::ostream& err, bool stderr_is_terminal) {
  std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  CliOptions opts;
  std::string error;
  if (!ParseCliArgs(args, &opts, &error)) {
    err << "streambench: " << error << "\n"
        << "Try 'streambench --help'"
        << (opts.command.empty() ? "" : " or 'streambench " + opts.command + " --help'") << ".\n";
    return kExitBadInput;
  }
  opts.command_line = ShellQuotedCommand(args);
  if (opts.help) {
    out << (opts.command.empty() ? MainUsage() : CommandUsage(opts.command));
    return kExitPass;
  }
  if (opts.command == "validate") return Validate(opts, out, err);
  if (opts.command == "compare") return Compare(opts, out, err);
  if (opts.command == "report") return Report(opts, out, err);
  if (opts.command == "merge") return Merge(opts, out, err);
  return Run(opts, out, err, stderr_is_terminal);
}

int RunCli(int argc, char** argv) {
  return RunCli(argc, argv, std::cout, std::cerr, isatty(STDERR_FILENO) == 1);
}

}  // namespace streambench::runner
