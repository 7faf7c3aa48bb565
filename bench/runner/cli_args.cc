#include "bench/runner/cli_args.h"

#include <cctype>
#include <cstdlib>
#include <functional>
#include <sstream>

#include "bench/criteria/threshold.h"
#include "bench/criteria/tolerance.h"
#include "bench/metrics/push_gateway_url.h"
#include "bench/scenario/units.h"

namespace streambench::runner {
namespace {

using Setter = std::function<bool(const std::string& value, CliOptions* o, std::string* error)>;

struct Flag {
  const char* name;        // "--out"
  const char* value_name;  // "FILE"; nullptr for a switch
  const char* commands;    // subcommands accepting it, space-separated
  const char* help;
  Setter set;
};

bool SetDuration(const std::string& flag, const std::string& v, std::optional<int64_t>* out,
                 std::string* error) {
  int64_t us = 0;
  std::string why;
  if (!scenario::ParseDurationUs(v, &us, &why)) {
    *error = flag + ": " + why;
    return false;
  }
  *out = us;
  return true;
}

const std::vector<Flag>& Flags() {
  static const std::vector<Flag> kFlags = {
      {"--set", "KEY=VALUE", "run validate",
       "override a scenario key by its dotted path (repeatable), e.g. --set load.rate=500",
       [](const std::string& v, CliOptions* o, std::string*) {
         o->overrides.push_back(v);
         return true;
       }},
      {"--target", "HOST:PORT", "run",
       "drive this server instead of the scenario's target (or the embedded server)",
       [](const std::string& v, CliOptions* o, std::string* e) {
         if (v.empty() || v.find(':') == std::string::npos) {
           *e = "--target: expected HOST:PORT, got '" + v + "'";
           return false;
         }
         o->target = v;
         return true;
       }},
      {"--duration", "DURATION", "run", "measured phase of every run, e.g. 10s",
       [](const std::string& v, CliOptions* o, std::string* e) {
         return SetDuration("--duration", v, &o->duration_us, e);
       }},
      {"--warmup", "DURATION", "run", "warm-up of every run (recorded, not reported), e.g. 1s",
       [](const std::string& v, CliOptions* o, std::string* e) {
         return SetDuration("--warmup", v, &o->warmup_us, e);
       }},
      {"--threads", "N", "run", "generator worker threads for open-loop load",
       [](const std::string& v, CliOptions* o, std::string* e) {
         char* end = nullptr;
         const unsigned long n = std::strtoul(v.c_str(), &end, 10);
         if (v.empty() || *end != '\0' || n == 0 || n > 1024) {
           *e = "--threads: expected a whole number in [1, 1024], got '" + v + "'";
           return false;
         }
         o->threads = static_cast<uint32_t>(n);
         return true;
       }},
      {"--out", "FILE", "run", "write JSON results to FILE",
       [](const std::string& v, CliOptions* o, std::string*) {
         o->out_path = v;
         return true;
       }},
      {"--csv", "FILE", "run", "write CSV results (one row per run) to FILE",
       [](const std::string& v, CliOptions* o, std::string*) {
         o->csv_path = v;
         return true;
       }},
      {"--heap-trim-interval", "DURATION", "run",
       "hand freed heap pages back to the OS this often while running (default 10s; 0 = never)",
       [](const std::string& v, CliOptions* o, std::string* e) {
         return SetDuration("--heap-trim-interval", v, &o->heap_trim_interval_us, e);
       }},
      {"--push-timeout", "DURATION", "run",
       "give up on the final push after this long (default 5s), so a gateway that never "
       "answers cannot hold a finished run",
       [](const std::string& v, CliOptions* o, std::string* e) {
         std::optional<int64_t> us;
         if (!SetDuration("--push-timeout", v, &us, e)) return false;
         if (*us <= 0) {
           *e = "--push-timeout: must be > 0 (got " + v + ")";
           return false;
         }
         o->push_timeout_us = *us;
         return true;
       }},
      {"--quiet", nullptr, "run", "no console table and no progress line",
       [](const std::string&, CliOptions* o, std::string*) {
         o->quiet = true;
         return true;
       }},
      {"--metrics-port", "PORT", "run",
       "serve Prometheus /metrics on PORT while running (0 = any free port, printed on stderr "
       "as `metrics on HOST:PORT`)",
       [](const std::string& v, CliOptions* o, std::string* e) {
         char* end = nullptr;
         const long port = std::strtol(v.c_str(), &end, 10);
         if (v.empty() || *end != '\0' || port < 0 || port > 65535) {
           *e = "--metrics-port: expected a port number in [0, 65535], got '" + v + "'";
           return false;
         }
         o->metrics_port = static_cast<int>(port);
         return true;
       }},
      {"--metrics-host", "HOST", "run",
       "address /metrics binds to (default 127.0.0.1; 0.0.0.0 to serve other hosts)",
       [](const std::string& v, CliOptions* o, std::string* e) {
         if (v.empty()) {
           *e = "--metrics-host: expected an address, got ''";
           return false;
         }
         o->metrics_host = v;
         return true;
       }},
      {"--push-gateway", "URL", "run",
       "push the final metrics to this Prometheus Pushgateway (http://HOST:PORT) at the end and "
       "on Ctrl-C",
       [](const std::string& v, CliOptions* o, std::string* e) {
         std::string why;
         if (!metrics::ParsePushGatewayUrl(v, &why)) {
           *e = "--push-gateway: " + why;
           return false;
         }
         o->push_gateway_url = v;
         return true;
       }},
      {"--job", "NAME", "run", "Pushgateway job name (default streambench)",
       [](const std::string& v, CliOptions* o, std::string* e) {
         // The Pushgateway takes the job as a URL path segment: keep it plain.
         bool ok = !v.empty();
         for (char c : v) {
           ok = ok &&
                (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
         }
         if (!ok) {
           *e = "--job: expected letters, digits, '.', '_' or '-', got '" + v + "'";
           return false;
         }
         o->job = v;
         return true;
       }},
      {"--threshold", "EXPR", "run",
       "fail (exit 1) unless EXPR holds, e.g. 'message_latency.p99 < 5ms' (repeatable; added "
       "to the scenario's thresholds; syntax in bench/gate/README.md)",
       [](const std::string& v, CliOptions* o, std::string* e) {
         criteria::Threshold parsed;
         std::string why;
         if (!criteria::ParseThreshold(v, &parsed, &why)) {
           *e = "--threshold: " + why;
           return false;
         }
         o->thresholds.push_back(std::move(parsed));
         return true;
       }},
      {"--baseline", "FILE", "run",
       "compare with an earlier --out results file; a regression beyond the tolerance fails",
       [](const std::string& v, CliOptions* o, std::string* e) {
         if (v.empty()) {
           *e = "--baseline: expected a results file";
           return false;
         }
         o->baseline_path = v;
         return true;
       }},
      {"--tolerance", "SPEC", "run compare",
       "allowed worsening against the baseline: '10%' (default) for every metric, or "
       "'METRIC=25%' for one (repeatable)",
       [](const std::string& v, CliOptions* o, std::string* e) {
         std::string why;
         if (!criteria::ParseTolerance(v, &o->tolerances, &why)) {
           *e = "--tolerance: " + why;
           return false;
         }
         return true;
       }},
      {"--junit", "FILE", "run",
       "write the gate's checks (thresholds, baseline) as JUnit XML to FILE",
       [](const std::string& v, CliOptions* o, std::string* e) {
         if (v.empty()) {
           *e = "--junit: expected a file name";
           return false;
         }
         o->junit_path = v;
         return true;
       }},
  };
  return kFlags;
}

bool Accepts(const Flag& flag, const std::string& command) {
  std::istringstream in(flag.commands);
  std::string c;
  while (in >> c) {
    if (c == command) return true;
  }
  return false;
}

bool IsCommand(const std::string& s) { return s == "run" || s == "validate" || s == "compare"; }

}  // namespace

bool ParseCliArgs(const std::vector<std::string>& args, CliOptions* out, std::string* error) {
  *out = CliOptions{};
  size_t i = 0;
  if (args.empty()) {
    *error = "missing command";
    return false;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    out->help = true;
    if (args.size() > 1 && IsCommand(args[1])) out->command = args[1];
    return true;
  }
  if (!IsCommand(args[0])) {
    *error = (args[0].rfind("-", 0) == 0 ? "unknown flag '" : "unknown command '") + args[0] + "'";
    return false;
  }
  out->command = args[0];
  for (i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      out->help = true;
      return true;
    }
    if (arg.size() > 1 && arg[0] == '-') {
      const size_t eq = arg.find('=');
      const std::string name = arg.substr(0, eq);
      const Flag* flag = nullptr;
      for (const Flag& f : Flags()) {
        if (name == f.name && Accepts(f, out->command)) flag = &f;
      }
      if (flag == nullptr) {
        *error = "unknown flag '" + name + "' for '" + out->command + "'";
        return false;
      }
      std::string value;
      if (flag->value_name == nullptr) {
        if (eq != std::string::npos) {
          *error = name + " takes no value";
          return false;
        }
      } else if (eq != std::string::npos) {
        value = arg.substr(eq + 1);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        *error = name + " needs a value (" + flag->value_name + ")";
        return false;
      }
      if (!flag->set(value, out, error)) return false;
      continue;
    }
    if (out->command == "compare" && !out->file.empty() && out->file_b.empty()) {
      out->file_b = arg;
      continue;
    }
    if (out->command == "compare" && !out->file_b.empty()) {
      *error = "unexpected argument '" + arg + "' ('compare' takes two results files)";
      return false;
    }
    if (!out->file.empty()) {
      *error =
          "unexpected argument '" + arg + "' (the scenario file is already '" + out->file + "')";
      return false;
    }
    out->file = arg;
  }
  if (out->command == "compare" && out->file_b.empty()) {
    *error = "'compare' needs two results files: A.json (baseline) B.json (new)";
    return false;
  }
  if (out->file.empty()) {
    *error = "'" + out->command + "' needs a scenario FILE";
    return false;
  }
  return true;
}

std::string MainUsage() {
  return "usage: streambench COMMAND [options]\n"
         "\n"
         "Load-tests gRPC streaming with YAML scenarios.\n"
         "\n"
         "commands:\n"
         "  run FILE        run a scenario (against its target, or an embedded reference server)\n"
         "  validate FILE   check a scenario without running it\n"
         "  compare A.json B.json\n"
         "                  B's results against baseline A, side by side; exit 1 on a regression\n"
         "\n"
         "`streambench COMMAND --help` lists the command's options.\n"
         "exit codes: 0 pass, 1 expectations, a threshold or the baseline failed, 2 bad input or\n"
         "usage, 3 could not run\n";
}

std::string CommandUsage(const std::string& command) {
  std::ostringstream out;
  out << "usage: streambench " << command << (command == "compare" ? " A.json B.json" : " FILE")
      << " [options]\n\noptions:\n";
  for (const Flag& f : Flags()) {
    if (!Accepts(f, command)) continue;
    std::string left = std::string("  ") + f.name;
    if (f.value_name != nullptr) left += std::string(" ") + f.value_name;
    if (left.size() < 24) left.resize(24, ' ');
    out << left << " " << f.help << "\n";
  }
  out << "  --help                 this text\n";
  return out.str();
}

}  // namespace streambench::runner
