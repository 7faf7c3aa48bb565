// The scenario key table: every key of a scenario file declared once, with its YAML path, shape,
// value kind and unit, bounds, default, the modes it applies to and one line of documentation.
// Derived from it: the structure check (schema.h: unknown keys with suggestions, shapes), the
// `--set` / variant paths (overrides.h, through the schema), the typed read into the Scenario
// structs (scenario_parser.h), the mode cross-checks and the key tables of scenarios/README.md
// (key_docs.h). A new key is one entry here (and, if its value needs more than a plain typed
// read, a reader beside the others of its section).
// Thread-safety: the table is immutable after first use; functions are reentrant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "bench/scenario/scenario.h"
#include "bench/scenario/value_reader.h"

namespace streambench::scenario {

// Limits shared by the key table, the readers and the validator.
inline constexpr uint32_t kMaxConnections = 10'000;
inline constexpr uint32_t kMaxStreamsPerConnection = 100'000;
inline constexpr uint64_t kMaxTotalStreams = 1'000'000;
inline constexpr uint32_t kMaxThreads = 256;
inline constexpr uint64_t kMaxSizeBytes = 1ull << 30;
inline constexpr int64_t kMaxDurationUs = 24ll * 3600 * 1'000'000;
inline constexpr uint32_t kMaxOutstanding = 100'000;
inline constexpr uint64_t kMaxMessageCount = 1'000'000'000'000;  // messages in a stream, calls
inline constexpr uint64_t kMaxTransferFileBytes = 16ull << 30;   // 16 GiB
inline constexpr uint64_t kMaxTransferChunkBytes = 4ull << 20;   // the server's limit
inline constexpr uint32_t kMaxTopics = 10000;                    // the server's limit
inline constexpr uint32_t kMaxFanOutStreams = 100000;            // subscribers, chat members
inline constexpr uint64_t kMaxEventBytes = 1ull << 20;
inline constexpr int64_t kMaxLinkRttUs = 10'000'000;         // 10 s
inline constexpr uint64_t kMaxLinkBufferBytes = 1ull << 30;  // 1 GiB
inline constexpr uint32_t kMaxAppFlowQueueMessages = 1'000'000;
inline constexpr uint64_t kMaxPathChars = 4096;  // PATH_MAX

// How a key sits in the file.
enum class KeyShape {
  kValue,        // a scalar (or, for a few keys, a short list read by the key's reader)
  kMap,          // a mapping whose keys are the entries below its path
  kMapOrScalar,  // a mapping, or a short scalar form (`target: h:p`, `payload_size: 64B`)
  kList,         // a list; its elements are the entry at `path[]`
  kFreeMap,      // a mapping with free-form keys; its values are the entry at `path.*`
};

// How the typed read converts a value (bounds in min/max, units as noted).
enum class ValueKind {
  kNone,              // a section, or a value read by the key's own reader
  kString,            // max = characters
  kChoice,            // one of `choices`
  kUint,              // whole number in [min, max]
  kCount,             // whole number in [min, max], plain digits only
  kSize,              // bytes in [min, max]; bounds printed with units
  kSizeInBytes,       // bytes in [min, max]; bounds printed as byte counts
  kDuration,          // microseconds in [0, max]
  kPositiveDuration,  // microseconds in (0, max]
  kDurationAtLeast,   // microseconds in [min, max]
  kRate,              // per second in (0, 10M]
  kRateOrZero,        // per second in [0, 10M]
  kBool,              // true | false (also True, TRUE, False, FALSE)
  kStrictBool,        // true | false only
  kFraction,          // [0, 1], or a percentage
  kBandwidth,         // bits per second
};

// Where a key applies. Checked after the whole run is read (the rule may look at other keys).
struct ModeRule {
  bool (*applies)(const Scenario&);
  const char* modes_text;  // "client_stream and bidi": for messages and the README
  // The rule depends on server_behavior.bidi, so a refusal in bidi names which kind it is.
  bool names_bidi_kind = false;
  // The key's own reader checks the rule with a message of its own; the table only documents it.
  bool checked_by_reader = false;
};

// Where a typed value goes. Each alternative returns the field inside a Scenario.
using KeyField =
    std::variant<std::monostate, std::string* (*)(Scenario&), uint64_t* (*)(Scenario&),
                 uint32_t* (*)(Scenario&), int64_t* (*)(Scenario&), double* (*)(Scenario&),
                 bool* (*)(Scenario&), std::optional<uint64_t>* (*)(Scenario&),
                 std::optional<uint32_t>* (*)(Scenario&), std::optional<int64_t>* (*)(Scenario&),
                 std::optional<bool>* (*)(Scenario&), void (*)(Scenario&, size_t)>;

// A field reached through a chain of members: FieldAt<&Scenario::call, &CallSpec::deadline_us>.
template <auto... kMembers>
auto* FieldAt(Scenario& s) {
  return &(s.*....*kMembers);
}

// A reader for a key whose value is more than one typed scalar (a section with rules between its
// keys, a list, a required key with a hint). `node` is the key's value, `root` the whole run.
using KeyReader = bool (*)(const YamlNode& node, const YamlNode& root, ValueReader& r,
                           Scenario* out);

struct ScenarioKey {
  std::string path;  // dotted; `[]` marks a list's elements, `*` a free-form map's values
  KeyShape shape = KeyShape::kValue;
  ValueKind kind = ValueKind::kNone;
  uint64_t min = 0;  // bounds of the kind, in its unit (characters, bytes, us, count)
  uint64_t max = 0;
  std::vector<std::string> choices;  // kChoice
  KeyField field;                    // where a typed value goes
  KeyReader reader = nullptr;        // or who reads it
  bool required = false;
  std::string required_hint;        // after "required key `x` is missing; " (may be empty)
  std::string required_unless;      // a key whose presence lifts `required` (`mode`: `method`)
  std::string type_text;            // the README's "Type"; empty = from the kind
  std::string default_text;         // the README's "Default"
  std::string range_note;           // added to the range made from the bounds
  const ModeRule* modes = nullptr;  // nullptr = every mode
  std::string load_types;           // load.* keys: the `load.type`s they belong to, ", "
  std::string doc;                  // one line for the README
  bool documented = true;           // false: described by its parent's row
  bool file_level = false;  // describes the file, not one run (variants, matrix, repeat, ...)

