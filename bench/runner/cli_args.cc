#include "bench/runner/cli_args.h"

#include <cctype>
#include <memory>

#include "bench/criteria/threshold.h"
#include "bench/criteria/tolerance.h"
#include "bench/metrics/push_gateway_url.h"
#include "bench/scenario/shard.h"
#include "common/cli/cli_flags.h"
#include "common/units.h"
#include "common/wall_time.h"

namespace streambench::runner {
namespace {

// A flag whose value is a duration in the scenario files' syntax ("250ms"), in microseconds.
template <typename T>
CLI::Option* DurationFlag(CLI::App* app, const std::string& name, T* us, const std::string& help) {
  return app->add_option(name, *us, help)
      ->type_name("DURATION")
      ->transform(cli::UnitTransformer<int64_t>(streambench::ParseDurationUs));
}

// The checks of values whose syntax other modules own: each true, or false with *why.
bool IsHostPort(const std::string& v, std::string* why) {
  if (!v.empty() && v.find(':') != std::string::npos) return true;
  *why = "expected HOST:PORT, got '" + v + "'";
  return false;
}

bool IsThreshold(const std::string& v, std::string* why) {
  criteria::Threshold parsed;
  return criteria::ParseThreshold(v, &parsed, why);
}

bool IsTolerance(const std::string& v, std::string* why) {
  criteria::Tolerances scratch;
  return criteria::ParseTolerance(v, &scratch, why);
}

bool IsShardSpec(const std::string& v, std::string* why) {
  scenario::ShardSpec spec;
  return scenario::ParseShardSpec(v, &spec, why);
}

bool IsRfc3339(const std::string& v, std::string* why) {
  int64_t ns = 0;
  return ParseRfc3339(v, &ns, why);
}

bool IsPushGatewayUrl(const std::string& v, std::string* why) {
  return metrics::ParsePushGatewayUrl(v, why).has_value();
}

// The Pushgateway takes the job as a URL path segment: keep it plain.
bool IsPlainJobName(const std::string& v, std::string* why) {
  bool ok = !v.empty();
  for (char c : v) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
  }
  if (!ok) *why = "expected letters, digits, '.', '_' or '-', got '" + v + "'";
  return ok;
}

// The whole command line: the subcommands, their arguments and flags, writing into *o. The app
// and *o must outlive the parse.
struct CliApp {
  CLI::App app{"Load-tests gRPC streaming with YAML scenarios.", "streambench"};
  CLI::App* run = nullptr;
  CLI::App* validate = nullptr;
  CLI::App* compare = nullptr;
  CLI::App* report = nullptr;
  CLI::App* merge = nullptr;
  std::string shard_text;
  // The texts of the repeatable gate flags, checked while parsing and parsed once afterwards
  // into CliOptions' typed values (ParsedGateFlags).
  std::vector<std::string> threshold_texts;
  std::vector<std::string> tolerance_texts;

  explicit CliApp(CliOptions* o) {
    cli::SetUpApp(&app);
    run = cli::AddCommand(&app, "run",
                          "run a scenario (against its target, or an embedded reference server)");
    validate = cli::AddCommand(&app, "validate", "check a scenario without running it");
    compare = cli::AddCommand(
        &app, "compare", "B's results against baseline A, side by side; exit 1 on a regression");
    report = cli::AddCommand(&app, "report",
                             "draw results files as one self-contained HTML report (--html FILE)");
    merge = cli::AddCommand(&app, "merge",
                            "merge the results of a sharded run (--shard I/N) into one (--out)");
    app.footer(
        "`streambench COMMAND --help` lists the command's options.\n"
        "exit codes: 0 pass, 1 expectations, a threshold or the baseline failed, 2 bad input or\n"
        "usage, 3 could not run");
    for (CLI::App* scenario_command : {run, validate}) {
      scenario_command->add_option("FILE", o->file, "the scenario file");
      cli::Repeatable(scenario_command->add_option(
                          "--set", o->overrides,
                          "override a scenario key by its dotted path (repeatable), e.g. --set "
                          "load.rate=500"))
          ->type_name("KEY=VALUE");
    }
    compare->add_option("A.json", o->file, "the baseline results (an earlier --out file)");
    compare->add_option("B.json", o->file_b, "the newer results");
    report->add_option("RESULTS.json", o->results_files,
                       "results files (--out of earlier runs); two files without --baseline: "
                       "the first is the baseline, the second the candidate");
    report
        ->add_option("--baseline", o->baseline_path,
                     "judge every results file against this one (the gate's baseline comparison, "
                     "--tolerance) and show each check, failures first")
        ->type_name("FILE")
        ->check(cli::NotEmpty());
    merge->add_option("SHARD.json", o->merge_files,
                      "every shard's results file (--out of run --shard)");
    merge->add_option("--out", o->out_path, "write the merged JSON results to FILE")
        ->type_name("FILE");
    merge
        ->add_flag("--allow-missing", o->allow_missing,
                   "merge even when shards are missing, and name them in the result")
        ->disable_flag_override();
    AddGateFlags(merge, o);
    for (CLI::App* html_command : {run, report}) {
      html_command
          ->add_option("--html", o->html_path,
                       "write a self-contained HTML report (charts and tables, no network) to "
                       "FILE")
          ->type_name("FILE")
          ->check(cli::NotEmpty());
    }
    for (CLI::App* gated_command : {run, compare, merge, report}) {
      cli::Repeatable(gated_command->add_option(
                          "--tolerance", tolerance_texts,
                          "allowed worsening against the baseline: '10%' (default) for every "
                          "metric, or 'METRIC=25%' for one (repeatable)"))
          ->type_name("SPEC")
          ->check(cli::CheckedBy(IsTolerance));
    }
    AddRunFlags(o);
  }

