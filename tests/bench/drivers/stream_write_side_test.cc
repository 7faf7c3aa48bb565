#include "bench/drivers/stream_write_side.h"

#include <gtest/gtest.h>

#include <memory>

#include "bench/drivers/driver.h"
#include "bench/scenario/scenario.h"
#include "bench/stats/recorder.h"
#include "common/clock.h"

namespace streambench::drivers {
namespace {

using stats::Latency;

// One stream's writes against a fake clock; what they recorded is read back from the registry.
class StreamWriteSideTest : public ::testing::Test {
 protected:
  StreamWriteSideTest() : clock_(1'000'000) {}

  DriverContext& Context(scenario::LoadModel model) {
    scenario_.load.model = model;
    dc_ = std::make_unique<DriverContext>(scenario_, registry_, clock_);
    return *dc_;
  }
  stats::Snapshot Snapshot() const { return registry_.TakeSnapshot(clock_.NowNs()); }
  // One write of `bytes` that starts on time and completes `blocked_ns` later.
  void WriteOnTime(StreamWriteSide& write, size_t bytes, int64_t blocked_ns) {
    write.Started(*dc_, clock_.NowNs(), clock_.NowNs(), bytes);
    clock_.AdvanceNs(blocked_ns);
    write.Acked(*dc_);
  }

  scenario::Scenario scenario_;
  stats::RecorderRegistry registry_;
  FakeClock clock_;
  std::unique_ptr<DriverContext> dc_;
};

TEST_F(StreamWriteSideTest, ClosedLoopRecordsTheWriteButNoScheduleLag) {
  const DriverContext& dc = Context(scenario::LoadModel::kClosed);
  StreamWriteSide write(/*write_is_message=*/false);
  EXPECT_EQ(write.started(), 0u);

  const int64_t start_ns = clock_.NowNs();
  write.Started(dc, start_ns, start_ns, 100);
  EXPECT_EQ(write.started(), 1u);
  EXPECT_EQ(write.acked(), 0u);
  clock_.AdvanceNs(7'000);
  write.Acked(dc);
  EXPECT_EQ(write.acked(), 1u);

  const stats::Snapshot snap = Snapshot();
  EXPECT_EQ(snap.Get(Latency::kScheduleLag).Count(), 0u);
  EXPECT_EQ(snap.counters.messages_sent, 1u);
  EXPECT_EQ(snap.counters.bytes_sent, 100u);
  ASSERT_EQ(snap.Get(Latency::kWriteBlocked).Count(), 1u);
  EXPECT_EQ(snap.Get(Latency::kWriteBlocked).MaxNs(), 7'000);
  // A bidi write is not the message: its latency belongs to the response.
  EXPECT_EQ(snap.Get(Latency::kMessage).Count(), 0u);
}

TEST_F(StreamWriteSideTest, OpenLoopUploadTimesTheMessageFromItsIntendedSend) {
  const DriverContext& dc = Context(scenario::LoadModel::kConstant);
  StreamWriteSide write(/*write_is_message=*/true);

  const int64_t intended_ns = clock_.NowNs();
  clock_.AdvanceNs(3'000);  // the write starts late
  write.Started(dc, intended_ns, clock_.NowNs(), 64);
  EXPECT_EQ(write.intended_ns(), intended_ns);
  clock_.AdvanceNs(5'000);  // and is blocked by flow control
  write.Acked(dc);

  const stats::Snapshot snap = Snapshot();
  ASSERT_EQ(snap.Get(Latency::kScheduleLag).Count(), 1u);
  EXPECT_EQ(snap.Get(Latency::kScheduleLag).MaxNs(), 3'000);
  ASSERT_EQ(snap.Get(Latency::kWriteBlocked).Count(), 1u);
  EXPECT_EQ(snap.Get(Latency::kWriteBlocked).MaxNs(), 5'000);
  ASSERT_EQ(snap.Get(Latency::kMessage).Count(), 1u);
  EXPECT_EQ(snap.Get(Latency::kMessage).MaxNs(), 8'000);
}

TEST_F(StreamWriteSideTest, OnlyAcknowledgedWritesCountAsSent) {
  const DriverContext& dc = Context(scenario::LoadModel::kClosed);
  StreamWriteSide write(/*write_is_message=*/true);

  WriteOnTime(write, 10, 1'000);
  // The second write fails (OnWriteDone(false)): Acked is not called for it.
  write.Started(dc, clock_.NowNs(), clock_.NowNs(), 20);

  EXPECT_EQ(write.started(), 2u);
  EXPECT_EQ(write.acked(), 1u);
  const stats::Snapshot snap = Snapshot();
  EXPECT_EQ(snap.counters.messages_sent, 1u);
  EXPECT_EQ(snap.counters.bytes_sent, 10u);
  EXPECT_EQ(snap.Get(Latency::kMessage).Count(), 1u);
}

TEST_F(StreamWriteSideTest, EachAckDescribesTheWriteInFlight) {
  Context(scenario::LoadModel::kPoisson);
  StreamWriteSide write(/*write_is_message=*/true);

  // Two writes one after the other, each blocked for a different time: the second ack must use
  // the second write's start and bytes, not the first's.
  WriteOnTime(write, 30, 2'000);
  WriteOnTime(write, 50, 9'000);

  const stats::Snapshot snap = Snapshot();
  EXPECT_EQ(snap.counters.messages_sent, 2u);
  EXPECT_EQ(snap.counters.bytes_sent, 80u);
  ASSERT_EQ(snap.Get(Latency::kWriteBlocked).Count(), 2u);
  EXPECT_EQ(snap.Get(Latency::kWriteBlocked).SumNs(), 11'000u);
  EXPECT_EQ(snap.Get(Latency::kWriteBlocked).MaxNs(), 9'000);
  // Open loop: every write's lag is recorded, here none (values below 1 ns count as 1).
  EXPECT_EQ(snap.Get(Latency::kScheduleLag).Count(), 2u);
  EXPECT_LE(snap.Get(Latency::kScheduleLag).MaxNs(), 1);
}

}  // namespace
}  // namespace streambench::drivers
