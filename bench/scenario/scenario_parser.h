// Reads a structurally checked scenario tree (see schema.h) into a Scenario: converts every
// value with its unit, applies defaults, and checks each value's own range. Checks that involve
// several keys (mode-specific keys, expectations, message size limits) are in
// scenario_validator.h. Internal to the scenario module.
// Thread-safety: reentrant.
#pragma once

#include "bench/scenario/diagnostics.h"
#include "bench/scenario/scenario.h"
#include "bench/scenario/yaml_tree.h"

namespace streambench::scenario {

// Limits shared by the parser, the validator and the README.
inline constexpr uint32_t kMaxConnections = 10'000;
inline constexpr uint32_t kMaxStreamsPerConnection = 100'000;
inline constexpr uint64_t kMaxTotalStreams = 1'000'000;
inline constexpr uint32_t kMaxThreads = 256;
inline constexpr double kMaxRatePerS = 10'000'000;
inline constexpr uint64_t kMaxSizeBytes = 1ull << 30;
inline constexpr int64_t kMaxDurationUs = 24ll * 3600 * 1'000'000;
inline constexpr uint32_t kMaxOutstanding = 100'000;

// Fills *out from `root` (the whole file with overrides applied, `variants` removed). Returns
// false with the first problem recorded in *diag.
bool ReadScenario(const YamlNode& root, Scenario* out, Diagnostics* diag);

}  // namespace streambench::scenario
