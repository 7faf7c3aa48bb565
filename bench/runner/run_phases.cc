#include "bench/runner/run_phases.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <utility>

#include "bench/report/console_report.h"
#include "bench/runner/open_loop_worker.h"
#include "common/wall_time.h"

namespace streambench::runner {
namespace {

constexpr int64_t kSecondNs = 1'000'000'000;
// How often the drain looks whether the calls in flight have finished.
constexpr int64_t kDrainPollNs = 5'000'000;
// After the cancel, how long the drain still waits for the cancelled calls to report.
constexpr int64_t kAfterCancelNs = 2 * kSecondNs;
// The drain waits at most this many drain timeouts in all, however steadily calls finish.
constexpr int64_t kDrainCapFactor = 15;

// Finished calls with a non-OK status plus integrity errors, for the live line.
uint64_t ErrorCount(const stats::Snapshot& s) {
  return s.counters.CallsFinished() - s.counters.calls_by_code[0] + s.counters.integrity.Total();
}

uint32_t WorkerCount(const scenario::Scenario& s, size_t slots) {
  uint32_t n = s.threads;
  if (n == 0) n = std::min(4u, std::max(1u, std::thread::hardware_concurrency()));
  return static_cast<uint32_t>(std::max<size_t>(1, std::min<size_t>(n, slots)));
}

template <typename Duration>
int64_t ToNs(Duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

}  // namespace

double PhaseRecord::measured_duration_s() const {
  return std::max(0.0, static_cast<double>(measured_end_ns - measured_start_ns) / 1e9);
}

RunPhases::RunPhases(const scenario::Scenario& run, const RunOptions& options,
                     const RunEnvironment& env, drivers::DriverContext& context,
                     stats::RecorderRegistry& registry, std::vector<drivers::Slot*> slots)
    : run_(run),
      options_(options),
      env_(env),
      context_(context),
      registry_(registry),
      slots_(std::move(slots)),
      poll_ns_(std::max<int64_t>(1, ToNs(options.poll_interval))),
      heap_trim_interval_ns_(ToNs(options.heap_trim_interval)),
      show_progress_(options.show_progress && options.progress_out != nullptr) {}

RunPhases::~RunPhases() { StopWorkers(); }

const PhaseRecord& RunPhases::RunAll() {
  Start();
  if (WarmUp()) Measure();
  Drain();
  return record_;
}

void RunPhases::Start() {
  const Clock& clock = *env_.clock;
  record_.baseline = registry_.TakeSnapshot(clock.NowNs());
  record_.start_ns = clock.NowNs();
  record_.measured_start_ns = record_.start_ns;
  warmup_end_ns_ = record_.start_ns + run_.warmup_us * 1000;
  if (options_.start_at_unix_ns > 0) {
    const int64_t wall_now_ns =
        options_.wall_clock_unix_ns != nullptr ? options_.wall_clock_unix_ns() : WallClockUnixNs();
    const int64_t until_start_ns = options_.start_at_unix_ns - wall_now_ns;
    record_.late_start_ns = std::max<int64_t>(0, -until_start_ns);
    warmup_end_ns_ = record_.start_ns + std::max<int64_t>(0, until_start_ns);
  }
  end_ns_ = warmup_end_ns_ + run_.duration_us * 1000;
  for (drivers::Slot* slot : slots_) slot->Start();

  if (context_.open_loop()) {
    const uint32_t n = WorkerCount(run_, slots_.size());
    DispatchLag measured_only;
    measured_only.count_from_ns = warmup_end_ns_;
    worker_lag_.assign(n, measured_only);  // never resized while the workers write to it
    for (uint32_t w = 0; w < n; ++w) {
      std::vector<drivers::Slot*> owned;
      for (size_t i = w; i < slots_.size(); i += n) owned.push_back(slots_[i]);
      auto schedule = schedule::MakeSchedule(run_.load, static_cast<int>(w), static_cast<int>(n),
                                             record_.start_ns, end_ns_, run_.seed);
      workers_.emplace_back(RunOpenLoopWorker, std::move(schedule), std::move(owned),
                            std::cref(clock), std::cref(stop_workers_), &worker_lag_[w]);
    }
    rate_schedule_ = schedule::MakeSchedule(run_.load, 0, 1, record_.start_ns, end_ns_, run_.seed);
  }
  // The generator's own CPU over the measured phase (two /proc reads per run, off the hot path).
  record_.cpu_begin = env_.cpu->Sample();
  last_second_ = record_.baseline;
  next_tick_ns_ = record_.start_ns + kSecondNs;
}

bool RunPhases::WarmUp() {
  if (warmup_end_ns_ <= record_.start_ns) {
    series_.Begin(record_.baseline);
    return true;
  }
  if (!PollUntil(warmup_end_ns_)) return false;
  record_.baseline = registry_.TakeSnapshot(env_.clock->NowNs());
  record_.measured_start_ns = record_.baseline.taken_at_ns;
  record_.cpu_begin = env_.cpu->Sample();
  series_.Begin(record_.baseline);
  // Ticks (and so the series' intervals) count whole seconds from the measured phase's start:
  // shards started at one --start-at instant then cut their intervals at the same instants.
  next_tick_ns_ = record_.measured_start_ns + kSecondNs;
  return true;
}

bool RunPhases::Measure() { return PollUntil(end_ns_); }

bool RunPhases::PollUntil(int64_t deadline_ns) {
  while (true) {
    const int64_t now = env_.clock->NowNs();
    if (env_.stop->StopRequests() > 0) {
      record_.interrupted = true;
      return false;
    }
    if (now >= deadline_ns) return true;
    if (context_.work_exhausted()) {
      record_.work_exhausted = true;
      return true;
    }
    Tick(now);
    env_.sleeper->SleepNs(std::min(poll_ns_, deadline_ns - now));
  }
}

void RunPhases::Tick(int64_t now_ns) {
  // The per-second series needs the snapshot in the measured phase even without a live view.
  const bool measuring = series_.begun() && now_ns < end_ns_;
  if ((show_progress_ || options_.on_snapshot || measuring) && now_ns >= next_tick_ns_) {
    registry_.TakeSnapshotInto(now_ns, &snap_);
    if (measuring) series_.Add(snap_);
    delta_ = snap_;  // copy-assignment reuses delta_'s storage
    delta_.Subtract(last_second_);
    if (options_.on_snapshot) options_.on_snapshot(run_, snap_, Live(delta_, now_ns, false));
    next_tick_ns_ += kSecondNs;
    if (show_progress_) PrintProgress(now_ns);
    last_second_ = snap_;
  }
  env_.heap_trimmer->MaybeTrim(now_ns, heap_trim_interval_ns_);
}

void RunPhases::PrintProgress(int64_t now_ns) {
  const double dt_s = std::max(1e-9, static_cast<double>(now_ns - last_second_.taken_at_ns) / 1e9);
  const double messages =
      static_cast<double>(delta_.counters.messages_sent + delta_.counters.messages_received);
  const double p99_us = delta_.Get(stats::Latency::kMessage).ValueAtPercentileNs(99) / 1000.0;
  *options_.progress_out << "\r"
                         << report::FormatProgressLine(
                                static_cast<double>(now_ns - record_.start_ns) / 1e9,
                                messages / dt_s, p99_us, ErrorCount(delta_))
                         << std::flush;
  progress_printed_ = true;
}

LiveState RunPhases::Live(const stats::Snapshot& since_last, int64_t now_ns, bool final) const {
  LiveState live;
  if (rate_schedule_)
    live.target_rate_per_s = rate_schedule_->RateAtPerS(std::min(now_ns, end_ns_ - 1));
  live.active_streams = context_.active_calls();
  live.schedule_lag_s =
      static_cast<double>(since_last.Get(stats::Latency::kScheduleLag).MaxNs()) / 1e9;
  live.final = final;
  return live;
}

void RunPhases::StopWorkers() {
  stop_workers_.store(true);
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  for (const DispatchLag& lag : worker_lag_) record_.dispatch_lag.Add(lag);
  worker_lag_.clear();
}

bool RunPhases::WaitIdle(int64_t quiet_ns, int64_t cap_ns) {
  const int64_t start_ns = env_.clock->NowNs();
  const int64_t cap_end_ns = start_ns + cap_ns;
  int64_t quiet_end_ns = start_ns + quiet_ns;
  auto active = context_.active_calls();
  while (active > 0) {
    const int64_t now = env_.clock->NowNs();
    const auto still_active = context_.active_calls();
    if (still_active < active) quiet_end_ns = now + quiet_ns;  // calls are still finishing
    active = still_active;
    if (active == 0) break;
    const int64_t give_up_ns = std::min(quiet_end_ns, cap_end_ns);
    if (now >= give_up_ns || env_.stop->StopRequests() >= 2) return false;
    env_.sleeper->SleepNs(std::min(kDrainPollNs, give_up_ns - now));
  }
  return true;
}

void RunPhases::Drain() {
  if (progress_printed_) *options_.progress_out << "\n";
  // Per-second rates are taken over [baseline, phase_end], so the drain (messages still arriving
  // after the load stopped) does not inflate them.
  record_.phase_end = registry_.TakeSnapshot(env_.clock->NowNs());
  record_.measured_end_ns = record_.phase_end.taken_at_ns;
  series_.Add(record_.phase_end, /*last=*/true);
  record_.series = series_.Take();
  // Sampled here, not after the streams are told to stop: closing 100,000 streams can take the
  // grpc engine seconds of CPU that belong to the drain, not to the measured phase.
  record_.cpu_end = env_.cpu->Sample();

  StopWorkers();
  context_.SetStopping();
  for (drivers::Slot* slot : slots_) slot->Stop();
  const int64_t drain_ns = ToNs(options_.drain_timeout);
  if (!WaitIdle(drain_ns, kDrainCapFactor * drain_ns)) {
    for (drivers::Slot* slot : slots_) slot->CancelAll();
    WaitIdle(kAfterCancelNs, kAfterCancelNs);
  }
  record_.final_state = registry_.TakeSnapshot(env_.clock->NowNs());
  record_.still_active = context_.active_calls();
  record_.stop_now = env_.stop->StopRequests() >= 2;
  if (options_.on_snapshot) {
    stats::Snapshot since_last = record_.final_state;
    since_last.Subtract(last_second_);
    options_.on_snapshot(run_, record_.final_state,
                         Live(since_last, record_.measured_end_ns, /*final=*/true));
  }
}

}  // namespace streambench::runner
