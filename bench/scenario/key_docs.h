// The key tables of scenarios/README.md, rendered from the key table (key_table.h) so the
// reference cannot drift from what the loader accepts. The README holds each table between a
// marker naming its section and an end marker, each at the start of a line:
//
//   <!-- keys: load -->
//   | Key | Applies to `type` | Type | Default | Range | Meaning |
//   ...
//   <!-- /keys -->
//
// `top` is the top level; `variants[]` the keys of one variant. The prose around the markers is
// the README's own. `scenario_key_docs scenarios/README.md` (built beside the library) rewrites
// the blocks; tests/bench/scenario/key_docs_test.cc fails while they differ.
// Thread-safety: pure functions.
#pragma once

#include <string>

namespace streambench::scenario {

// The Markdown table of `section`'s keys (without markers). Empty for a section with none.
std::string RenderKeyTable(const std::string& section);

// `readme` with every block between markers replaced by a fresh rendering. False with *error
// (naming the line) for an unknown section or a marker without its end.
bool RegenerateKeyTables(const std::string& readme, std::string* out, std::string* error);

}  // namespace streambench::scenario
