// Readers for the flow-control keys of a scenario: `link` (the emulated network link) and
// `server_behavior.app_flow_control` (application-level flow control in the server), with their
// checks that involve other keys (app flow control needs a server that produces a stream).
// Called by ReadScenario (scenario_parser.h). Internal to the scenario module.
// Thread-safety: reentrant.
#pragma once

#include "bench/scenario/diagnostics.h"
#include "bench/scenario/scenario.h"
#include "bench/scenario/yaml_tree.h"

namespace streambench::scenario {

// Upper bounds of the link keys.
inline constexpr int64_t kMaxLinkRttUs = 10'000'000;         // 10 s
inline constexpr uint64_t kMaxLinkBufferBytes = 1ull << 30;  // 1 GiB
inline constexpr uint32_t kMaxAppFlowQueueMessages = 1'000'000;

// Reads `link` and `server_behavior.app_flow_control` from `root` (the whole run's tree) into
// *out, which must already hold the mode and service. False with the problem in *diag.
bool ReadFlowControlKeys(const YamlNode& root, Scenario* out, Diagnostics* diag);

}  // namespace streambench::scenario
