// Reads a structurally checked scenario tree (see schema.h) into a Scenario: every key of the key
// table (key_table.h) converted with its unit, defaults applied, each value's own range checked.
// Checks that involve several keys (mode rules, expectations, message size limits) are in
// scenario_validator.h. Internal to the scenario module.
// Thread-safety: reentrant.
#pragma once

#include "bench/scenario/diagnostics.h"
#include "bench/scenario/scenario.h"
#include "bench/scenario/yaml_tree.h"

namespace streambench::scenario {

// Fills *out from `root` (the whole file with overrides applied, `variants` removed). Returns
// false with the first problem recorded in *diag.
bool ReadScenario(const YamlNode& root, Scenario* out, Diagnostics* diag);

}  // namespace streambench::scenario
