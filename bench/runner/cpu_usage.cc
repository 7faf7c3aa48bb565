#include "bench/runner/cpu_usage.h"

#include <dirent.h>
#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>

namespace streambench::runner {
namespace {

int64_t ClockNs(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

CpuSample SampleCpu() {
  CpuSample s;
  s.wall_ns = ClockNs(CLOCK_MONOTONIC);
  s.process_cpu_ns = ClockNs(CLOCK_PROCESS_CPUTIME_ID);
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return s;
  while (dirent* entry = readdir(dir)) {
    char* end = nullptr;
    const long long tid = std::strtoll(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0') continue;  // "." and ".."
    // schedstat: "<ns on cpu> <ns waiting> <timeslices>"; gone if the thread just ended.
    std::ifstream in(std::string("/proc/self/task/") + entry->d_name + "/schedstat");
    long long on_cpu_ns = 0;
    if (in >> on_cpu_ns) s.thread_cpu_ns[tid] = on_cpu_ns;
  }
  closedir(dir);
  return s;
}

int UsableCores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

report::GeneratorCpu AssessCpu(const CpuSample& begin, const CpuSample& end, int cores,
                               double threshold) {
  report::GeneratorCpu g;
  g.cores = std::max(1, cores);
  const double wall_s = (end.wall_ns - begin.wall_ns) / 1e9;
  g.cpu_seconds = std::max<int64_t>(0, end.process_cpu_ns - begin.process_cpu_ns) / 1e9;
  if (wall_s <= 0) return g;
  g.cpu_utilization = g.cpu_seconds / (wall_s * g.cores);
  int64_t busiest_ns = 0;
  for (const auto& [tid, end_ns] : end.thread_cpu_ns) {
    auto it = begin.thread_cpu_ns.find(tid);
    const int64_t used = end_ns - (it == begin.thread_cpu_ns.end() ? 0 : it->second);
    busiest_ns = std::max(busiest_ns, used);
  }
  g.busiest_thread_utilization = busiest_ns / 1e9 / wall_s;
  g.saturated = g.cpu_utilization >= threshold || g.busiest_thread_utilization >= threshold;
  return g;
}

}  // namespace streambench::runner
