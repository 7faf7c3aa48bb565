#include "bench/schedule/schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "bench/schedule/schedule_internal.h"
#include "common/clock.h"

namespace streambench::schedule {
namespace {

constexpr int64_t kNoEnd = std::numeric_limits<int64_t>::max();

std::vector<int64_t> Drain(Schedule& s, size_t limit) {
  std::vector<int64_t> times;
  while (times.size() < limit) {
    const auto t = s.Next();
    if (!t) break;
    times.push_back(*t);
  }
  return times;
}

TEST(ConstantScheduleTest, ExactTimesWithoutDriftOverAMillionIntervals) {
  const int64_t start = 5'000'000'123;
  auto s = MakeConstantSchedule(1000.0, start, kNoEnd);  // interval 1 ms
  for (int64_t n = 0; n < 1'000'000; ++n) {
    const auto t = s->Next();
    ASSERT_TRUE(t.has_value());
    ASSERT_EQ(*t, start + n * 1'000'000) << n;
  }
  EXPECT_EQ(*s->Next(), start + 1'000'000 * int64_t{1'000'000});  // the 1,000,001st, no drift
}

TEST(ConstantScheduleTest, NonIntegralIntervalRoundsEachTimeFromTheIndex) {
  // 3 per second: 333,333,333.33 ns. Accumulating a rounded interval would drift by 1/3 ns per
  // step (333 us over a million); from the index, every time is the exact rounded value.
  auto s = MakeConstantSchedule(3.0, 0, kNoEnd);
  int64_t last = 0;
  for (int64_t n = 0; n < 1'000'000; ++n) {
    last = *s->Next();
    ASSERT_EQ(last, std::llround(static_cast<long double>(n) * 1e9L / 3.0L)) << n;
  }
  EXPECT_EQ(last, 333'333'000'000'000);  // 999,999 * 1e9 / 3
}

TEST(ConstantScheduleTest, IndexAroundOneBillionStaysExactToTheNanosecond) {
  // A phase of 1e9 intervals puts the schedule at index 1e9 (a billion operations into a run);
  // each time must equal the exactly rounded (n + 1e9) * 1e9 / 7 ns, computed here in integers.
  auto s = MakeConstantScheduleWithPhase(7.0, 1e9, 0, kNoEnd);
  for (int64_t n = 0; n < 1000; ++n) {
    const __int128 numerator = static_cast<__int128>(1'000'000'000 + n) * 1'000'000'000;
    const int64_t exact = static_cast<int64_t>((2 * numerator + 7) / 14);  // round half up
    ASSERT_EQ(*s->Next(), exact) << n;
  }
}

TEST(ConstantScheduleTest, EndIsExclusive) {
  auto s = MakeConstantSchedule(10.0, 1'000, 1'000 + 1'000'000'000);  // 1 s at 10/s
  const auto times = Drain(*s, 100);
  ASSERT_EQ(times.size(), 10u);
  EXPECT_EQ(times.front(), 1'000);
  EXPECT_EQ(times.back(), 1'000 + 900'000'000);
  EXPECT_FALSE(s->Next().has_value());  // stays ended
}

TEST(ConstantScheduleTest, ZeroRateNeverFires) {
  auto s = MakeConstantSchedule(0.0, 0, kNoEnd);
  EXPECT_FALSE(s->Next().has_value());
}

TEST(ConstantScheduleTest, RateIsReportedUntilTheEnd) {
  auto s = MakeConstantSchedule(250.0, 0, 1'000);
  EXPECT_DOUBLE_EQ(s->RateAtPerS(500), 250.0);
  EXPECT_DOUBLE_EQ(s->RateAtPerS(1'000), 0.0);
}

TEST(ConstantScheduleTest, WorkersWithAFakeClockSendWhenDue) {
  // How a worker uses it: wait until the clock reaches the intended time. With a fake clock
  // stepping 1 ms at a time, exactly the due operations are released at each step.
  FakeClock clock(0);
  auto s = MakeConstantSchedule(2500.0, 0, 100'000'000);  // every 400 us for 100 ms
  std::optional<int64_t> next = s->Next();
  int sent = 0;
  for (int step = 1; step <= 100; ++step) {
    clock.AdvanceNs(1'000'000);
    int this_step = 0;
    while (next && *next <= clock.NowNs()) {
      ++this_step;
      next = s->Next();
    }
    sent += this_step;
    EXPECT_GE(this_step, 2);
    EXPECT_LE(this_step, 3);
  }
  EXPECT_EQ(sent, 250);
  EXPECT_FALSE(next.has_value());
}

TEST(PoissonScheduleTest, GapMeanAndVarianceMatchTheRate) {
  constexpr double kRate = 20'000;  // mean gap 50 us
  constexpr int kSamples = 200'000;
  auto s = MakePoissonSchedule(kRate, 0, kNoEnd, 42);
  int64_t prev = 0;
  long double sum = 0, sum_sq = 0;
  for (int i = 0; i < kSamples; ++i) {
    const int64_t t = *s->Next();
    ASSERT_GE(t, prev);
    const long double gap = t - prev;
    sum += gap;
    sum_sq += gap * gap;
    prev = t;
  }
  const double mean = static_cast<double>(sum / kSamples);
  const double variance = static_cast<double>(sum_sq / kSamples) - mean * mean;
  const double expected_mean = 1e9 / kRate;
  const double expected_variance = expected_mean * expected_mean;
  // Standard error of the mean of Exp(mean m) gaps: m / sqrt(N) (0.22% at N = 200k); of the
  // variance: m^2 sqrt(8 / N) (0.63%). Allow 4 sigma.
  EXPECT_NEAR(mean, expected_mean, 4 * expected_mean / std::sqrt(kSamples));
  EXPECT_NEAR(variance, expected_variance, 4 * expected_variance * std::sqrt(8.0 / kSamples));
}

TEST(PoissonScheduleTest, CountsInWindowsAreDispersedLikePoisson) {
  // Counts per 10 ms window at 10k/s: Poisson with mean 100 and variance 100 (a constant
  // schedule would give variance 0).
  auto s = MakePoissonSchedule(10'000, 0, 10'000'000'000, 7);  // 10 s -> 1000 windows
  std::vector<int> counts(1000, 0);
  while (auto t = s->Next()) ++counts[*t / 10'000'000];
  double sum = 0, sum_sq = 0;
  for (int c : counts) {
    sum += c;
    sum_sq += static_cast<double>(c) * c;
  }
  const double mean = sum / counts.size();
  const double variance = sum_sq / counts.size() - mean * mean;
  EXPECT_NEAR(mean, 100, 4 * std::sqrt(100.0 / 1000));
  // Sample variance of 1000 Poisson(100) counts has sd ~ 100 * sqrt(2 / 999) ~ 4.5.
  EXPECT_NEAR(variance, 100, 20);
}

TEST(PoissonScheduleTest, SameSeedSameTimesDifferentSeedDifferentTimes) {
  auto a = MakePoissonSchedule(1000, 0, kNoEnd, 1);
  auto b = MakePoissonSchedule(1000, 0, kNoEnd, 1);
  auto c = MakePoissonSchedule(1000, 0, kNoEnd, 2);
  const auto ta = Drain(*a, 100), tb = Drain(*b, 100), tc = Drain(*c, 100);
  EXPECT_EQ(ta, tb);
  EXPECT_NE(ta, tc);
}

TEST(PoissonScheduleTest, EndsAtEndAndZeroRateNeverFires) {
  auto s = MakePoissonSchedule(1000, 0, 1'000'000'000, 3);
  const auto times = Drain(*s, 10'000);
  EXPECT_LT(times.size(), 10'000u);
  EXPECT_NEAR(static_cast<double>(times.size()), 1000, 4 * std::sqrt(1000.0));
  EXPECT_LT(times.back(), 1'000'000'000);
  EXPECT_FALSE(s->Next().has_value());
  EXPECT_FALSE(MakePoissonSchedule(0, 0, kNoEnd, 1)->Next().has_value());
}

// Count of times in [from, to).
int64_t CountIn(const std::vector<int64_t>& times, int64_t from, int64_t to) {
  return std::lower_bound(times.begin(), times.end(), to) -
         std::lower_bound(times.begin(), times.end(), from);
}

TEST(RampScheduleTest, CountsPerStageMatchTheIntegralOfTheRate) {
  // 0 -> 1000/s over 2 s (integral 1000), hold 1000/s for 1 s (1000), down to 200/s over 1 s
  // (600), a step to 50/s (zero duration), hold 50/s for 2 s (100).
  const std::vector<scenario::RampStage> stages = {
      {2'000'000, 1000}, {1'000'000, 1000}, {1'000'000, 200}, {0, 50}, {2'000'000, 50}};
  const int64_t start = 1'000'000'000;
  auto s = MakeRampSchedule(0, stages, start, kNoEnd);
  const auto times = Drain(*s, 100'000);
  ASSERT_TRUE(std::is_sorted(times.begin(), times.end()));
  EXPECT_EQ(static_cast<int64_t>(times.size()), 2700);
  const int64_t s1 = start + 2'000'000'000, s2 = s1 + 1'000'000'000, s3 = s2 + 1'000'000'000,
                s4 = s3 + 2'000'000'000;
  EXPECT_NEAR(CountIn(times, start, s1), 1000, 1);
  EXPECT_NEAR(CountIn(times, s1, s2), 1000, 1);
  EXPECT_NEAR(CountIn(times, s2, s3), 600, 1);
  EXPECT_NEAR(CountIn(times, s3, s4), 100, 1);
  // Within the first stage the count up to t is 1000 (t/2s)^2: half-way, a quarter.
  EXPECT_NEAR(CountIn(times, start, start + 1'000'000'000), 250, 1);
  // Within the hold the spacing is exactly 1 ms.
  const auto it = std::lower_bound(times.begin(), times.end(), s1 + 100'000'000);
  EXPECT_EQ(*(it + 1) - *it, 1'000'000);
}

TEST(RampScheduleTest, RateAtInterpolates) {
  const std::vector<scenario::RampStage> stages = {{1'000'000, 100}, {1'000'000, 300}};
  auto s = MakeRampSchedule(0, stages, 0, kNoEnd);
  EXPECT_DOUBLE_EQ(s->RateAtPerS(-5), 0.0);
  EXPECT_NEAR(s->RateAtPerS(500'000'000), 50.0, 1e-9);
  EXPECT_NEAR(s->RateAtPerS(1'500'000'000), 200.0, 1e-9);
  EXPECT_DOUBLE_EQ(s->RateAtPerS(2'000'000'000), 0.0);  // after the last stage
}

TEST(RampScheduleTest, EndNsCutsTheRampShort) {
  const std::vector<scenario::RampStage> stages = {{10'000'000, 1000}};  // 10 s at 1000/s
  auto s = MakeRampSchedule(1000, stages, 0, 2'000'000'000);             // but end after 2 s
  const auto times = Drain(*s, 100'000);
  EXPECT_EQ(times.size(), 2000u);
  EXPECT_LT(times.back(), 2'000'000'000);
  EXPECT_FALSE(s->Next().has_value());
  EXPECT_DOUBLE_EQ(s->RateAtPerS(2'000'000'000), 0.0);
}

TEST(RampScheduleTest, IdleStagesAndEmptyRamps) {
  // A stage at rate 0 sends nothing and the next stage starts on time.
  const std::vector<scenario::RampStage> stages = {{1'000'000, 0}, {1'000'000, 100}};
  auto s = MakeRampSchedule(0, stages, 0, kNoEnd);
  const auto times = Drain(*s, 1000);
  ASSERT_FALSE(times.empty());
  EXPECT_GE(times.front(), 1'000'000'000);
  EXPECT_NEAR(static_cast<double>(times.size()), 50, 1);
  EXPECT_FALSE(MakeRampSchedule(100, {}, 0, kNoEnd)->Next().has_value());
  EXPECT_FALSE(MakeRampSchedule(100, {{0, 100}}, 0, kNoEnd)->Next().has_value());
}

TEST(RampScheduleTest, RampDownToZeroEndsWithinTheStage) {
  auto s = MakeRampSchedule(1000, {{1'000'000, 0}}, 0, kNoEnd);  // integral 500
  const auto times = Drain(*s, 10'000);
  EXPECT_NEAR(static_cast<double>(times.size()), 500, 1);
  EXPECT_LE(times.back(), 1'000'000'000);
  // Gaps grow as the rate falls.
  EXPECT_GT(times[499] - times[498], times[1] - times[0]);
}

scenario::LoadSpec Load(scenario::LoadModel model, double rate) {
  scenario::LoadSpec load;
  load.model = model;
  load.rate_per_s = rate;
  return load;
}

TEST(MakeScheduleTest, ClosedLoopHasNoSchedule) {
  EXPECT_EQ(MakeSchedule(Load(scenario::LoadModel::kClosed, 0), 0, 1, 0, kNoEnd, 1), nullptr);
}

TEST(MakeScheduleTest, ConstantSplitsTheRateAndInterleavesWorkers) {
  constexpr int kWorkers = 4;
  std::vector<int64_t> all;
  for (int w = 0; w < kWorkers; ++w) {
    auto s =
        MakeSchedule(Load(scenario::LoadModel::kConstant, 1000), w, kWorkers, 0, 1'000'000'000, 1);
    ASSERT_NE(s, nullptr);
    EXPECT_DOUBLE_EQ(s->RateAtPerS(0), 250.0);
    const auto times = Drain(*s, 10'000);
    EXPECT_EQ(times.size(), 250u);
    all.insert(all.end(), times.begin(), times.end());
  }
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), 1000u);
  // Together they are the single 1000/s schedule: every 1 ms, none at the same time.
  for (size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i], static_cast<int64_t>(i) * 1'000'000);
}

TEST(MakeScheduleTest, PoissonSplitsTheRateWithIndependentSeeds) {
  constexpr int kWorkers = 3;
  std::vector<std::vector<int64_t>> per_worker;
  size_t total = 0;
  for (int w = 0; w < kWorkers; ++w) {
    auto s =
        MakeSchedule(Load(scenario::LoadModel::kPoisson, 3000), w, kWorkers, 0, 10'000'000'000, 99);
    EXPECT_DOUBLE_EQ(s->RateAtPerS(0), 1000.0);
    per_worker.push_back(Drain(*s, 100'000));
    total += per_worker.back().size();
  }
  EXPECT_NE(per_worker[0], per_worker[1]);
  EXPECT_NE(per_worker[1], per_worker[2]);
  EXPECT_NEAR(static_cast<double>(total), 30'000, 4 * std::sqrt(30'000.0));
}

TEST(MakeScheduleTest, RampSplitsEveryStage) {
  scenario::LoadSpec load;
  load.model = scenario::LoadModel::kRamp;
  load.start_rate_per_s = 100;
  load.stages = {{1'000'000, 900}, {1'000'000, 900}};  // integral 500 + 900
  constexpr int kWorkers = 2;
  std::vector<int64_t> all;
  for (int w = 0; w < kWorkers; ++w) {
    auto s = MakeSchedule(load, w, kWorkers, 0, kNoEnd, 1);
    EXPECT_DOUBLE_EQ(s->RateAtPerS(0), 50.0);
    const auto times = Drain(*s, 10'000);
    all.insert(all.end(), times.begin(), times.end());
  }
  std::sort(all.begin(), all.end());
  EXPECT_NEAR(static_cast<double>(all.size()), 1400, 1);
  EXPECT_NEAR(CountIn(all, 0, 1'000'000'000), 500, 1);
  // Interleaved: no two workers fire at the same instant during the hold.
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
}

}  // namespace
}  // namespace streambench::schedule
