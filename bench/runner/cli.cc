#include "bench/runner/cli.h"

#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "bench/report/console_report.h"
#include "bench/report/csv_report.h"
#include "bench/report/json_report.h"
#include "bench/runner/cli_args.h"
#include "bench/runner/run_controller.h"
#include "bench/runner/signals.h"
#include "bench/scenario/scenario_loader.h"

namespace streambench::runner {
namespace {

constexpr int kExitPass = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitSignalBase = 128;  // + the stop signal: an interrupted run

// Loads the file with --set overrides; prints the error and returns false on failure.
bool Load(const CliOptions& opts, scenario::ScenarioFile* file, std::ostream& err) {
  std::vector<scenario::Override> overrides;
  for (const std::string& text : opts.overrides) {
    scenario::Override o;
    std::string why;
    if (!scenario::ParseOverride(text, &o, &why)) {
      err << "streambench: --set " << text << ": " << why << "\n";
      return false;
    }
    overrides.push_back(std::move(o));
  }
  scenario::LoadError error;
  if (!scenario::LoadScenarioFile(opts.file, overrides, file, &error)) {
    err << error.ToString() << "\n";
    return false;
  }
  return true;
}

// --target / --duration / --warmup / --threads replace every run's value.
void ApplyCommandLine(const CliOptions& opts, scenario::ScenarioFile* file) {
  for (scenario::Scenario& run : file->runs) {
    if (opts.target) run.target.addresses = {*opts.target};
    if (opts.duration_us) run.duration_us = *opts.duration_us;
    if (opts.warmup_us) run.warmup_us = *opts.warmup_us;
    if (opts.threads) run.threads = *opts.threads;
  }
}

int Run(const CliOptions& opts, std::ostream& out, std::ostream& err, bool stderr_is_terminal) {
  scenario::ScenarioFile file;
  if (!Load(opts, &file, err)) return kExitUsage;
  ApplyCommandLine(opts, &file);

  ResetStopSignals();
  InstallStopSignalHandlers();
  RunOptions run_options;
  run_options.show_progress = stderr_is_terminal && !opts.quiet;
  run_options.progress_out = &err;
  run_options.log_out = &err;
  ScenarioOutcome outcome = RunScenarioFile(file, run_options);
  if (outcome.status != RunOutcome::Status::kCompleted) {
    err << "streambench: " << outcome.error << "\n";
    if (outcome.result.runs.empty()) return outcome.exit_code;
  }

  if (!opts.quiet) report::PrintConsoleTable(outcome.result, out);
  int code = outcome.exit_code;
  // An interrupted run's checks judged a partial measurement, so neither "pass" (0) nor
  // "regression" (1) would be true: it exits 128 + the signal (130 Ctrl-C, 143 SIGTERM), what a
  // shell or CI reports for a job ended by that signal, so wrappers see "aborted". The results
  // file is still complete, with `interrupted: true` and the checks as far as they went.
  if (outcome.result.interrupted) code = kExitSignalBase + LastStopSignal();
  std::string error;
  if (!opts.out_path.empty() && !report::WriteJsonFile(outcome.result, opts.out_path, &error)) {
    err << "streambench: " << error << "\n";
    code = std::max(code, kExitFailed);
  }
  if (!opts.csv_path.empty() && !report::WriteCsvFile(outcome.result, opts.csv_path, &error)) {
    err << "streambench: " << error << "\n";
    code = std::max(code, kExitFailed);
  }
  return code;
}

int Validate(const CliOptions& opts, std::ostream& out, std::ostream& err) {
  scenario::ScenarioFile file;
  if (!Load(opts, &file, err)) return kExitUsage;
  out << opts.file << ": ok (" << file.runs.size() << (file.runs.size() == 1 ? " run" : " runs")
      << ")\n";
  return kExitPass;
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
    return kExitUsage;
  }
  if (opts.help) {
    out << (opts.command.empty() ? MainUsage() : CommandUsage(opts.command));
    return kExitPass;
  }
  if (opts.command == "validate") return Validate(opts, out, err);
  return Run(opts, out, err, stderr_is_terminal);
}

int RunCli(int argc, char** argv) {
  return RunCli(argc, argv, std::cout, std::cerr, isatty(STDERR_FILENO) == 1);
}

}  // namespace streambench::runner