  // The gate's own flags, on `run` and on `merge` (which judges the whole sharded run once).
  void AddGateFlags(CLI::App* command, CliOptions* o) {
    cli::Repeatable(
        command->add_option("--threshold", threshold_texts,
                            "fail (exit 1) unless EXPR holds, e.g. 'message_latency.p99 "
                            "< 5ms' (repeatable; added to the scenario's thresholds; "
                            "syntax in bench/gate/README.md)"))
        ->type_name("EXPR")
        ->check(cli::CheckedBy(IsThreshold));
    command
        ->add_option("--baseline", o->baseline_path,
                     "compare with an earlier --out results file; a regression beyond the "
                     "tolerance fails")
        ->type_name("FILE")
        ->check(cli::NotEmpty());
    command
        ->add_option("--junit", o->junit_path,
                     "write the gate's checks (thresholds, baseline) as JUnit XML to FILE")
        ->type_name("FILE")
        ->check(cli::NotEmpty());
  }

  void AddRunFlags(CliOptions* o) {
    run->add_option("--target", o->target,
                    "drive this server instead of the scenario's target (or the embedded server)")
        ->type_name("HOST:PORT")
        ->check(cli::CheckedBy(IsHostPort));
    DurationFlag(run, "--duration", &o->duration_us, "measured phase of every run, e.g. 10s");
    DurationFlag(run, "--warmup", &o->warmup_us,
                 "warm-up of every run (recorded, not reported), e.g. 1s");
    run->add_option("--threads", o->threads, "generator worker threads for open-loop load")
        ->type_name("N")
        ->check(cli::IntegerIn(1, 1024));
    run->add_option("--out", o->out_path, "write JSON results to FILE")->type_name("FILE");
    run->add_option("--csv", o->csv_path, "write CSV results (one row per run) to FILE")
        ->type_name("FILE");
    DurationFlag(run, "--heap-trim-interval", &o->heap_trim_interval_us,
                 "hand freed heap pages back to the OS this often while running (default 10s; 0 "
                 "= never)");
    DurationFlag(run, "--push-timeout", &o->push_timeout_us,
                 "give up on the final push after this long (default 5s), so a gateway that "
                 "never answers cannot hold a finished run")
        ->check(cli::CheckedBy([](const std::string& us, std::string* why) {
          if (us != "0") return true;
          *why = "must be > 0";
          return false;
        }));
    run->add_flag("--force", o->force,
                  "run even when the pre-flight memory estimate exceeds the available memory");
    for (CLI::App* command : {run, merge}) {
      command->add_flag("--quiet", o->quiet, "no console table and no progress line")
          ->disable_flag_override();
    }
    run->add_option("--metrics-port", o->metrics_port,
                    "serve Prometheus /metrics on PORT while running (0 = any free port, printed "
                    "on stderr as `metrics on HOST:PORT`)")
        ->type_name("PORT")
        ->check(cli::IntegerIn(0, 65535));
    run->add_option("--metrics-host", o->metrics_host,
                    "address /metrics binds to (default 127.0.0.1; 0.0.0.0 to serve other hosts)")
        ->type_name("HOST")
        ->check(cli::NotEmpty());
    run->add_option("--push-gateway", o->push_gateway_url,
                    "push the final metrics to this Prometheus Pushgateway (http://HOST:PORT) at "
                    "the end and on Ctrl-C")
        ->type_name("URL")
        ->check(cli::CheckedBy(IsPushGatewayUrl));
    run->add_option("--job", o->job, "Pushgateway job name (default streambench)")
        ->type_name("NAME")
        ->check(cli::CheckedBy(IsPlainJobName));
    AddGateFlags(run, o);
    run->add_option("--shard", shard_text,
                    "run shard I of N (0-based): streams, rates and workloads divided N ways, its "
                    "own seed; merge the shards' --out files with `streambench merge`")
        ->type_name("I/N")
        ->check(cli::CheckedBy(IsShardSpec));
    run->add_option("--start-at", o->start_at,
                    "begin the measured phase at this wall-clock instant (RFC 3339, e.g. "
                    "2026-12-03T20:00:00Z), warming up until then, so shards measure one window")
        ->type_name("TIME")
        ->check(cli::CheckedBy(IsRfc3339));
  }
};

// What the subcommand still needs once its flags parsed; empty when nothing is missing.
std::string MissingArguments(const CliOptions& o) {
  if (o.command.empty()) return "missing command";
  if (o.command == "compare" && o.file_b.empty()) {
    return "'compare' needs two results files: A.json (baseline) B.json (new)";
  }
  if (o.command == "merge") {
    if (o.merge_files.empty()) return "'merge' needs the shards' results files";
    if (o.out_path.empty()) return "'merge' needs --out FILE (the merged results to write)";
    return std::string();
  }
  if (o.command == "report") {
    if (o.results_files.empty()) return "'report' needs at least one results file";
    if (o.html_path.empty()) return "'report' needs --html FILE (the report to write)";
    return std::string();
  }
  if (o.file.empty()) return "'" + o.command + "' needs a scenario FILE";
  return std::string();
}

}  // namespace

