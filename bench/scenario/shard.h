// Sharding: shard I of N of a loaded scenario file (`streambench run FILE --shard I/N`), so N
// generator processes together drive what one would. Applied to every run of the file after
// overrides. What is divided, remainders going to the lowest shards (never lost):
//   - streams: connections x streams_per_connection; with at least N connections each shard
//     takes a share of the connections (same streams each); with fewer, each shard opens one
//     connection carrying its share of the streams (N connections in all, one per process);
//   - open-loop rates (rate, start_rate, every ramp stage's rate): divided by N;
//   - workloads: pubsub topics, subscribers and publishers; chat rooms (whole rooms per shard,
//     so every conversation stays inside one process).
// Per-stream figures (messages per stream, outstanding, behaviour) are not divided. Every shard
// gets its own seed and an id tag that goes into the names a run makes on a shared server.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "bench/scenario/scenario.h"

namespace streambench::scenario {

struct ShardSpec {
  int index = 0;  // 0-based
  int count = 1;
};

// Parses "I/N" (0 <= I < N, 1 <= N <= 10000). False with *error on bad syntax.
bool ParseShardSpec(const std::string& text, ShardSpec* out, std::string* error);

// Shard `shard.index`'s part of `scenario`. False with *error (naming the run and the figure)
// when the scenario cannot be divided `shard.count` ways (e.g. fewer streams than shards).
bool ShardScenario(const ShardSpec& shard, Scenario* scenario, std::string* error);

// The same for every run of a file; the first error wins.
bool ShardScenarioFile(const ShardSpec& shard, ScenarioFile* file, std::string* error);

}  // namespace streambench::scenario
