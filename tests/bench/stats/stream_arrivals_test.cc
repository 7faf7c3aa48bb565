#include "bench/stats/stream_arrivals.h"

#include <gtest/gtest.h>

#include <thread>

#include "bench/stats/recorder.h"

namespace streambench::stats {
namespace {

constexpr int64_t kMs = 1'000'000;

TEST(StreamArrivalsTest, GapsRunFromOneArrivalToTheNextStartingAtTheFirstMessage) {
  RecorderRegistry registry;
  Recorder& rec = registry.ForCurrentThread();
  StreamArrivals arrivals;
  // The first message comes 500 ms after the stream began (a first-response delay): that wait is
  // not a gap.
  EXPECT_TRUE(arrivals.Arrived(rec, 500 * kMs));
  EXPECT_FALSE(arrivals.Arrived(rec, 520 * kMs));
  EXPECT_FALSE(arrivals.Arrived(rec, 545 * kMs));
  EXPECT_FALSE(arrivals.Arrived(rec, 845 * kMs));  // a 300 ms stall
  arrivals.Close(rec);
  EXPECT_EQ(arrivals.received(), 4u);

  const Snapshot s = registry.TakeSnapshot(0);
  const LogLinearHistogram& gaps = s.Get(Latency::kMessageGap);
  ASSERT_EQ(gaps.Count(), 3u) << "n messages give n - 1 gaps";
  EXPECT_EQ(gaps.MinNs(), 20 * kMs);
  EXPECT_EQ(gaps.MaxNs(), 300 * kMs);
  EXPECT_EQ(gaps.SumNs(), static_cast<uint64_t>(345 * kMs));
  ASSERT_EQ(s.messages_per_stream.Count(), 1u);
  EXPECT_EQ(s.messages_per_stream.MaxNs(), 4);
  EXPECT_EQ(s.counters.streams_without_messages, 0u);
}

TEST(StreamArrivalsTest, OneMessageGivesNoGapAndAnEmptyStreamIsCountedApart) {
  RecorderRegistry registry;
  Recorder& rec = registry.ForCurrentThread();
  StreamArrivals single;
  EXPECT_TRUE(single.Arrived(rec, 7 * kMs));
  single.Close(rec);
  StreamArrivals empty;
  empty.Close(rec);

  const Snapshot s = registry.TakeSnapshot(0);
  EXPECT_EQ(s.Get(Latency::kMessageGap).Count(), 0u);
  ASSERT_EQ(s.messages_per_stream.Count(), 1u);
  EXPECT_EQ(s.messages_per_stream.MaxNs(), 1);
  EXPECT_EQ(s.counters.streams_without_messages, 1u);
}

TEST(StreamArrivalsTest, EachStreamHasItsOwnGapsAndCountsAreExact) {
  // Two interleaved streams: a gap never spans from one stream's message to the other's.
  RecorderRegistry registry;
  Recorder& rec = registry.ForCurrentThread();
  StreamArrivals a, b;
  a.Arrived(rec, 0);
  b.Arrived(rec, 1 * kMs);
  a.Arrived(rec, 10 * kMs);
  b.Arrived(rec, 31 * kMs);
  for (int i = 0; i < 198; ++i) b.Arrived(rec, (32 + i) * kMs);
  a.Close(rec);
  b.Close(rec);

  const Snapshot s = registry.TakeSnapshot(0);
  const LogLinearHistogram& gaps = s.Get(Latency::kMessageGap);
  EXPECT_EQ(gaps.Count(), 1u + 199u);
  EXPECT_EQ(gaps.MinNs(), 1 * kMs);
  EXPECT_EQ(gaps.MaxNs(), 30 * kMs);
  const LogLinearHistogram& counts = s.messages_per_stream;
  ASSERT_EQ(counts.Count(), 2u);
  EXPECT_EQ(counts.MinNs(), 2);
  EXPECT_EQ(counts.MaxNs(), 200);
  EXPECT_EQ(counts.ValueAtPercentileNs(50), 2) << "counts below 256 are exact";
}

TEST(StreamArrivalsTest, ThreadsMergeInSnapshotsAndSubtractLeavesTheInterval) {
  RecorderRegistry registry;
  auto stream_of = [&registry](int messages, int64_t gap_ns) {
    Recorder& rec = registry.ForCurrentThread();
    StreamArrivals arrivals;
    for (int i = 0; i < messages; ++i) arrivals.Arrived(rec, i * gap_ns);
    arrivals.Close(rec);
  };
  std::thread one([&] { stream_of(5, 2 * kMs); });
  one.join();
  const Snapshot earlier = registry.TakeSnapshot(1);
  std::thread two([&] { stream_of(3, 4 * kMs); });
  std::thread three([&] { stream_of(0, 0); });
  two.join();
  three.join();
  Snapshot later = registry.TakeSnapshot(2);
  EXPECT_EQ(later.Get(Latency::kMessageGap).Count(), 4u + 2u);
  EXPECT_EQ(later.messages_per_stream.Count(), 2u);
  EXPECT_EQ(later.counters.streams_without_messages, 1u);

  later.Subtract(earlier);
  EXPECT_EQ(later.Get(Latency::kMessageGap).Count(), 2u);
  EXPECT_EQ(later.Get(Latency::kMessageGap).SumNs(), static_cast<uint64_t>(8 * kMs));
  ASSERT_EQ(later.messages_per_stream.Count(), 1u);
  EXPECT_EQ(later.messages_per_stream.ValueAtPercentileNs(100), 3);
  EXPECT_EQ(later.counters.streams_without_messages, 1u);
}

}  // namespace
}  // namespace streambench::stats
