// Checks that involve several keys of a parsed Scenario: keys that make no sense for the mode (the
// key table's mode rules) or the target service, the workload modes' rules, expectations an
// error-path scenario must declare, payloads that cannot fit the message size limits, and totals.
// Runs after scenario_parser.h, on the same tree (to know which keys the author wrote, and where).
// Internal to the scenario module. Thread-safety: reentrant.
#pragma once

#include "bench/scenario/diagnostics.h"
#include "bench/scenario/scenario.h"
#include "bench/scenario/yaml_tree.h"

namespace streambench::scenario {

// Bytes a Request/Response adds around its payload (sequence number, timestamps, checksum,
// behaviour), rounded up; used when checking payloads against max_*_message limits.
inline constexpr uint64_t kMessageOverheadBytes = 128;
// gRPC's default limit on a received message when max_receive_message is not set.
inline constexpr uint64_t kGrpcDefaultMaxReceiveBytes = 4ull << 20;

bool ValidateScenario(const YamlNode& root, const Scenario& scenario, Diagnostics* diag);

}  // namespace streambench::scenario
