// The order in which a scenario file's runs are carried out, and the checks on a file that must
// hold before anything starts.
//
// With `repeat: N` every variant runs N times, interleaved (A B C A B C ...) rather than in blocks
// (A A B B C C), so slow drift of the machine (thermal, other load, caches) spreads over every
// variant instead of favouring the ones that ran first.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/scenario/scenario.h"

namespace streambench::runner {

struct PlannedRun {
  size_t run_index = 0;  // index into ScenarioFile::runs (the variant)
  int repeat_index = 0;  // 0-based repetition of that variant
};

// Every (variant, repetition) pair, interleaved: for r in 0..repeat-1, for each variant. A
// repeat of 0 counts as 1.
std::vector<PlannedRun> InterleavedOrder(size_t variant_count, uint32_t repeat);

// Against an external target (a run with target addresses) only client-side settings may vary:
// the generator cannot restart someone else's server with other settings. Returns false with
// *error naming the variant when the runs of `file` differ in `server_transport` (or when a run
// sets server_transport at all against an external target while others run embedded).
bool CheckServerSettingsAgainstExternalTarget(const scenario::ScenarioFile& file,
                                              std::string* error);

}  // namespace streambench::runner
