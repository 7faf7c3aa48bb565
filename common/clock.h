// Monotonic time in nanoseconds: SteadyNowNs() for code that reads the real clock directly (server
// reactors, macro benchmarks), and the Clock interface injected into everything that must run on
// simulated time in tests.
// Thread-safe: SteadyNowNs and SteadyClock are stateless; FakeClock uses an atomic.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace streambench {

// std::chrono::steady_clock (CLOCK_MONOTONIC) in nanoseconds since its arbitrary epoch.
inline int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// std::chrono::system_clock (CLOCK_REALTIME) in nanoseconds since the Unix epoch: wall-clock
// stamps that leave the process (request templates, server send times), never durations.
inline int64_t UnixNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time in nanoseconds (CLOCK_MONOTONIC for the real clock; arbitrary epoch).
  virtual int64_t NowNs() const = 0;
};

class SteadyClock final : public Clock {
 public:
  int64_t NowNs() const override { return SteadyNowNs(); }
  // A process-wide instance.
  static const SteadyClock& Get() {
    static const SteadyClock clock;
    return clock;
  }
};

// A clock that only moves when told to (tests).
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_ns = 0) : now_ns_(start_ns) {}
  int64_t NowNs() const override { return now_ns_.load(std::memory_order_relaxed); }
  void AdvanceNs(int64_t delta_ns) { now_ns_.fetch_add(delta_ns, std::memory_order_relaxed); }
  void SetNs(int64_t now_ns) { now_ns_.store(now_ns, std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> now_ns_;
};

}  // namespace streambench
