// Readers for the keys of the realistic workloads (issue 9): `workload` (upload, download),
// `pubsub` (subscribe) and `chat`, with their checks against the mode and the load (subscribe and
// chat are open loop: `pubsub.publish_rate` / `chat.message_rate` set a constant-rate load, or a
// `load` section gives any open-loop model). Called by ReadScenario. Internal to the scenario
// module.
// Thread-safety: reentrant.
#pragma once

#include "bench/scenario/diagnostics.h"
#include "bench/scenario/scenario.h"
#include "bench/scenario/yaml_tree.h"

namespace streambench::scenario {

inline constexpr uint64_t kMaxTransferFileBytes = 16ull << 30;  // 16 GiB
inline constexpr uint64_t kMaxTransferChunkBytes = 4ull << 20;  // the server's limit
inline constexpr uint32_t kMaxTopics = 10000;                   // the server's limit
inline constexpr uint32_t kMaxFanOutStreams = 100000;           // subscribers, chat members
inline constexpr uint64_t kMaxEventBytes = 1ull << 20;

// Reads the workload keys from `root` into *out (which already holds mode and load). False with
// the problem in *diag.
bool ReadWorkloadKeys(const YamlNode& root, Scenario* out, Diagnostics* diag);

}  // namespace streambench::scenario
