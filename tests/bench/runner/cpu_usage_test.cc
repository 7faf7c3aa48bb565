// CpuUsage: the arithmetic on synthetic samples, and real samples of this process that must see
// a thread's CPU time (the thread spins until its own CPU clock says so, so nothing depends on
// the machine's speed).
#include "bench/runner/cpu_usage.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <ctime>
#include <thread>

namespace streambench::runner {
namespace {

constexpr int64_t kSecondNs = 1'000'000'000;

CpuSample Sample(int64_t wall_ns, int64_t process_ns, std::map<int64_t, int64_t> threads) {
  CpuSample s;
  s.wall_ns = wall_ns;
  s.process_cpu_ns = process_ns;
  s.thread_cpu_ns = std::move(threads);
  return s;
}

TEST(AssessCpuTest, IdleGeneratorIsNotSaturated) {
  const report::GeneratorCpu g =
      AssessCpu(Sample(0, 0, {{1, 0}, {2, 0}}),
                Sample(10 * kSecondNs, 2 * kSecondNs, {{1, kSecondNs}, {2, kSecondNs}}), 4);
  EXPECT_DOUBLE_EQ(g.cpu_seconds, 2.0);
  EXPECT_DOUBLE_EQ(g.cpu_utilization, 0.05);  // 2 s of 4 cores x 10 s
  EXPECT_DOUBLE_EQ(g.busiest_thread_utilization, 0.1);
  EXPECT_EQ(g.cores, 4);
  EXPECT_FALSE(g.saturated);
}

TEST(AssessCpuTest, AllCoresBusyIsSaturated) {
  const report::GeneratorCpu g =
      AssessCpu(Sample(0, 0, {}),
                Sample(10 * kSecondNs, 19 * kSecondNs,
                       {{1, 6 * kSecondNs}, {2, 6 * kSecondNs}, {3, 7 * kSecondNs}}),
                2);
  EXPECT_DOUBLE_EQ(g.cpu_utilization, 0.95);
  EXPECT_DOUBLE_EQ(g.busiest_thread_utilization, 0.7);
  EXPECT_TRUE(g.saturated);
}

TEST(AssessCpuTest, OneThreadAtItsLimitIsSaturatedOnAnIdleMachine) {
  // Thread 7 was running before the phase began: only its time inside the phase counts.
  const report::GeneratorCpu g =
      AssessCpu(Sample(5 * kSecondNs, 3 * kSecondNs, {{7, 3 * kSecondNs}, {8, 0}}),
                Sample(15 * kSecondNs, 13 * kSecondNs, {{7, 12 * kSecondNs + 500'000'000}}), 16);
  EXPECT_DOUBLE_EQ(g.cpu_seconds, 10.0);
  EXPECT_NEAR(g.cpu_utilization, 10.0 / 160.0, 1e-12);
  EXPECT_DOUBLE_EQ(g.busiest_thread_utilization, 0.95);
  EXPECT_TRUE(g.saturated);
}

TEST(AssessCpuTest, ThresholdIsConfigurableAndZeroWallTimeIsHarmless) {
  const CpuSample begin = Sample(0, 0, {{1, 0}});
  const CpuSample end = Sample(kSecondNs, kSecondNs / 2, {{1, kSecondNs / 2}});
  EXPECT_FALSE(AssessCpu(begin, end, 1, 0.9).saturated);
  EXPECT_TRUE(AssessCpu(begin, end, 1, 0.5).saturated);
  const report::GeneratorCpu g = AssessCpu(begin, begin, 1);
  EXPECT_EQ(g.cpu_utilization, 0);
  EXPECT_FALSE(g.saturated);
}

int64_t ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * kSecondNs + ts.tv_nsec;
}

// Publishes the calling thread's id in *tid, then spins until the thread has used `cpu_ns` of
// its own CPU time.
void SpinOwnCpu(int64_t cpu_ns, std::atomic<int64_t>* tid) {
  *tid = static_cast<int64_t>(syscall(SYS_gettid));
  const int64_t start = ThreadCpuNs();
  volatile uint64_t sink = 0;
  while (ThreadCpuNs() - start < cpu_ns) sink = sink + 1;
}

TEST(SampleCpuTest, SeesASpinningThreadsCpuTime) {
  const CpuSample begin = SampleCpu();
  std::atomic<int64_t> tid{0};
  std::thread spinner(SpinOwnCpu, 200'000'000, &tid);  // 200 ms of its own CPU
  // Sample while the thread still exists (after it spun), then let it go.
  while (tid.load() == 0) std::this_thread::yield();
  spinner.join();
  const CpuSample end = SampleCpu();
  EXPECT_GE(end.process_cpu_ns - begin.process_cpu_ns, 200'000'000);
  EXPECT_GT(end.wall_ns, begin.wall_ns);
  EXPECT_TRUE(begin.thread_cpu_ns.count(static_cast<int64_t>(syscall(SYS_gettid))));
  const report::GeneratorCpu g = AssessCpu(begin, end, UsableCores());
  EXPECT_GE(g.cpu_seconds, 0.2);
  EXPECT_GT(g.cpu_utilization, 0);
  EXPECT_GE(UsableCores(), 1);
}

TEST(SampleCpuTest, ThreadTimesOfALiveThreadAreCounted) {
  std::atomic<bool> spun{false}, release{false};
  std::atomic<int64_t> tid{0};
  std::thread spinner([&] {
    SpinOwnCpu(100'000'000, &tid);  // 100 ms of its own CPU
    spun = true;
    while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  while (!spun.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const CpuSample s = SampleCpu();
  release = true;
  spinner.join();
  ASSERT_TRUE(s.thread_cpu_ns.count(tid.load()));
  EXPECT_GE(s.thread_cpu_ns.at(tid.load()), 100'000'000);
}

}  // namespace
}  // namespace streambench::runner
