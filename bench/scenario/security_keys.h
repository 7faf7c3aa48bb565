// The transport-security keys (`target.tls`, `target.credentials`, `server_transport.tls`,
// `server_transport.require_token`) after their typed read: the rules between them, which key
// files a run needs, and their paths resolved against the scenario file's folder and checked for
// readability at load, so a missing key file is a load error at its line rather than a failed
// run. Internal to the scenario module. Thread-safety: reentrant.
#pragma once

#include <string>

#include "bench/scenario/diagnostics.h"
#include "bench/scenario/scenario.h"
#include "bench/scenario/yaml_tree.h"

namespace streambench::scenario {

// `scenario_path` is the file being loaded (its folder anchors relative paths). Rewrites the
// paths in *s to the resolved ones and sets the `enabled`/`tls` flags.
bool CheckSecurityKeys(const YamlNode& root, const std::string& scenario_path, Scenario* s,
                       Diagnostics* diag);

}  // namespace streambench::scenario
