#include "bench/runner/run_controller.h"

#include <algorithm>
#include <atomic>
#include <ctime>
#include <memory>
#include <thread>
#include <vector>

#include "bench/common/clock.h"
#include "bench/drivers/channels.h"
#include "bench/drivers/driver.h"
#include "bench/gate/exit_code.h"
#include "bench/gate/expectation_judge.h"
#include "bench/report/comparison.h"
#include "bench/report/console_report.h"
#include "bench/report/format.h"
#include "bench/report/run_result_builder.h"
#include "bench/runner/concurrent_runs.h"
#include "bench/runner/cpu_usage.h"
#include "bench/runner/heap_trimmer.h"
#include "bench/runner/open_loop_worker.h"
#include "bench/runner/outage_results.h"
#include "bench/runner/run_link.h"
#include "bench/runner/signals.h"
#include "bench/runner/variant_order.h"
#include "bench/schedule/schedule.h"
#include "bench/stats/recorder.h"
#include "server/reference_server.h"

namespace streambench::runner {
namespace {

using Clock = std::chrono::steady_clock;

// Finished calls with a non-OK status plus integrity errors, for the live line.
uint64_t ErrorCount(const stats::Snapshot& s) {
  return s.counters.CallsFinished() - s.counters.calls_by_code[0] + s.counters.integrity.Total();
}

std::string NowIso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

uint32_t WorkerCount(const scenario::Scenario& s, size_t slots) {
  uint32_t n = s.threads;
  if (n == 0) n = std::min(4u, std::max(1u, std::thread::hardware_concurrency()));
  return static_cast<uint32_t>(std::max<size_t>(1, std::min<size_t>(n, slots)));
}

}  // namespace

const char* ServiceName(scenario::TargetService service) {
  return service == scenario::TargetService::kGrpcTestingBenchmark ? "grpc.testing.BenchmarkService"
                                                                   : "streambench.v1";
}

RunOutcome RunController::Run(const scenario::Scenario& s) {
  RunOutcome outcome;
  std::string error;
  if (!drivers::IsSupported(s, &error)) {
    outcome.status = RunOutcome::Status::kBadInput;
    outcome.error = error;
    return outcome;
  }

  // Target: the scenario's addresses, or a fresh embedded server for this run.
  std::unique_ptr<ReferenceServer> server;
  std::vector<std::string> addresses = s.target.addresses;
  std::string target_desc;
  if (addresses.empty()) {
    ServerOptions server_options;
    server_options.host = "127.0.0.1";
    server_options.port = 0;
    server_options.transport = s.server_transport;
    // The drain has already ended or cancelled our calls; do not wait long for stragglers.
    server_options.shutdown_grace_us = 500'000;
    server = ReferenceServer::Start(server_options, &error);
    if (server == nullptr) {
      outcome.status = RunOutcome::Status::kCouldNotRun;
      outcome.error = "cannot start the embedded server: " + error;
      return outcome;
    }
    addresses = {server->address()};
    target_desc = "embedded " + server->address();
  } else {
    target_desc = drivers::ChannelTarget(addresses);
  }

  // An emulated link in front of the target: the generator dials the relay instead.
  RunLinks links;
  if (s.link.enabled) {
    if (!links.Start(s.link, &addresses, &error)) {
      outcome.status = RunOutcome::Status::kCouldNotRun;
      outcome.error = error;
      if (server) server->Shutdown();
      return outcome;
    }
    target_desc += " via emulated link (" + ToLinkSpec(s.link).Describe() + ")";
  }

  const auto channels = drivers::MakeChannels(s, addresses);
  if (!drivers::WaitForChannels(channels, drivers::ChannelTarget(addresses),
                                options_.connect_timeout, &error)) {
    outcome.status = RunOutcome::Status::kCouldNotRun;
    outcome.error = error;
    if (server) server->Shutdown();
    return outcome;
  }

  // Heap-allocated so that, should calls outlive every timeout, they can be leaked rather than
  // freed under a callback still running.
  const SteadyClock& clock = SteadyClock::Get();
  auto registry = std::make_unique<stats::RecorderRegistry>();
  auto dc = std::make_unique<drivers::DriverContext>(s, *registry, clock);
  auto slots = std::make_unique<std::vector<std::unique_ptr<drivers::Slot>>>();
  for (uint32_t c = 0; c < s.connections; ++c) {
    for (uint32_t k = 0; k < s.streams_per_connection; ++k) {
      auto slot = drivers::MakeSlot(*dc, channels[c],
                                    static_cast<int>(c * s.streams_per_connection + k), &error);
      if (slot == nullptr) {
        outcome.status = RunOutcome::Status::kBadInput;
        outcome.error = error;
        if (server) server->Shutdown();
        return outcome;
      }
      slots->push_back(std::move(slot));
    }
  }

  // Absolute count: a signal that arrived while the server or channels were starting counts too.
  auto signalled = [] { return StopSignalCount(); };

  // Phases. The warm-up snapshot is subtracted from the final one; until it is taken, the
  // baseline is the empty state before anything started (so a run without warm-up, or one
  // interrupted during warm-up, reports everything).
  stats::Snapshot baseline = registry->TakeSnapshot(clock.NowNs());
  const int64_t start_ns = clock.NowNs();
  const int64_t warmup_end_ns = start_ns + s.warmup_us * 1000;
  const int64_t end_ns = warmup_end_ns + s.duration_us * 1000;
  for (auto& slot : *slots) slot->Start();

  std::atomic<bool> stop_workers{false};
  std::vector<std::thread> workers;
  if (dc->open_loop()) {
    const uint32_t n = WorkerCount(s, slots->size());
    for (uint32_t w = 0; w < n; ++w) {
      std::vector<drivers::Slot*> owned;
      for (size_t i = w; i < slots->size(); i += n) owned.push_back((*slots)[i].get());
      auto sched = schedule::MakeSchedule(s.load, static_cast<int>(w), static_cast<int>(n),
                                          start_ns, end_ns, s.seed);
      workers.emplace_back(RunOpenLoopWorker, std::move(sched), std::move(owned), std::cref(clock),
                           std::cref(stop_workers));
    }
  }

  // The whole schedule (one worker's view of all of them), only to read the target rate for the
  // live state; the workers own theirs.
  const std::unique_ptr<schedule::Schedule> rate_schedule =
      dc->open_loop() ? schedule::MakeSchedule(s.load, 0, 1, start_ns, end_ns, s.seed) : nullptr;
  auto live_state = [&](const stats::Snapshot& since_last, int64_t now, bool final) {
    LiveState live;
    if (rate_schedule) {
      live.target_rate_per_s = rate_schedule->RateAtPerS(std::min(now, end_ns - 1));
    }
    live.active_streams = dc->active_calls();
    live.schedule_lag_s =
        static_cast<double>(since_last.Get(stats::Latency::kScheduleLag).MaxNs()) / 1e9;
    live.final = final;
    return live;
  };
  const bool show_progress = options_.show_progress && options_.progress_out != nullptr;

  int64_t measured_start_ns = start_ns;
  bool warm = s.warmup_us <= 0;
  // The generator's own CPU over the measured phase (two /proc reads per run, off the hot path).
  CpuSample cpu_begin = SampleCpu();
  stats::Snapshot last_second = baseline;
  // The live view's snapshots, allocated once and refilled every second (a long soak must not
  // churn the allocator with 2 x 252 KiB a second per run).
  stats::Snapshot snap, delta;
  int64_t next_progress_ns = start_ns + 1'000'000'000;
  const int64_t heap_trim_interval_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(options_.heap_trim_interval).count();
  bool interrupted = false;
  bool progress_printed = false;
  while (true) {
    std::this_thread::sleep_for(options_.poll_interval);
    const int64_t now = clock.NowNs();
    if (!warm && now >= warmup_end_ns) {
      baseline = registry->TakeSnapshot(now);
      measured_start_ns = now;
      cpu_begin = SampleCpu();
      warm = true;
    }
    if (signalled() > 0) {
      interrupted = true;
      break;
    }
    if (now >= end_ns) break;
    if ((show_progress || options_.on_snapshot) && now >= next_progress_ns) {
      registry->TakeSnapshotInto(now, &snap);
      delta = snap;  // copy-assignment reuses delta's storage
      delta.Subtract(last_second);
      if (options_.on_snapshot) options_.on_snapshot(s, snap, live_state(delta, now, false));
      next_progress_ns += 1'000'000'000;
      if (show_progress) {
        const double dt_s = std::max(1e-9, (now - last_second.taken_at_ns) / 1e9);
        const double msgs =
            static_cast<double>(delta.counters.messages_sent + delta.counters.messages_received);
        *options_.progress_out << "\r"
                               << report::FormatProgressLine(
                                      (now - start_ns) / 1e9, msgs / dt_s,
                                      delta.Get(stats::Latency::kMessage).ValueAtPercentileNs(99) /
                                          1000.0,
                                      ErrorCount(delta))
                               << std::flush;
        progress_printed = true;
      }
      last_second = snap;
    }
    ProcessHeapTrimmer().MaybeTrim(now, heap_trim_interval_ns);
  }
  if (progress_printed) *options_.progress_out << "\n";
  // The end of the measured phase: per-second rates are taken over [baseline, phase_end], so the
  // drain below (messages still arriving after the load stopped) does not inflate them.
  const stats::Snapshot phase_end = registry->TakeSnapshot(clock.NowNs());
  const int64_t measured_end_ns = phase_end.taken_at_ns;

  // Stop issuing, then drain what is in flight.
  stop_workers.store(true);
  for (auto& w : workers) w.join();
  dc->SetStopping();
  for (auto& slot : *slots) slot->Stop();
  const CpuSample cpu_end = SampleCpu();

  auto wait_idle = [&](std::chrono::milliseconds limit) {
    const auto give_up = Clock::now() + limit;
    while (dc->active_calls() > 0 && Clock::now() < give_up) {
      if (signalled() >= 2) return false;  // second signal: no more waiting
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return dc->active_calls() == 0;
  };
  if (!wait_idle(options_.drain_timeout)) {
    for (auto& slot : *slots) slot->CancelAll();
    wait_idle(std::chrono::milliseconds(2000));
  }
  stats::Snapshot final_snapshot = registry->TakeSnapshot(clock.NowNs());
  const int64_t still_active = dc->active_calls();
  outcome.dropped_ops = dc->dropped_ops();
  outcome.stop_now = signalled() >= 2;
  if (options_.on_snapshot) {
    stats::Snapshot since_last = final_snapshot;
    since_last.Subtract(last_second);
    options_.on_snapshot(s, final_snapshot,
                         live_state(since_last, measured_end_ns, /*final=*/true));
  }

  stats::Snapshot measured = final_snapshot;
  measured.Subtract(baseline);
  const double duration_s = std::max(0.0, (measured_end_ns - measured_start_ns) / 1e9);
  outcome.result = report::BuildRunResult(s, measured, duration_s);
  {
    // Totals and latencies include the drain (every reply is accounted for); rates do not.
    stats::Snapshot in_phase = phase_end;
    in_phase.Subtract(baseline);
    const report::RunResult rates = report::BuildRunResult(s, in_phase, duration_s);
    outcome.result.messages_sent_per_s = rates.messages_sent_per_s;
    outcome.result.messages_received_per_s = rates.messages_received_per_s;
    outcome.result.messages_per_s = rates.messages_per_s;
    outcome.result.bytes_sent_per_s = rates.bytes_sent_per_s;
    outcome.result.bytes_received_per_s = rates.bytes_received_per_s;
    outcome.result.calls_per_s = rates.calls_per_s;
  }
  outcome.result.service = ServiceName(s.target.service);
  outcome.result.target = target_desc;
  outcome.result.interrupted = interrupted;
  outcome.result.dropped_ops = outcome.dropped_ops;
  outcome.result.generator = AssessCpu(cpu_begin, cpu_end, UsableCores());
  outcome.result.generator.includes_server = server != nullptr;
  outcome.result.link = links.Result();
  outcome.result.outages =
      OutagesInMeasuredPhase(dc->outages().Outages(), measured_start_ns, measured_end_ns);
  gate::EvaluateExpectations(s, &outcome.result);

  if (options_.log_out != nullptr) {
    const report::GeneratorCpu& cpu = outcome.result.generator;
    if (cpu.saturated) {
      *options_.log_out << "warning: the generator is saturated ("
                        << report::FormatPercent(cpu.cpu_utilization) << " of " << cpu.cores
                        << " cores, busiest thread "
                        << report::FormatPercent(cpu.busiest_thread_utilization)
                        << "): the figures may be its own limit, not the target's"
                        << (cpu.includes_server ? " (the embedded server's CPU is included)" : "")
                        << "\n";
    }
    if (outcome.dropped_ops > 0) {
      *options_.log_out << "warning: " << outcome.dropped_ops
                        << " open-loop operations dropped (slot queue full; the target could not "
                           "keep up)\n";
    }
    if (still_active > 0) {
      *options_.log_out << "warning: " << still_active << " calls did not finish after cancel\n";
    }
  }
  if (still_active > 0) {
    // Callbacks may still reference these; leaking is safer than freeing under them.
    (void)slots.release();
    (void)dc.release();
    (void)registry.release();
  }
  slots.reset();
  links.Stop();
  if (server) server->Shutdown();
  return outcome;
}

ScenarioOutcome RunScenarioFile(const scenario::ScenarioFile& file, const RunOptions& options) {
  ScenarioOutcome out;
  out.result.scenario = file.name;
  out.result.source_path = file.path;
  out.result.started_at = NowIso8601();
  // Checked before anything starts: a variant cannot restart someone else's server.
  if (!CheckServerSettingsAgainstExternalTarget(file, &out.error)) {
    out.status = RunOutcome::Status::kBadInput;
    out.exit_code = gate::kExitBadInput;
    return out;
  }
  // Takes one finished run into the results; false when no further run may start.
  auto accept = [&out](RunOutcome& r, int repeat_index) {
    if (r.status != RunOutcome::Status::kCompleted) {
      if (out.status == RunOutcome::Status::kCompleted) {  // the first failure is the one told
        out.status = r.status;
        out.error = r.error;
        out.exit_code = r.status == RunOutcome::Status::kBadInput ? gate::kExitBadInput
                                                                  : gate::kExitCouldNotRun;
      }
      return false;
    }
    r.result.repeat_index = repeat_index;
    out.result.runs.push_back(std::move(r.result));
    const report::RunResult& added = out.result.runs.back();
    out.result.pass = out.result.pass && added.pass;
    if (added.interrupted) {
      out.result.interrupted = true;
      return false;  // a stop signal ends the whole invocation
    }
    return !r.stop_now;
  };
  if (file.concurrent && file.runs.size() > 1) {
    // Every run of a round at once; the rounds (repeats) one after another.
    std::vector<const scenario::Scenario*> round;
    for (const scenario::Scenario& run : file.runs) round.push_back(&run);
    bool go_on = true;
    for (uint32_t rep = 0; rep < std::max(1u, file.repeat) && go_on; ++rep) {
      std::vector<RunOutcome> outcomes = RunConcurrently(round, options);
      // Every outcome is kept (they ran together), even after one that says stop.
      for (RunOutcome& r : outcomes) go_on = accept(r, static_cast<int>(rep)) && go_on;
    }
  } else {
    RunController controller(options);
    // Repeats interleave the variants (A B C A B C ...) so drift does not favour one of them.
    for (const PlannedRun& planned : InterleavedOrder(file.runs.size(), file.repeat)) {
      RunOutcome r = controller.Run(file.runs[planned.run_index]);
      if (!accept(r, planned.repeat_index)) break;
    }
  }
  if (out.status == RunOutcome::Status::kCompleted) {
    out.exit_code =
        out.result.pass && !out.result.runs.empty() ? gate::kExitPass : gate::kExitChecksFailed;
  }
  out.result.concurrent = file.concurrent && file.runs.size() > 1;
  if (!out.result.concurrent && report::WantsComparison(out.result.runs)) {
    out.result.comparison = report::BuildComparison(out.result.runs);
  }
  return out;
}

}  // namespace streambench::runner
