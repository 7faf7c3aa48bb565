// The open-loop workers' lateness as a saturation signal: a worker that cannot keep its schedule
// is seen falling behind (most hand-offs late) with no CPU figure involved, and one that keeps it
// is not; most hand-offs late marks the generator saturated even when its CPU is low.
#include "bench/runner/dispatch_lag.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>

#include "bench/runner/open_loop_worker.h"
#include "common/clock.h"

namespace streambench::runner {
namespace {

// A slot whose hand-off takes `cost_ns` of the (fake) clock: the worker's own work per operation.
class CostlySlot : public drivers::Slot {
 public:
  CostlySlot(FakeClock& clock, int64_t cost_ns) : clock_(clock), cost_ns_(cost_ns) {}
  void Start() override {}
  void Submit(int64_t) override { clock_.AdvanceNs(cost_ns_); }
  void Stop() override {}
  void CancelAll() override {}

 private:
  FakeClock& clock_;
  int64_t cost_ns_;
};

DispatchLag RunWorker(int64_t cost_per_op_ns) {
  // 1000/s for 20 ms: an operation due every 1 ms.
  FakeClock clock(0);
  std::atomic<bool> stop{false};
  CostlySlot slot(clock, cost_per_op_ns);
  DispatchLag lag;
  RunOpenLoopWorker(schedule::MakeConstantSchedule(1000, 0, 20'000'000), {&slot}, clock, stop,
                    &lag);
  return lag;
}

TEST(DispatchLagTest, AWorkerSlowerThanItsScheduleFallsBehindOneThatKeepsItDoesNot) {
  const DispatchLag slow = RunWorker(3'000'000);  // 3 ms per 1 ms operation
  EXPECT_EQ(slow.dispatched, 20u);
  EXPECT_EQ(slow.behind, 19u) << "only the first is on time";
  EXPECT_EQ(slow.max_late_ns, 19 * 2'000'000);
  const DispatchLag keeping_up = RunWorker(1'000'000);  // exactly its schedule
  EXPECT_EQ(keeping_up.dispatched, 20u);
  EXPECT_EQ(keeping_up.behind, 0u);
  EXPECT_EQ(keeping_up.max_late_ns, 0);
}

// A slot slow only at the start (each hand-off costs 3 ms of the fake clock until `slow_until_ns`),
// then quick: the worker works off its backlog and keeps its schedule (the clock then moves on to
// the next operation's time, 1 ms later).
class SlowAtFirstSlot : public drivers::Slot {
 public:
  SlowAtFirstSlot(FakeClock& clock, int64_t slow_until_ns)
      : clock_(clock), slow_until_ns_(slow_until_ns) {}
  void Start() override {}
  void Submit(int64_t intended_ns) override {
    if (clock_.NowNs() < slow_until_ns_) {
      clock_.AdvanceNs(3'000'000);
    } else {
      clock_.SetNs(std::max(clock_.NowNs(), intended_ns + 1'000'000));
    }
  }
  void Stop() override {}
  void CancelAll() override {}

 private:
  FakeClock& clock_;
  int64_t slow_until_ns_;
};

DispatchLag RunSlowAtFirst(int64_t count_from_ns) {
  FakeClock clock(0);
  std::atomic<bool> stop{false};
  SlowAtFirstSlot slot(clock, 10'000'000);
  DispatchLag lag;
  lag.count_from_ns = count_from_ns;
  RunOpenLoopWorker(schedule::MakeConstantSchedule(1000, 0, 20'000'000), {&slot}, clock, stop,
                    &lag);
  return lag;
}

TEST(DispatchLagTest, OperationsIntendedBeforeTheMeasuredPhaseAreNotCounted) {
  // Slow in the first 10 ms (the warm-up), then keeping up. Counted throughout, half the
  // hand-offs are late (ops 1-10: 2 to 8 ms), which reads as saturated.
  const DispatchLag whole_run = RunSlowAtFirst(INT64_MIN);
  EXPECT_EQ(whole_run.dispatched, 20u);
  EXPECT_EQ(whole_run.behind, 10u);
  // Counted from 10 ms: the ops due then are handed over 2 ms and 1 ms late as the backlog clears,
  // the rest on time: one of ten behind, the measured phase's own lateness.
  const DispatchLag measured = RunSlowAtFirst(10'000'000);
  EXPECT_EQ(measured.dispatched, 10u);
  EXPECT_EQ(measured.behind, 1u);
  EXPECT_EQ(measured.max_late_ns, 2'000'000);
}

TEST(DispatchLagTest, MostHandOffsLateSaturateTheGeneratorWhateverItsCpu) {
  report::GeneratorCpu idle;
  idle.cores = 2;
  idle.cpu_utilization = 0.2;
  idle.busiest_thread_utilization = 0.3;
  DispatchLag lag;
  for (int i = 0; i < 100; ++i) lag.Record(i < 60 ? 5'000'000 : 1'000);
  report::GeneratorCpu g = idle;
  ApplyDispatchLag(lag, &g);
  EXPECT_DOUBLE_EQ(g.dispatch_behind_fraction, 0.6);
  EXPECT_TRUE(g.saturated);

  DispatchLag now_and_then;  // a descheduled worker catches up: a few late
  for (int i = 0; i < 100; ++i) now_and_then.Record(i % 10 == 0 ? 5'000'000 : 1'000);
  g = idle;
  ApplyDispatchLag(now_and_then, &g);
  EXPECT_DOUBLE_EQ(g.dispatch_behind_fraction, 0.1);
  EXPECT_FALSE(g.saturated);

  g = idle;
  ApplyDispatchLag(DispatchLag{}, &g);  // closed loop: nothing dispatched
  EXPECT_EQ(g.dispatch_behind_fraction, 0);
  EXPECT_FALSE(g.saturated);
  g.busiest_thread_utilization = 0.95;
  g.saturated = true;  // the CPU's verdict stands
  ApplyDispatchLag(DispatchLag{}, &g);
  EXPECT_TRUE(g.saturated);
}

}  // namespace
}  // namespace streambench::runner