  // The last component of the path ("rate" for "load.rate").
  std::string Name() const;
  // The path of its parent ("load" for "load.rate", "load.stages" for "load.stages[]", "" at
  // the top level).
  std::string Parent() const;
};

// Every key, parents before children, in the order messages list them.
const std::vector<ScenarioKey>& ScenarioKeys();

// The key at `path` (as written in the table), or nullptr.
const ScenarioKey* FindKey(const std::string& path);

// The node at a dotted path (`server_behavior.failure.code`) if the author wrote it.
const YamlNode* NodeAt(const YamlNode& root, const std::string& path);

// Reads one typed value (a key with a kind and a field) into *out.
bool ReadKeyValue(const ScenarioKey& key, const YamlNode& value, ValueReader& r, Scenario* out);
// Reads the key at table path `path` from `section` (its parent's node) if it is there.
bool ReadKeyIfPresent(const YamlNode& section, const std::string& path, ValueReader& r,
                      Scenario* out);

// The value of the required key at table path `path` in `section`, or nullptr after recording
// "required key `x` is missing; <hint>" at the section, under the key `where` (default: `path`;
// a list element's key names its index).
const YamlNode* RequiredKey(const YamlNode& section, const std::string& path, ValueReader& r,
                            const std::string& where = "");

// Reads every key of the table that has a typed kind or a reader and is present in `root`, in
// table order; a key with a reader reads the keys below it itself. False with the first problem in
// r.diag().
bool ReadTableKeys(const YamlNode& root, ValueReader& r, Scenario* out);

// Refuses the first key present in `root` whose mode rule does not hold for `s`.
bool CheckModeRules(const YamlNode& root, const Scenario& s, Diagnostics* diag);

// The key's value in a default-constructed Scenario as a scenario would write it ("1", "64B",
// "10s", "false"); empty when it has no field or the field is unset. The README's "Default"
// cell must contain it (key_table_test), so the table cannot drift from the structs.
std::string KeyDefaultValueText(const ScenarioKey& key);

// The README's "Type" and "Range" cells for a key.
std::string KeyTypeText(const ScenarioKey& key);
std::string KeyRangeText(const ScenarioKey& key);

}  // namespace streambench::scenario
