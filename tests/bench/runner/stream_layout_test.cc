// PlanStreamLayout: the scenario's layout when the limit is unknown or not binding; `queue`
// counts the streams that wait; `connect` keeps the exact number of streams, none above the limit.
#include "bench/runner/stream_layout.h"

#include <gtest/gtest.h>

namespace streambench::runner {
namespace {

scenario::Scenario ScenarioOf(uint32_t connections, uint32_t streams_per_connection,
                              scenario::OverStreamLimit policy) {
  scenario::Scenario s;
  s.connections = connections;
  s.streams_per_connection = streams_per_connection;
  s.over_stream_limit = policy;
  return s;
}

constexpr auto kQueue = scenario::OverStreamLimit::kQueue;
constexpr auto kConnect = scenario::OverStreamLimit::kConnect;

TEST(StreamLayoutTest, AnUnknownOrLooseLimitKeepsTheScenariosLayout) {
  for (std::optional<uint32_t> limit : {std::optional<uint32_t>(), std::optional<uint32_t>(100),
                                        std::optional<uint32_t>(UINT32_MAX)}) {
    const StreamLayout layout = PlanStreamLayout(ScenarioOf(3, 100, kConnect), limit);
    EXPECT_EQ(layout.connections, 3u);
    EXPECT_EQ(layout.streams_per_connection, 100u);
    EXPECT_EQ(layout.limit.server_max_concurrent_streams, 0u) << "nothing to report";
  }
}

TEST(StreamLayoutTest, QueueKeepsTheConnectionsAndCountsTheStreamsThatWait) {
  const StreamLayout layout = PlanStreamLayout(ScenarioOf(3, 100, kQueue), 40);
  EXPECT_EQ(layout.connections, 3u);
  EXPECT_EQ(layout.streams_per_connection, 100u);
  EXPECT_EQ(layout.limit.server_max_concurrent_streams, 40u);
  EXPECT_EQ(layout.limit.policy, "queue");
  EXPECT_EQ(layout.limit.waiting_streams, 3u * 60u);
}

TEST(StreamLayoutTest, ConnectSpreadsExactlyTheSameStreamsWithNoneAboveTheLimit) {
  struct Case {
    uint32_t connections, streams_per_connection, limit, want_connections, want_per_connection;
  };
  for (const Case& c : {Case{1, 20, 8, 4, 5}, Case{1, 20, 10, 2, 10}, Case{10, 1000, 100, 100, 100},
                        Case{1, 997, 100, 997, 1}, Case{2, 3, 2, 3, 2}}) {
    const StreamLayout layout =
        PlanStreamLayout(ScenarioOf(c.connections, c.streams_per_connection, kConnect), c.limit);
    EXPECT_EQ(layout.connections, c.want_connections) << c.streams_per_connection;
    EXPECT_EQ(layout.streams_per_connection, c.want_per_connection);
    EXPECT_EQ(static_cast<uint64_t>(layout.connections) * layout.streams_per_connection,
              static_cast<uint64_t>(c.connections) * c.streams_per_connection);
    EXPECT_LE(layout.streams_per_connection, c.limit);
    EXPECT_EQ(layout.limit.policy, "connect");
    EXPECT_EQ(layout.limit.waiting_streams, 0u);
    EXPECT_EQ(layout.limit.connections, layout.connections);
  }
}

}  // namespace
}  // namespace streambench::runner
