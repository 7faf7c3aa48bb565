// Coordinated omission, end to end: real runs through the RunController against the embedded
// reference server, whose stream stops reading for kStallUs. Messages of 256 KiB with a 64 KiB
// stream window and no BDP probing cannot get past a server that does not read, so the write in
// flight blocks for the stall and the open-loop operations scheduled meanwhile wait in the slot's
// queue: they go out late (schedule lag), and their latency, measured from the intended send
// time, includes that wait. Measured from the actual send it would be only the write and the
// echo, and the assertions below would fail. (With 64-byte messages every write fits in the
// window and leaves on time during the stall, so intended and actual send coincide and a test
// could not tell them apart.)
// Only lower bounds derived from the injected stall, and orderings within one run: no wall-clock
// upper bound, so a loaded machine only makes the figures larger.
#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "bench/runner/run_controller.h"
#include "common/units.h"
#include "tests/bench/runner/run_test_fixture.h"

namespace streambench::runner {
namespace {

constexpr int64_t kStallUs = 800'000;

// One stream slot; the stall starts after the 5th message (0.1 s into the run at 50/s) and ends
// well before the 1.5 s run does, so about 40 of the ~75 operations are scheduled during it.
// clang-format off
constexpr char kStalledStream[] = R"yaml(name: stall
connections: 1
streams_per_connection: 1
warmup: 0s
duration: 1500ms
request: {payload_size: 256KiB}
transport: {bdp_probe: false, stream_window: 64KiB}
server_transport: {bdp_probe: false, stream_window: 64KiB}
)yaml";
// clang-format on
constexpr char kOpenLoop[] = "load: {type: constant, rate: 50/s}\n";

std::string ReadStall() {
  return "read_stall: {after_messages: 5, duration: " + FormatDurationUs(kStallUs) + "}";
}

std::string BidiEcho() {
  return "mode: bidi\nserver_behavior: {bidi: echo, response_size: 16B, " + ReadStall() + "}\n";
}
std::string ClientStream() {
  return "mode: client_stream\nserver_behavior: {" + ReadStall() + "}\n";
}

class CoordinatedOmissionTest : public testing::RunTest {
 protected:
  static void PrintFigures(const char* what, const report::RunResult& r) {
    std::cerr << what << ": schedule lag p90 " << Latency(r, "schedule_lag").p90_us
              << " us, message p90 " << Latency(r, "message").p90_us << " us, write blocked p90 "
              << Latency(r, "write_blocked").p90_us << " us, messages " << r.messages_sent << "\n";
  }

  // The stall holds up the sends behind it (the test's premise), and each message's latency
  // includes how late it was sent. Latency and lag are recorded for the same messages (every one
  // is acknowledged, or echoed, once the run drained) and each message's latency is at least its
  // lag, so their p90s are ordered the same way: the histograms share their buckets.
  static void ExpectLatencyIncludesScheduleLag(const report::RunResult& r) {
    const report::LatencySummary& lag = Latency(r, "schedule_lag");
    const report::LatencySummary& message = Latency(r, "message");
    EXPECT_EQ(lag.count, r.messages_sent);
    EXPECT_EQ(message.count, r.messages_sent);
    // About half the operations are scheduled during the stall, a quarter in its first half.
    EXPECT_GE(lag.p90_us, kStallUs / 4) << "the stall did not hold up the sends behind it";
    EXPECT_GE(message.p90_us, lag.p90_us) << "latency measured from the actual send";
    EXPECT_GE(message.p90_us, kStallUs / 4) << "latency measured from the actual send";
  }
};

// bidi echo (the message is request -> echo). Open loop keeps its schedule through the stall, and
// the messages scheduled during it show the wait in the latency's p90. Closed loop sends nothing
// while it waits, so only the one message in flight sees the stall (its max), and its p90 hides it.
TEST_F(CoordinatedOmissionTest, StallShowsInOpenLoopP90ButClosedLoopHidesIt) {
  const std::string stalled_bidi = std::string(kStalledStream) + BidiEcho();
  const auto open = MustRunAllOk(stalled_bidi + kOpenLoop);
  const auto closed = MustRunAllOk(stalled_bidi + "load: {type: closed, outstanding: 1}\n");
  PrintFigures("bidi open loop", open);
  PrintFigures("bidi closed loop", closed);
  ExpectLatencyIncludesScheduleLag(open);
  EXPECT_GE(Latency(closed, "message").max_us, kStallUs / 2) << "closed loop saw the stall once";
  EXPECT_GT(Latency(open, "message").p90_us, 5 * Latency(closed, "message").p90_us);
}

// client_stream: the message is the write's completion, timed from the write's intended send.
TEST_F(CoordinatedOmissionTest, ClientStreamWriteLatencyIncludesTheWaitBehindAStalledWrite) {
  const auto r = MustRunAllOk(std::string(kStalledStream) + ClientStream() + kOpenLoop);
  PrintFigures("client_stream", r);
  ExpectLatencyIncludesScheduleLag(r);
}

}  // namespace
}  // namespace streambench::runner
