#include "bench/report/run_result_builder.h"

#include <string>

namespace streambench::report {
namespace {

// The mean scheduled rate of an open-loop run over its ramp stages (each stage moves linearly
// from the previous rate to its target, so its mean is the midpoint).
double MeanRampRatePerS(const scenario::LoadSpec& load) {
  double previous_rate_per_s = load.start_rate_per_s;
  double operations = 0;  // rate * seconds
  double total_s = 0;
  for (const scenario::RampStage& stage : load.stages) {
    const double stage_s = static_cast<double>(stage.duration_us) / 1e6;
    operations += (previous_rate_per_s + stage.target_rate_per_s) / 2 * stage_s;
    total_s += stage_s;
    previous_rate_per_s = stage.target_rate_per_s;
  }
  return total_s > 0 ? operations / total_s : 0;
}

double TargetRatePerS(const scenario::LoadSpec& load) {
  switch (load.model) {
    case scenario::LoadModel::kClosed:
      return 0;
    case scenario::LoadModel::kConstant:
    case scenario::LoadModel::kPoisson:
      return load.rate_per_s;
    case scenario::LoadModel::kRamp:
      return MeanRampRatePerS(load);
    case scenario::LoadModel::kSearch:  // its steps run as constant loads
      return load.start_rate_per_s;
  }
  return 0;
}

std::string DescribeTarget(const scenario::TargetSpec& target) {
  if (target.addresses.empty()) return "embedded";
  std::string out;
  for (const std::string& address : target.addresses) {
    if (!out.empty()) out += ",";
    out += address;
  }
  return out;
}

}  // namespace

RunResult BuildRunResult(const scenario::Scenario& scenario, const stats::Snapshot& measured,
                         double duration_s, const stats::Counters* rate_counts) {
  RunResult run;
  run.variant = scenario.variant;
  run.mode = scenario::ModeName(scenario.mode);
  run.service = scenario::ServiceName(scenario);
  run.engine = scenario::EngineName(scenario.engine);
  run.target = DescribeTarget(scenario.target);
  run.duration_s = duration_s;

  const stats::Counters& counters = measured.counters;
  run.messages_sent = counters.messages_sent;
  run.messages_received = counters.messages_received;
  run.bytes_sent = counters.bytes_sent;
  run.bytes_received = counters.bytes_received;
  run.calls_started = counters.calls_started;
  run.calls_finished = counters.CallsFinished();
  for (int code = 0; code < stats::kStatusCodeCount; ++code) {
    if (counters.calls_by_code[code] != 0) {
      run.calls_by_code[StatusCodeName(code)] = counters.calls_by_code[code];
    }
  }

  // A zero-length phase has no meaningful rate; report 0 rather than inf/NaN (JSON has neither).
  const stats::Counters& rated = rate_counts != nullptr ? *rate_counts : counters;
  if (duration_s > 0) {
    run.messages_sent_per_s = static_cast<double>(rated.messages_sent) / duration_s;
    run.messages_received_per_s = static_cast<double>(rated.messages_received) / duration_s;
    run.messages_per_s = run.messages_sent_per_s + run.messages_received_per_s;
    run.bytes_sent_per_s = static_cast<double>(rated.bytes_sent) / duration_s;
    run.bytes_received_per_s = static_cast<double>(rated.bytes_received) / duration_s;
    run.calls_per_s = static_cast<double>(rated.CallsFinished()) / duration_s;
  }
  run.target_rate_per_s = TargetRatePerS(scenario.load);

  for (stats::Latency kind : stats::kLatencyKinds) {
    const stats::LogLinearHistogram& histogram = measured.Get(kind);
    if (histogram.Count() == 0) continue;
    const std::string name = stats::LatencyName(kind);
    run.latency_us[name] = Summarize(histogram);
    run.latency_histograms[name] = stats::Compact(histogram);
  }
  run.integrity = counters.integrity;
  run.transfers_verified = counters.transfers_verified;
  run.transfers_failed = counters.transfers_failed;
  run.server_dropped_messages = counters.server_dropped;
  run.response_check_failures = counters.response_check_failures;
  run.send_queue_depth = SummarizeQueueDepth(measured.send_queue_depth);
  if (measured.send_queue_depth.Count() > 0) {
    run.count_histograms[kSendQueueDepthHistogram] = stats::Compact(measured.send_queue_depth);
  }
  SummarizeMessagesPerStream(measured.messages_per_stream, &run.messages_per_stream);
  run.messages_per_stream.streams_without_messages = counters.streams_without_messages;
  if (measured.messages_per_stream.Count() > 0) {
    run.count_histograms[kMessagesPerStreamHistogram] =
        stats::Compact(measured.messages_per_stream);
  }
  return run;
}

}  // namespace streambench::report
