// ValueReader: turns one YAML scalar (or short list) into a typed value with its unit, checking
// its form and range, and records a precise error (file:line:column, key) otherwise. Every typed
// read of the scenario loader goes through here, so one value kind has one message wherever its
// key lives. Internal to the scenario module.
// Thread-safety: not thread-safe (it writes to one Diagnostics); one per load.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/scenario/diagnostics.h"
#include "bench/scenario/yaml_tree.h"

namespace streambench::scenario {

// The largest rate any key accepts, operations per second.
inline constexpr double kMaxRatePerS = 10'000'000;

class ValueReader {
 public:
  explicit ValueReader(Diagnostics* diag) : diag_(diag) {}

  Diagnostics* diag() { return diag_; }

  // True for a scalar; else records "expected <expected>, got <what it is>".
  bool Scalar(const YamlNode& n, const std::string& key, const std::string& expected);

  bool String(const YamlNode& n, const std::string& key, size_t max_chars, std::string* out);

  // A whole number in [min, max]: "expected a whole number" for a non-number, "must be between"
  // for one out of range (a negative one included).
  bool Uint(const YamlNode& n, const std::string& key, uint64_t min, uint64_t max, uint64_t* out);
  template <typename T>
  bool UintAs(const YamlNode& n, const std::string& key, uint64_t min, uint64_t max, T* out) {
    uint64_t value = 0;
    if (!Uint(n, key, min, max, &value)) return false;
    *out = static_cast<T>(value);
    return true;
  }

  // A count written as plain digits in [min, max]: every problem says "must be a whole number
  // between min and max (got ...)" (the workload, `repeat` and queue keys). Text longer than
  // max_digits is quoted as written rather than converted.
  bool Count(const YamlNode& n, const std::string& key, uint64_t min, uint64_t max, uint32_t* out,
             size_t max_digits = 9);

  // A duration at most max_us: "expected a duration like <example>" for a non-scalar.
  bool Duration(const YamlNode& n, const std::string& key, int64_t max_us, int64_t* out,
                const char* example = "250ms");
  // A duration that must be > 0: a negative one is told the same bound as zero (the unit parser
  // alone would say ">= 0", which zero does not meet either).
  bool PositiveDuration(const YamlNode& n, const std::string& key, int64_t max_us, int64_t* out);
  // A duration in [min_us, max_us] ("must be at least 1ms" below min_us).
  bool DurationAtLeast(const YamlNode& n, const std::string& key, int64_t min_us, int64_t max_us,
                       int64_t* out);

  // A size in [min, max] bytes, the bounds written with units ("must be at most 1GiB").
  bool Size(const YamlNode& n, const std::string& key, uint64_t min, uint64_t max, uint64_t* out);
  // A size in [min, max] bytes, the bounds written as byte counts (the workload keys).
  bool SizeInBytes(const YamlNode& n, const std::string& key, uint64_t min, uint64_t max,
                   uint64_t* out);

  // A rate in (0, max] per second, or [0, max] with allow_zero.
  bool Rate(const YamlNode& n, const std::string& key, bool allow_zero, double* out);

  // true / false; `lenient` also takes True, TRUE, False, FALSE (the run keys do, the workload
  // keys never did).
  bool Bool(const YamlNode& n, const std::string& key, bool lenient, bool* out);

  bool Fraction(const YamlNode& n, const std::string& key, double* out);

  bool Bandwidth(const YamlNode& n, const std::string& key, uint64_t* out_bits_per_s);

  // One of `names`; *index is its position. Suggests the nearest name for a typo.
  bool Choice(const YamlNode& n, const std::string& key, const std::vector<std::string>& names,
              size_t* index);

  // A list of names of 1..64 characters each.
  bool Names(const YamlNode& n, const std::string& key, std::vector<std::string>* out);

  // A canonical gRPC status name, at an explicit position (a map key's).
  bool StatusName(const YamlNode& n, int line, int column, const std::string& name,
                  const std::string& key);

 private:
  // "must be between <min> and <max> (got <text>)", or "must be at most <max> ..." when min is
  // the type's floor and `floor_text` is empty.
  bool OutOfRange(const YamlNode& n, const std::string& key, const std::string& min_text,
                  const std::string& max_text);

  Diagnostics* diag_;
};

// "1000/s", "5k/s", "10M/s": a rate as a person writes it, for messages and docs.
std::string RateText(double per_s);

}  // namespace streambench::scenario
