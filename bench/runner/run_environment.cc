#include "bench/runner/run_environment.h"

#include <chrono>
#include <thread>

#include "bench/runner/driver_slot_factory.h"
#include "bench/runner/embedded_target.h"
#include "bench/runner/signals.h"

namespace streambench::runner {
namespace {

class ThreadSleeper final : public Sleeper {
 public:
  void SleepNs(int64_t duration_ns) override {
    std::this_thread::sleep_for(std::chrono::nanoseconds(duration_ns));
  }
};

class SignalStopSource final : public StopSource {
 public:
  int StopRequests() const override { return StopSignalCount(); }
};

class ProcCpuSampler final : public CpuSampler {
 public:
  CpuSample Sample() const override { return SampleCpu(); }
  int UsableCores() const override { return ::streambench::runner::UsableCores(); }
};

}  // namespace

const RunEnvironment& ProductionRunEnvironment() {
  // Never destroyed: runs may still be draining on other threads while the process exits.
  static const RunEnvironment* const environment = [] {
    auto* env = new RunEnvironment;
    env->clock = &SteadyClock::Get();
    env->sleeper = new ThreadSleeper;
    env->stop = new SignalStopSource;
    env->cpu = new ProcCpuSampler;
    env->heap_trimmer = &ProcessHeapTrimmer();
    env->targets = new EmbeddedOrGivenTarget;
    env->slots = new DriverSlotFactory;
    return env;
  }();
  return *environment;
}

}  // namespace streambench::runner
