// Reconnect backoff and outage tracking: the delay policy (growth, cap, jitter, reset), what opens
// and closes an outage (with a fake clock), the connection-failure classification, and the
// run result's view of outages relative to the measured phase.
#include <grpcpp/support/status.h>
#include <gtest/gtest.h>

#include <set>

#include "bench/drivers/outage_tracker.h"
#include "bench/drivers/reconnect_backoff.h"
#include "bench/runner/outage_results.h"
#include "common/clock.h"

namespace streambench::drivers {
namespace {

constexpr int64_t kMs = 1'000'000;

TEST(ReconnectBackoffTest, GrowsFromFiftyMillisecondsToTheCapWithinTheJitter) {
  ReconnectBackoff backoff(42);
  const BackoffPolicy policy;
  double expected = static_cast<double>(policy.initial_ns);
  for (int i = 0; i < 20; ++i) {
    const int64_t d = backoff.NextDelayNs();
    const double base = std::min(expected, static_cast<double>(policy.max_ns));
    EXPECT_GE(d, static_cast<int64_t>(base * (1 - policy.jitter)) - 1) << "attempt " << i;
    EXPECT_LE(d, static_cast<int64_t>(base * (1 + policy.jitter)) + 1) << "attempt " << i;
    expected *= policy.multiplier;
  }
  EXPECT_EQ(backoff.failures(), 20u);
  // Capped: never above max * (1 + jitter), however many failures.
  for (int i = 0; i < 1000; ++i) EXPECT_LE(backoff.NextDelayNs(), 1200 * kMs);
}

TEST(ReconnectBackoffTest, ResetStartsAgainFromTheInitialDelay) {
  ReconnectBackoff backoff(7);
  for (int i = 0; i < 10; ++i) backoff.NextDelayNs();
  EXPECT_GT(backoff.NextDelayNs(), 500 * kMs);
  backoff.Reset();
  EXPECT_EQ(backoff.failures(), 0u);
  const int64_t d = backoff.NextDelayNs();
  EXPECT_GE(d, 40 * kMs);
  EXPECT_LE(d, 60 * kMs);
}

TEST(ReconnectBackoffTest, JitterSpreadsSlotsThatFailedTogether) {
  std::set<int64_t> first_delays;
  for (uint64_t seed = 0; seed < 50; ++seed)
    first_delays.insert(ReconnectBackoff(seed).NextDelayNs());
  EXPECT_GT(first_delays.size(), 40u) << "different slots must not retry in lockstep";
}

// Two fake channel identities (only their addresses are used).
const engines::Channel* const kChannelA = reinterpret_cast<const engines::Channel*>(0x1000);
const engines::Channel* const kChannelB = reinterpret_cast<const engines::Channel*>(0x2000);

TEST(OutageTrackerTest, OneChannelOpensAtTheFirstFailureAndClosesAtTheFirstNewSuccess) {
  FakeClock clock(1000 * kMs);
  OutageTracker tracker(clock);
  const int a = tracker.RegisterChannel(kChannelA);
  EXPECT_EQ(tracker.RegisterChannel(kChannelA), a) << "same channel, same index";
  tracker.OnSuccess(a, 900 * kMs);  // nothing open: no effect
  EXPECT_TRUE(tracker.Outages().empty());

  clock.AdvanceNs(100 * kMs);  // t = 1100 ms: the server goes away
  tracker.OnConnectionFailure(a);
  clock.AdvanceNs(10 * kMs);
  tracker.OnConnectionFailure(a);
  // A call that started before the outage and succeeds now proves nothing (a draining server).
  tracker.OnSuccess(a, 1050 * kMs);
  clock.AdvanceNs(1490 * kMs);  // t = 2600 ms
  tracker.OnConnectionFailure(a);
  ASSERT_EQ(tracker.Outages().size(), 1u);
  EXPECT_EQ(tracker.Outages()[0].end_ns, 0) << "still open";

  tracker.OnSuccess(a, 2600 * kMs);  // a call started during the outage got through
  std::vector<OutageRecord> outages = tracker.Outages();
  ASSERT_EQ(outages.size(), 1u);
  EXPECT_EQ(outages[0].start_ns, 1100 * kMs);
  EXPECT_EQ(outages[0].end_ns, 2600 * kMs);
  EXPECT_EQ(outages[0].failed_calls, 3u);

  clock.AdvanceNs(1000 * kMs);
  tracker.OnConnectionFailure(a);
  outages = tracker.Outages();
  ASSERT_EQ(outages.size(), 2u);
  EXPECT_EQ(outages[1].start_ns, 3600 * kMs);
  EXPECT_EQ(outages[1].failed_calls, 1u);
}

TEST(OutageTrackerTest, AnOutageIsEveryChannelDownAndEndsWhenOneIsBack) {
  FakeClock clock(0);
  OutageTracker tracker(clock);
  const int a = tracker.RegisterChannel(kChannelA);
  const int b = tracker.RegisterChannel(kChannelB);
  ASSERT_NE(a, b);
  clock.SetNs(1000 * kMs);
  tracker.OnConnectionFailure(a);
  tracker.OnConnectionFailure(a);
  EXPECT_TRUE(tracker.Outages().empty()) << "channel B may still be fine";
  clock.SetNs(1005 * kMs);
  tracker.OnConnectionFailure(b);
  ASSERT_EQ(tracker.Outages().size(), 1u);
  EXPECT_EQ(tracker.Outages()[0].start_ns, 1005 * kMs);
  EXPECT_EQ(tracker.Outages()[0].failed_calls, 3u) << "both channels' failures so far";

  clock.SetNs(2500 * kMs);
  tracker.OnSuccess(a, 2400 * kMs);  // A reconnected: the target is reachable again
  ASSERT_EQ(tracker.Outages().size(), 1u);
  EXPECT_EQ(tracker.Outages()[0].end_ns, 2500 * kMs);
  // B still waits for its own reconnect and fails meanwhile: no new outage while A works.
  for (int i = 0; i < 20; ++i) {
    clock.AdvanceNs(10 * kMs);
    tracker.OnConnectionFailure(b);
    tracker.OnSuccess(a, clock.NowNs());
  }
  EXPECT_EQ(tracker.Outages().size(), 1u);
}

TEST(OutageTrackerTest, OnlyUnavailableOnADisconnectedChannelIsAConnectionFailure) {
  EXPECT_FALSE(IsConnectionFailure(grpc::Status::OK, nullptr));
  EXPECT_FALSE(IsConnectionFailure(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, ""), nullptr));
  EXPECT_FALSE(IsConnectionFailure(grpc::Status(grpc::StatusCode::INTERNAL, ""), nullptr));
  EXPECT_TRUE(IsConnectionFailure(grpc::Status(grpc::StatusCode::UNAVAILABLE, ""), nullptr));
}

TEST(OutagesInMeasuredPhaseTest, RelativeToTheMeasuredStartAndClippedToThePhase) {
  const int64_t start = 10'000 * kMs, end = 20'000 * kMs;
  const std::vector<OutageRecord> records = {
      {2000 * kMs, 3000 * kMs, 5},    // ended during warm-up: left out
      {9500 * kMs, 10'500 * kMs, 7},  // began in warm-up, lasted into the phase
      {12'000 * kMs, 13'500 * kMs, 40},
      {19'000 * kMs, 0, 9},  // still open at the end
  };
  const std::vector<report::Outage> out = runner::OutagesInMeasuredPhase(records, start, end);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_DOUBLE_EQ(out[0].start_s, -0.5);
  EXPECT_DOUBLE_EQ(out[0].duration_s, 1.0);
  EXPECT_DOUBLE_EQ(out[1].start_s, 2.0);
  EXPECT_DOUBLE_EQ(out[1].duration_s, 1.5);
  EXPECT_EQ(out[1].failed_calls, 40u);
  EXPECT_TRUE(out[1].recovered);
  EXPECT_DOUBLE_EQ(out[2].duration_s, 1.0);
  EXPECT_FALSE(out[2].recovered);
}

}  // namespace
}  // namespace streambench::drivers
