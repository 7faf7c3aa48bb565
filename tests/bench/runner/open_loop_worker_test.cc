#include "bench/runner/open_loop_worker.h"

#include <gtest/gtest.h>

#include <thread>

namespace streambench::runner {
namespace {

TEST(SleepUntilTest, ReturnsWhenTheClockReachesTheTarget) {
  FakeClock clock(1000);
  std::atomic<bool> stop{false};
  EXPECT_TRUE(SleepUntilNs(clock, 500, stop)) << "a time in the past returns at once";
  std::thread advancer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    clock.SetNs(5'000'000'000);
  });
  EXPECT_TRUE(SleepUntilNs(clock, 4'000'000'000, stop));
  EXPECT_GE(clock.NowNs(), 4'000'000'000);
  advancer.join();
}

TEST(SleepUntilTest, StopsWhenAsked) {
  FakeClock clock(0);  // never reaches the target
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stop = true;
  });
  EXPECT_FALSE(SleepUntilNs(clock, 1'000'000'000'000, stop));
  stopper.join();
}

// A slot that records what it was handed.
class RecordingSlot : public drivers::Slot {
 public:
  void Start() override {}
  void Submit(int64_t intended_ns) override { submitted.push_back(intended_ns); }
  void Stop() override {}
  void CancelAll() override {}
  std::vector<int64_t> submitted;
};

TEST(OpenLoopWorkerTest, HandsEveryScheduledTimeToTheSlotsInTurn) {
  // Times already in the past: the worker does not wait, and keeps each intended time.
  FakeClock clock(10'000'000'000);
  std::atomic<bool> stop{false};
  RecordingSlot a, b;
  RunOpenLoopWorker(schedule::MakeConstantSchedule(1000, 0, 10'000'000), {&a, &b}, clock, stop);
  ASSERT_EQ(a.submitted.size() + b.submitted.size(), 10u);
  ASSERT_EQ(a.submitted.size(), 5u);
  for (size_t i = 0; i < a.submitted.size(); ++i) {
    EXPECT_EQ(a.submitted[i], static_cast<int64_t>(2 * i) * 1'000'000);
    EXPECT_EQ(b.submitted[i], static_cast<int64_t>(2 * i + 1) * 1'000'000);
  }
}

}  // namespace
}  // namespace streambench::runner
