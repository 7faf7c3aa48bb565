// MacroFlags: the command line of the macro benchmark tools (bare_client, raw_tcp_bench), on
// CLI11 through the project's glue (common/cli/cli_flags.h). Values use the scenario files' unit
// syntax ("5s", "250ms", "64B", "1MiB") so a figure means the same thing on both sides of a
// comparison. Each declaration names the variable the flag writes; the variable holds the default
// beforehand (shown by --help). "--name value" and "--name=value" are accepted.
// Thread-safety: not thread-safe; declare and parse once in main().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace streambench::macro {

class MacroFlags {
 public:
  // tool: the program name for usage and messages; description: one line for --help.
  MacroFlags(const std::string& tool, const std::string& description);
  ~MacroFlags();
  MacroFlags(const MacroFlags&) = delete;
  MacroFlags& operator=(const MacroFlags&) = delete;

  // Declarations. `name` without "--"; value_name shows in --help ("HOST:PORT").
  void String(const std::string& name, const std::string& value_name, std::string* out,
              const std::string& help);
  void Choice(const std::string& name, std::vector<std::string> choices, std::string* out,
              const std::string& help);
  void Bool(const std::string& name, bool* out, const std::string& help);
  void DurationUs(const std::string& name, int64_t* out_us, const std::string& help);
  void SizeBytes(const std::string& name, uint64_t* out_bytes, const std::string& help);
  // A whole number in [min, max].
  void Integer(const std::string& name, int64_t min, int64_t max, int64_t* out,
               const std::string& help);

  // Parses argv[1..argc). nullopt: go on and run. Otherwise the exit code to return: 0 after
  // --help (printed on stdout), 2 after a usage error (printed on stderr, see Fail).
  std::optional<int> Parse(int argc, const char* const* argv);

  // A usage error found after parsing ("--target is required"): prints "TOOL: error" and a hint
  // to stderr, returns 2 (the exit code for bad flags).
  int Fail(const std::string& error) const;

 private:
  std::string tool_;
  std::unique_ptr<CLI::App> app_;
};

}  // namespace streambench::macro
