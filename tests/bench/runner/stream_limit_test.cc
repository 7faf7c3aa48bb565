// A server that allows fewer concurrent streams per connection than the scenario opens
// (SETTINGS_MAX_CONCURRENT_STREAMS, here the embedded server's server_transport setting): the run
// probes the limit, and under `over_stream_limit: queue` says which streams waited (a failed
// check for streams held open, a note for unary calls); under `connect` it spreads the same
// streams over more connections and every stream carries its share of the schedule.
#include <gtest/gtest.h>

#include <string>

#include "tests/bench/runner/run_test_fixture.h"

namespace streambench::runner {
namespace {

class StreamLimitTest : public testing::RunTest {
 protected:
  // 20 streams on one connection of a server that allows 10 each.
  static std::string Yaml(const std::string& mode, const std::string& policy) {
    return "name: limit\nmode: " + mode +
           "\nconnections: 1\nstreams_per_connection: 20\n"
           "server_transport: {max_concurrent_streams: 10}\nover_stream_limit: " +
           policy +
           "\nload: {type: constant, rate: 200/s}\nrequest: {payload_size: 64B}\n"
           "warmup: 500ms\nduration: 1s\n";
  }

  static const report::Check* FindCheck(const report::RunResult& r, const std::string& name) {
    for (const report::Check& check : r.checks) {
      if (check.name == name) return &check;
    }
    return nullptr;
  }
};

TEST_F(StreamLimitTest, QueuedBidiStreamsAreReportedAndFailTheRun) {
  const report::RunResult queued = MustRun(Yaml("bidi", "queue"));
  EXPECT_EQ(queued.stream_limit.server_max_concurrent_streams, 10u);
  EXPECT_EQ(queued.stream_limit.policy, "queue");
  EXPECT_EQ(queued.stream_limit.connections, 1u);
  EXPECT_EQ(queued.stream_limit.waiting_streams, 10u);
  const report::Check* check = FindCheck(queued, "server stream limit");
  ASSERT_NE(check, nullptr);
  EXPECT_FALSE(check->passed) << check->detail;
  EXPECT_FALSE(queued.pass);

  // The same schedule with the streams spread: nothing waits, and the streams that waited above
  // now carry their half of the schedule.
  const report::RunResult spread = MustRun(Yaml("bidi", "connect"));
  EXPECT_EQ(spread.stream_limit.server_max_concurrent_streams, 10u);
  EXPECT_EQ(spread.stream_limit.policy, "connect");
  EXPECT_EQ(spread.stream_limit.connections, 2u);
  EXPECT_EQ(spread.stream_limit.streams_per_connection, 10u);
  EXPECT_EQ(spread.stream_limit.waiting_streams, 0u);
  check = FindCheck(spread, "server stream limit");
  ASSERT_NE(check, nullptr);
  EXPECT_TRUE(check->passed) << check->detail;
  ExpectAllOk(spread);
  EXPECT_EQ(spread.calls_finished, 20u);
  // Every message sent in the measured phase got its echo (the run drains); a message sent just
  // before the warm-up ended may be echoed inside it, at most one per stream at this rate.
  EXPECT_GE(spread.messages_received, spread.messages_sent);
  EXPECT_LE(spread.messages_received, spread.messages_sent + 20);
  EXPECT_GT(static_cast<double>(spread.messages_sent), 1.5 * queued.messages_sent)
      << "under queue, the waiting streams' messages never went out in the run";
}

TEST_F(StreamLimitTest, QueuedUnaryCallsAreANoteNotAFailure) {
  const report::RunResult r = MustRun(Yaml("unary", "queue"));
  EXPECT_EQ(r.stream_limit.waiting_streams, 10u);
  const report::Check* check = FindCheck(r, "server stream limit");
  ASSERT_NE(check, nullptr);
  EXPECT_TRUE(check->passed) << check->detail;
  ExpectAllOk(r);
}

TEST_F(StreamLimitTest, AServerWithoutALimitLeavesNoTrace) {
  const report::RunResult r = MustRun(
      "name: nolimit\nmode: bidi\nconnections: 1\nstreams_per_connection: 20\n"
      "load: {type: constant, rate: 200/s}\nwarmup: 0s\nduration: 500ms\n");
  EXPECT_EQ(r.stream_limit.server_max_concurrent_streams, 0u);
  EXPECT_EQ(FindCheck(r, "server stream limit"), nullptr);
  ExpectAllOk(r);
}

}  // namespace
}  // namespace streambench::runner
