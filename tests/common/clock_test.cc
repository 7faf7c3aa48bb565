#include "common/clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

namespace streambench {
namespace {

TEST(ClockTest, SteadyNowNsIsTheSteadyClockInNanoseconds) {
  const std::chrono::steady_clock::time_point before = std::chrono::steady_clock::now();
  const int64_t now_ns = SteadyNowNs();
  const std::chrono::steady_clock::time_point after = std::chrono::steady_clock::now();
  EXPECT_LE(std::chrono::nanoseconds(before.time_since_epoch()).count(), now_ns);
  EXPECT_GE(std::chrono::nanoseconds(after.time_since_epoch()).count(), now_ns);
}

TEST(ClockTest, SteadyClockNeverGoesBack) {
  const Clock& clock = SteadyClock::Get();
  int64_t last_ns = clock.NowNs();
  for (int i = 0; i < 1000; ++i) {
    const int64_t now_ns = clock.NowNs();
    EXPECT_GE(now_ns, last_ns);
    last_ns = now_ns;
  }
}

TEST(ClockTest, FakeClockMovesOnlyWhenTold) {
  FakeClock clock(1'000);
  EXPECT_EQ(clock.NowNs(), 1'000);
  EXPECT_EQ(clock.NowNs(), 1'000);
  clock.AdvanceNs(250);
  EXPECT_EQ(clock.NowNs(), 1'250);
  clock.SetNs(5);
  EXPECT_EQ(clock.NowNs(), 5);
}

}  // namespace
}  // namespace streambench
