// Command-line parsing for the `streambench` CLI: subcommand, scenario file and flags, declared on
// CLI11 (through common/cli/cli_flags.h) in cli_args.cc: adding a flag is one declaration on the
// subcommands that accept it, with its help text, the CliOptions field it sets and its check (the
// scenario's unit syntax plugged in as a transformer). Both `--flag value` and `--flag=value` are
// accepted. Parsing only checks syntax and units; the scenario is loaded later.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/criteria/threshold.h"
#include "bench/criteria/tolerance.h"

namespace streambench::runner {

struct CliOptions {
  std::string command;  // "run", "validate", "compare", "report"; empty with help = top-level help
  bool help = false;    // --help / -h (top level, or for `command`)
  std::string file;     // the scenario file (compare: results file A, the baseline)
  std::string file_b;   // compare: results file B (the newer results)
  std::vector<std::string> overrides;      // --set key=value, in order
  std::optional<std::string> target;       // --target HOST:PORT (replaces every run's target)
  std::optional<int64_t> duration_us;      // --duration (every run)
  std::optional<int64_t> warmup_us;        // --warmup (every run)
  std::optional<uint32_t> threads;         // --threads (every run)
  std::string out_path;                    // --out results.json
  std::string csv_path;                    // --csv results.csv
  std::string html_path;                   // --html report.html (run, report)
  std::vector<std::string> results_files;  // report: the results files drawn, in order
  bool quiet = false;                      // --quiet: no table, no progress line
  bool force = false;  // --force: run even when the memory estimate exceeds what is available
  std::optional<int64_t> heap_trim_interval_us;  // --heap-trim-interval (0 = never)

  // Prometheus export (bench/metrics): /metrics while running, a push at the end.
  std::optional<int> metrics_port;  // --metrics-port PORT; 0 = ephemeral; unset = no endpoint
  std::string metrics_host = "127.0.0.1";  // --metrics-host HOST (the endpoint's bind address)
  std::string push_gateway_url;            // --push-gateway URL (checked); empty = no push
  std::string job = "streambench";         // --job NAME (Pushgateway grouping key)
  // --push-timeout: how long the final push may take before the CLI gives up on it and exits.
  int64_t push_timeout_us = 5'000'000;

  // The regression gate (bench/gate). Expressions and specs are parsed here, once.
  std::vector<criteria::Threshold> thresholds;  // --threshold EXPR, in order
  std::string baseline_path;                    // --baseline FILE (an earlier --out results file)
  // --tolerance SPEC ("15%", "message_latency.p99=25%"), applied in order over the 10% default.
  criteria::Tolerances tolerances;
  std::string junit_path;  // --junit FILE

  // Sharded runs (bench/scenario/shard.h): --shard I/N, checked and parsed here.
  int shard_index = 0;
  int shard_count = 0;           // 0 = not sharded
  int64_t start_at_unix_ns = 0;  // --start-at TIME (RFC 3339); 0 = not given
  std::string start_at;          // as written
  // merge: the shards' results files, --out, --allow-missing.
  std::vector<std::string> merge_files;
  bool allow_missing = false;

  // Not a flag: `streambench` and the arguments as typed, shell-quoted (run results carry it).
  std::string command_line;
};

// Parses argv[1..]. False with *error (one line naming the offending argument) on bad usage.
bool ParseCliArgs(const std::vector<std::string>& args, CliOptions* out, std::string* error);

// `streambench --help`, and `streambench COMMAND --help` (lists every flag of the command).
std::string MainUsage();
std::string CommandUsage(const std::string& command);

}  // namespace streambench::runner
