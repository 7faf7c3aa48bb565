#include "bench/scenario/shard.h"

#include <gtest/gtest.h>

#include <set>

namespace streambench::scenario {
namespace {

Scenario Base() {
  Scenario s;
  s.source_path = "s.yaml";
  s.variant = "default";
  s.mode = Mode::kBidi;
  s.connections = 3;
  s.streams_per_connection = 4;
  s.load.model = LoadModel::kConstant;
  s.load.rate_per_s = 1000;
  s.seed = 7;
  return s;
}

std::vector<Scenario> AllShards(const Scenario& base, int n) {
  std::vector<Scenario> out;
  for (int i = 0; i < n; ++i) {
    Scenario s = base;
    std::string error;
    EXPECT_TRUE(ShardScenario({i, n}, &s, &error)) << error;
    out.push_back(s);
  }
  return out;
}

uint64_t TotalStreams(const std::vector<Scenario>& shards) {
  uint64_t total = 0;
  for (const Scenario& s : shards) total += uint64_t{s.connections} * s.streams_per_connection;
  return total;
}

TEST(ShardTest, ConnectionsSplitWithRemaindersToTheLowestShards) {
  Scenario base = Base();
  base.connections = 7;
  const std::vector<Scenario> shards = AllShards(base, 3);
  EXPECT_EQ(shards[0].connections, 3u);
  EXPECT_EQ(shards[1].connections, 2u);
  EXPECT_EQ(shards[2].connections, 2u);
  EXPECT_EQ(TotalStreams(shards), 7u * 4u) << "no stream lost or added";
}

TEST(ShardTest, FewerConnectionsThanShardsSplitTheStreams) {
  const std::vector<Scenario> shards = AllShards(Base(), 5);  // 3 x 4 = 12 streams
  for (const Scenario& s : shards) EXPECT_EQ(s.connections, 1u);
  EXPECT_EQ(shards[0].streams_per_connection, 3u);
  EXPECT_EQ(shards[1].streams_per_connection, 3u);
  EXPECT_EQ(shards[2].streams_per_connection, 2u);
  EXPECT_EQ(TotalStreams(shards), 12u);
}

TEST(ShardTest, RatesDivideAndAddUpToTheWhole) {
  Scenario base = Base();
  base.load.model = LoadModel::kRamp;
  base.load.start_rate_per_s = 30;
  base.load.stages = {{1'000'000, 300}, {1'000'000, 3}};
  const std::vector<Scenario> shards = AllShards(base, 3);
  double rate = 0, start = 0, stage0 = 0, stage1 = 0;
  for (const Scenario& s : shards) {
    rate += s.load.rate_per_s;
    start += s.load.start_rate_per_s;
    stage0 += s.load.stages[0].target_rate_per_s;
    stage1 += s.load.stages[1].target_rate_per_s;
  }
  EXPECT_DOUBLE_EQ(rate, 1000);
  EXPECT_DOUBLE_EQ(start, 30);
  EXPECT_DOUBLE_EQ(stage0, 300);
  EXPECT_DOUBLE_EQ(stage1, 3);
}

TEST(ShardTest, SeedsAndIdTagsDifferPerShard) {
  const std::vector<Scenario> shards = AllShards(Base(), 4);
  std::set<uint64_t> seeds;
  std::set<std::string> tags;
  for (const Scenario& s : shards) {
    seeds.insert(s.seed);
    tags.insert(s.id_tag);
  }
  EXPECT_EQ(seeds.size(), 4u);
  EXPECT_EQ(tags.size(), 4u);
  EXPECT_EQ(seeds.count(7), 0u) << "no shard keeps the unsharded seed";
}

TEST(ShardTest, WorkloadsSplitWholeRoomsAndTopics) {
  Scenario chat = Base();
  chat.mode = Mode::kChat;
  chat.connections = 1;
  chat.streams_per_connection = 1;
  chat.chat.rooms = 5;
  uint64_t rooms = 0;
  for (const Scenario& s : AllShards(chat, 2)) rooms += s.chat.rooms;
  EXPECT_EQ(rooms, 5u);
  Scenario pubsub = Base();
  pubsub.mode = Mode::kSubscribe;
  pubsub.pubsub.topics = 2;
  pubsub.pubsub.subscribers = 9;
  pubsub.pubsub.publishers = 3;
  uint64_t topics = 0, subscribers = 0, publishers = 0;
  for (const Scenario& s : AllShards(pubsub, 2)) {
    topics += s.pubsub.topics;
    subscribers += s.pubsub.subscribers;
    publishers += s.pubsub.publishers;
  }
  EXPECT_EQ(topics, 2u);
  EXPECT_EQ(subscribers, 9u);
  EXPECT_EQ(publishers, 3u);
}

TEST(ShardTest, TooFewToDivideIsAnErrorWithTheReason) {
  Scenario s = Base();
  s.connections = 1;
  s.streams_per_connection = 2;
  std::string error;
  EXPECT_FALSE(ShardScenario({0, 3}, &s, &error));
  EXPECT_EQ(error,
            "s.yaml: run 'default': connections x streams_per_connection = 2 cannot be divided "
            "into 3 shards (each shard needs at least one)");
  Scenario chat = Base();
  chat.mode = Mode::kChat;
  chat.chat.rooms = 1;
  EXPECT_FALSE(ShardScenario({1, 2}, &chat, &error));
  EXPECT_NE(error.find("chat.rooms = 1"), std::string::npos) << error;
}

// A search chooses each rate from the last step over the whole target: not divisible by shards.
TEST(ShardTest, ACapacitySearchIsNotShardedButOneShardOfOneIs) {
  Scenario s = Base();
  s.load.model = LoadModel::kSearch;
  std::string error;
  EXPECT_FALSE(ShardScenario({0, 2}, &s, &error));
  EXPECT_NE(error.find("s.yaml: run 'default': a capacity search cannot be sharded"),
            std::string::npos)
      << error;
  EXPECT_TRUE(ShardScenario({0, 1}, &s, &error)) << error;
}

TEST(ShardTest, ShardSpecSyntax) {
  ShardSpec spec;
  std::string error;
  ASSERT_TRUE(ParseShardSpec("2/5", &spec, &error)) << error;
  EXPECT_EQ(spec.index, 2);
  EXPECT_EQ(spec.count, 5);
  for (const char* bad : {"5/5", "1", "a/2", "-1/2", "1/0", "/3", "1/2x"}) {
    EXPECT_FALSE(ParseShardSpec(bad, &spec, &error)) << bad;
  }
}

}  // namespace
}  // namespace streambench::scenario
