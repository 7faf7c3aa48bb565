#include "bench/runner/cli_args.h"

#include <functional>
#include <sstream>

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
      {"--quiet", nullptr, "run", "no console table and no progress line",
       [](const std::string&, CliOptions* o, std::string*) {
         o->quiet = true;
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

bool IsCommand(const std::string& s) { return s == "run" || s == "validate"; }

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
    if (!out->file.empty()) {
      *error =
          "unexpected argument '" + arg + "' (the scenario file is already '" + out->file + "')";
      return false;
    }
    out->file = arg;
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
         "\n"
         "`streambench COMMAND --help` lists the command's options.\n"
         "exit codes: 0 pass, 1 expectations failed, 2 bad input or usage, 3 could not run\n";
}

std::string CommandUsage(const std::string& command) {
  std::ostringstream out;
  out << "usage: streambench " << command << " FILE [options]\n\noptions:\n";
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