bool ParseCliArgs(const std::vector<std::string>& args, CliOptions* out, std::string* error) {
  *out = CliOptions{};
  std::vector<std::string> argv = args;
  // `streambench help [COMMAND]` is `streambench [COMMAND] --help`.
  if (!argv.empty() && argv[0] == "help") {
    argv.erase(argv.begin());
    argv.resize(std::min<size_t>(argv.size(), 1));
    argv.push_back("--help");
  }
  CliApp cli(out);
  const cli::ParseOutcome parsed = cli::ParseArgs(&cli.app, argv);
  const std::vector<CLI::App*> commands = cli.app.get_subcommands();
  if (!commands.empty()) out->command = commands[0]->get_name();
  switch (parsed.kind) {
    case cli::ParseOutcome::Kind::kHelp:
      out->help = true;
      return true;
    case cli::ParseOutcome::Kind::kError:
      *error = parsed.error;
      return false;
    case cli::ParseOutcome::Kind::kRun:
      break;
  }
  // Each was checked by its flag's validator: parsing again cannot fail.
  for (const std::string& text : cli.threshold_texts) {
    criteria::Threshold threshold;
    criteria::ParseThreshold(text, &threshold, error);
    out->thresholds.push_back(std::move(threshold));
  }
  if (!cli.shard_text.empty()) {
    scenario::ShardSpec spec;
    scenario::ParseShardSpec(cli.shard_text, &spec, error);
    out->shard_index = spec.index;
    out->shard_count = spec.count;
  }
  if (!out->start_at.empty()) ParseRfc3339(out->start_at, &out->start_at_unix_ns, error);
  for (const std::string& text : cli.tolerance_texts) {
    criteria::ParseTolerance(text, &out->tolerances, error);
  }
  error->clear();
  *error = MissingArguments(*out);
  return error->empty();
}

std::string MainUsage() {
  CliOptions scratch;
  CliApp cli(&scratch);
  return cli.app.help();
}

std::string CommandUsage(const std::string& command) {
  CliOptions scratch;
  CliApp cli(&scratch);
  return cli.app.get_subcommand(command)->help("streambench");
}

}  // namespace streambench::runner
