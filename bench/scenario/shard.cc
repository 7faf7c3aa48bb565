#include "bench/scenario/shard.h"

#include <cstdint>
#include <cstdlib>

namespace streambench::scenario {
namespace {

constexpr int kMaxShards = 10000;

// Shard `index`'s part of `total` split `count` ways: the remainder goes to the lowest indices.
uint64_t ShareOf(uint64_t total, int index, int count) {
  const uint64_t n = static_cast<uint64_t>(count);
  return total / n + (static_cast<uint64_t>(index) < total % n ? 1 : 0);
}

// A different, well-mixed seed per shard (SplitMix64's finaliser over seed and index).
uint64_t ShardSeed(uint64_t seed, int index) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ull * (static_cast<uint64_t>(index) + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

bool Divisible(const Scenario& s, const char* what, uint64_t total, int count, std::string* error) {
  if (total >= static_cast<uint64_t>(count)) return true;
  *error = s.source_path + ": run '" + s.variant + "': " + what + " = " + std::to_string(total) +
           " cannot be divided into " + std::to_string(count) +
           " shards (each shard needs at least one)";
  return false;
}

}  // namespace

bool ParseShardSpec(const std::string& text, ShardSpec* out, std::string* error) {
  const size_t slash = text.find('/');
  auto digits = [](const std::string& s) {
    return !s.empty() && s.size() <= 5 && s.find_first_not_of("0123456789") == std::string::npos;
  };
  const std::string index = slash == std::string::npos ? "" : text.substr(0, slash);
  const std::string count = slash == std::string::npos ? "" : text.substr(slash + 1);
  if (!digits(index) || !digits(count)) {
    *error = "expected I/N (shard I of N, 0-based), got '" + text + "'";
    return false;
  }
  const int i = std::atoi(index.c_str());
  const int n = std::atoi(count.c_str());
  if (n < 1 || n > kMaxShards || i >= n) {
    *error = "shard " + index + " of " + count +
             ": expected 0 <= I < N <= " + std::to_string(kMaxShards);
    return false;
  }
  out->index = i;
  out->count = n;
  return true;
}

bool ShardScenario(const ShardSpec& shard, Scenario* s, std::string* error) {
  const int n = shard.count;
  const int i = shard.index;
  if (s->load.model == LoadModel::kSearch && n > 1) {
    // Each step's rate follows from the previous step's outcome over the whole target, which no
    // single shard sees; shards searching their shares alone would each stop at a different
    // step. Until a coordinator exists, the search runs from one generator.
    *error = s->source_path + ": run '" + s->variant +
             "': a capacity search cannot be sharded (each next rate depends on every shard's "
             "last step); run the search from one generator, then shard a constant-rate run at "
             "the rate it found";
    return false;
  }
  // Workloads make their own streams (members, subscribers) and only spread them over the
  // connections; the other modes' streams are connections x streams_per_connection.
  const bool workload = s->mode == Mode::kSubscribe || s->mode == Mode::kChat;
  const uint64_t streams = uint64_t{s->connections} * s->streams_per_connection;
  if (!workload && !Divisible(*s, "connections x streams_per_connection", streams, n, error)) {
    return false;
  }
  if (s->mode == Mode::kSubscribe) {
    if (!Divisible(*s, "pubsub.topics", s->pubsub.topics, n, error) ||
        !Divisible(*s, "pubsub.subscribers", s->pubsub.subscribers, n, error) ||
        !Divisible(*s, "pubsub.publishers", s->pubsub.publishers, n, error)) {
      return false;
    }
  }
  if (s->mode == Mode::kChat && !Divisible(*s, "chat.rooms", s->chat.rooms, n, error)) {
    return false;
  }
  if (s->connections >= static_cast<uint32_t>(n)) {
    s->connections = static_cast<uint32_t>(ShareOf(s->connections, i, n));
  } else if (workload) {
    s->connections = 1;
  } else {
    s->streams_per_connection = static_cast<uint32_t>(ShareOf(streams, i, n));
    s->connections = 1;
  }
  s->load.rate_per_s /= n;
  s->load.start_rate_per_s /= n;
  for (RampStage& stage : s->load.stages) stage.target_rate_per_s /= n;
  if (s->mode == Mode::kSubscribe) {
    s->pubsub.topics = static_cast<uint32_t>(ShareOf(s->pubsub.topics, i, n));
    s->pubsub.subscribers = static_cast<uint32_t>(ShareOf(s->pubsub.subscribers, i, n));
    s->pubsub.publishers = static_cast<uint32_t>(ShareOf(s->pubsub.publishers, i, n));
  }
  if (s->mode == Mode::kChat) s->chat.rooms = static_cast<uint32_t>(ShareOf(s->chat.rooms, i, n));
  s->seed = ShardSeed(s->seed, i);
  s->id_tag = "s" + std::to_string(i) + "of" + std::to_string(n);
  return true;
}

bool ShardScenarioFile(const ShardSpec& shard, ScenarioFile* file, std::string* error) {
  for (Scenario& run : file->runs) {
    if (!ShardScenario(shard, &run, error)) return false;
  }
  return true;
}

}  // namespace streambench::scenario
