// Per-message stream figures in real runs against the embedded reference server: the gap between
// consecutive messages of a stream, messages per stream, and a client stream's latency from its
// first write (BenchmarkService's server_stream is checked in benchmark_service_modes_test).
// Every bound is a lower bound set by the server's pacing or the schedule, or an exact count;
// none is a wall-clock upper bound.
#include <gtest/gtest.h>

#include <string>

#include "tests/bench/runner/run_test_fixture.h"

namespace streambench::runner {
namespace {

class StreamMetricsTest : public testing::RunTest {
 protected:
  // Messages per stream must be `count` in every stream that received one.
  static void ExpectEveryStreamGot(const report::RunResult& r, uint64_t count) {
    const report::StreamMessagesSummary& s = r.messages_per_stream;
    EXPECT_EQ(s.min, count);
    EXPECT_EQ(s.p50, count);
    EXPECT_EQ(s.p99, count);
    EXPECT_EQ(s.max, count);
    EXPECT_DOUBLE_EQ(s.mean, static_cast<double>(count));
  }
};

constexpr const char* kBase = testing::kShortRun;
constexpr double kIntervalUs = 20'000;  // server_behavior.response_interval below
// The lowest median gap a 20 ms pace allows. The server paces on absolute times (t0 + seq x
// interval), so a message sent late has a shorter gap before the next one and a longer one
// after: the gaps centre on the interval rather than exceed it one by one. Their median is the
// interval, read from the log-linear histogram within its stated 1%.
constexpr double kMinMedianGapUs = kIntervalUs * 0.99;

TEST_F(StreamMetricsTest, ServerStreamGapsFollowTheServersIntervalAndEveryStreamIsCounted) {
  const auto r = MustRunAllOk(std::string(kBase) +
                              "mode: server_stream\nload: {type: closed, outstanding: 1}\n"
                              "server_behavior: {response_count: 5, response_interval: 20ms}\n");
  ASSERT_GT(r.calls_finished, 4u);
  const report::LatencySummary& gap = Latency(r, "message_gap");
  EXPECT_EQ(gap.count, r.calls_finished * 4) << "5 messages give 4 gaps, the first from message 1";
  EXPECT_GE(gap.p50_us, kMinMedianGapUs) << "the server sends every 20 ms";
  EXPECT_EQ(r.messages_per_stream.streams, r.calls_finished);
  EXPECT_EQ(r.messages_per_stream.streams_without_messages, 0u);
  ExpectEveryStreamGot(r, 5);
}

TEST_F(StreamMetricsTest, FirstResponseDelayIsInFirstMessageNotInTheGap) {
  const auto r =
      MustRunAllOk(std::string(kBase) +
                   "mode: server_stream\nload: {type: closed, outstanding: 1}\n"
                   "server_behavior: {response_count: 4, first_response_delay: 200ms}\n");
  ASSERT_GT(r.calls_finished, 0u);
  const report::LatencySummary& first = Latency(r, "first_message");
  const report::LatencySummary& gap = Latency(r, "message_gap");
  EXPECT_EQ(first.count, r.calls_finished);
  EXPECT_GE(first.min_us, 200'000) << "the server delays its first response by 200 ms";
  EXPECT_EQ(gap.count, r.calls_finished * 3) << "no gap before the first message";
  // Relative, not a time limit: a gap measured from the stream's start would hold the delay.
  EXPECT_LT(gap.max_us, first.min_us);
  ExpectEveryStreamGot(r, 4);
}

TEST_F(StreamMetricsTest, BidiIndependentGapsAndMessagesPerStream) {
  const auto r = MustRunAllOk(
      std::string(kBase) +
      "mode: bidi\nload: {type: closed, outstanding: 1}\nstream: {messages: 3}\n"
      "server_behavior: {bidi: independent, response_count: 5, response_interval: 20ms}\n");
  const report::StreamMessagesSummary& s = r.messages_per_stream;
  ASSERT_GT(s.streams, 0u);
  // A stream replaced just as the run stopped may half-close before its first request (the
  // behaviour) went out, and gets nothing: at most one per slot (4 slots).
  EXPECT_LE(s.streams_without_messages, 4u);
  EXPECT_EQ(s.streams + s.streams_without_messages, r.calls_finished) << "every stream counted";
  ExpectEveryStreamGot(r, 5);
  const report::LatencySummary& gap = Latency(r, "message_gap");
  EXPECT_EQ(gap.count, s.streams * 4);
  EXPECT_GE(gap.p50_us, kMinMedianGapUs);
  EXPECT_EQ(Latency(r, "first_message").count, s.streams);
}

TEST_F(StreamMetricsTest, BidiEchoHasNoGapsOrMessagesPerStream) {
  // An echo stream's responses follow the client's own sends: no stream of the server's to time.
  const auto r = MustRunAllOk(std::string(kBase) +
                              "mode: bidi\nload: {type: closed, outstanding: 1}\n"
                              "stream: {messages: 10}\nserver_behavior: {bidi: echo}\n");
  EXPECT_EQ(Latency(r, "message_gap").count, 0u);
  EXPECT_EQ(r.messages_per_stream.streams + r.messages_per_stream.streams_without_messages, 0u);
  EXPECT_GT(Latency(r, "first_message").count, 0u) << "the first echo is still timed";
}

TEST_F(StreamMetricsTest, ClientStreamIsTimedFromItsFirstWrite) {
  // One slot, 100 writes/s, 10 writes per stream: a stream's first and last writes are scheduled
  // 90 ms apart, and its response comes after the last, so from the first write's intended time
  // it takes at least 90 ms while the half-close -> response part is short.
  const auto r = MustRunAllOk(
      "name: t\nconnections: 1\nstreams_per_connection: 1\nwarmup: 0s\nduration: 1s\n"
      "request: {payload_size: 100B}\nmode: client_stream\n"
      "load: {type: constant, rate: 100/s}\nstream: {messages: 10}\n");
  const report::LatencySummary& from_first = Latency(r, "first_write_to_response");
  const report::LatencySummary& final_response = Latency(r, "final_response");
  EXPECT_EQ(from_first.count, r.calls_finished);
  EXPECT_EQ(final_response.count, r.calls_finished);
  EXPECT_GE(from_first.p50_us, 90'000);
  EXPECT_GT(from_first.p50_us, final_response.p50_us);
  EXPECT_EQ(Latency(r, "message_gap").count, 0u) << "a client stream receives one response";
}

}  // namespace
}  // namespace streambench::runner
