// MacroFlags: the small "--name value" / "--name=value" command-line parser shared by the macro
// benchmark tools (bare_client, raw_tcp_bench). Values use the scenario files' unit syntax
// ("5s", "250ms", "64B", "1MiB") so a figure means the same thing on both sides of a comparison.
// Errors are values: every accessor returns false with a one-line message naming the flag.
// Thread-safety: not thread-safe; parse once in main().
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace streambench::macro {

class MacroFlags {
 public:
  // Parses argv[1..argc). Every flag must be in `known` (names without "--") and have a value.
  // "--help" / "-h" sets help(). False with *error on an unknown flag or a missing value.
  bool Parse(int argc, const char* const* argv, const std::set<std::string>& known,
             std::string* error);

  bool help() const { return help_; }
  bool Has(const std::string& name) const { return values_.count(name) > 0; }

  // Each: the flag's value, or `fallback` when absent; false with *error when malformed.
  bool String(const std::string& name, const std::string& fallback, std::string* out,
              std::string* error) const;
  bool DurationUs(const std::string& name, int64_t fallback_us, int64_t* out_us,
                  std::string* error) const;
  bool SizeBytes(const std::string& name, uint64_t fallback_bytes, uint64_t* out_bytes,
                 std::string* error) const;
  // A positive integer in [min, max].
  bool Integer(const std::string& name, int64_t fallback, int64_t min, int64_t max, int64_t* out,
               std::string* error) const;

 private:
  std::map<std::string, std::string> values_;
  bool help_ = false;
};

}  // namespace streambench::macro
