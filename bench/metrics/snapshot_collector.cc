#include "bench/metrics/snapshot_collector.h"

#include <set>
#include <utility>

#include "bench/metrics/histogram_export.h"
#include "common/status_names.h"

namespace streambench::metrics {
namespace {

using Label = prometheus::ClientMetric::Label;

prometheus::MetricFamily Family(const char* name, const char* help, prometheus::MetricType type) {
  prometheus::MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = type;
  return f;
}

std::vector<Label> RunLabels(const std::string& scenario, const std::string& variant,
                             const std::string& mode) {
  return {Label{"scenario", scenario}, Label{"variant", variant}, Label{"mode", mode}};
}

prometheus::ClientMetric Counter(std::vector<Label> labels, double value) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  m.counter.value = value;
  return m;
}

prometheus::ClientMetric Gauge(std::vector<Label> labels, double value) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = value;
  return m;
}

std::vector<Label> With(std::vector<Label> labels, const char* name, const std::string& value) {
  labels.push_back(Label{name, value});
  return labels;
}

const char* LatencyHelp(stats::Latency kind) {
  switch (kind) {
    case stats::Latency::kMessage:
      return "Per-message latency in seconds, from the intended send time in open loop (bidi: "
             "request to echo; server_stream: to each message; client_stream: write completion; "
             "unary: the call).";
    case stats::Latency::kCall:
      return "Per-call latency in seconds, from the intended start to the final status.";
    case stats::Latency::kFirstMessage:
      return "Time from the intended call start to the first response message, in seconds.";
    case stats::Latency::kFinalResponse:
      return "client_stream: time from half-close to the final response, in seconds.";
    case stats::Latency::kWriteBlocked:
      return "Time from starting a write to its completion (flow-control backpressure), seconds.";
    case stats::Latency::kScheduleLag:
      return "How late sends started relative to their intended time (open loop), in seconds.";
    case stats::Latency::kMessageGap:
      return "Time between consecutive received messages of one stream (server_stream, bidi "
             "independent, subscriptions, downloads), from the first message on, in seconds.";
    case stats::Latency::kFirstWriteToResponse:
      return "client_stream: time from the first write's intended send to the final response, in "
             "seconds.";
    case stats::Latency::kCount:
      break;
  }
  return "";
}

}  // namespace

const char* LatencyMetricName(stats::Latency kind) {
  switch (kind) {
    case stats::Latency::kMessage:
      return names::kMessageLatency;
    case stats::Latency::kCall:
      return names::kCallLatency;
    case stats::Latency::kFirstMessage:
      return names::kFirstMessageLatency;
    case stats::Latency::kFinalResponse:
      return names::kFinalResponseLatency;
    case stats::Latency::kWriteBlocked:
      return names::kWriteBlocked;
    case stats::Latency::kScheduleLag:
      return names::kScheduleLag;
    case stats::Latency::kMessageGap:
      return names::kMessageGap;
    case stats::Latency::kFirstWriteToResponse:
      return names::kFirstWriteToResponseLatency;
    case stats::Latency::kCount:
      break;
  }
  return "";
}

const char* StatusCodeLabel(int code) { return StatusCodeName(StatusCodeOrUnknown(code)); }

// Histograms of counts (send-queue depth, messages per stream) hold counts, not nanoseconds:
// rendered through the latency renderer with bounds scaled by 1e-9, then scaled back, so `le` and
// the sum are in messages. `zeros`: observations of 0, which the log-linear histogram cannot hold,
// added to every bucket (the first bound must then be 0).
static prometheus::ClientMetric::Histogram RenderCounts(const stats::LogLinearHistogram& counts,
                                                        const std::vector<double>& bounds_scaled,
                                                        uint64_t zeros) {
  prometheus::ClientMetric::Histogram h = RenderHistogram(counts, bounds_scaled);
  for (auto& bucket : h.bucket) {
    bucket.upper_bound *= 1e9;  // +Inf stays +Inf
    bucket.cumulative_count += zeros;
  }
  h.sample_sum *= 1e9;
  h.sample_count += zeros;
  return h;
}

static prometheus::ClientMetric::Histogram RenderQueueDepth(
    const stats::LogLinearHistogram& depth) {
  static const std::vector<double> kBoundsScaled = [] {
    std::vector<double> bounds;
    for (double d = 1; d <= 65536; d *= 2) bounds.push_back(d * 1e-9);
    return bounds;
  }();
  return RenderCounts(depth, kBoundsScaled, 0);
}

// Upper bounds 0, 1, 2, 5, 10, ... 1e6 messages: one message, a handful, and long streams apart.
static prometheus::ClientMetric::Histogram RenderMessagesPerStream(
    const stats::LogLinearHistogram& messages, uint64_t streams_without_messages) {
  static const std::vector<double> kBoundsScaled = [] {
    std::vector<double> bounds{0};
    for (double decade = 1; decade <= 1e6; decade *= 10) {
      for (double step : {1.0, 2.0, 5.0}) {
        if (decade * step <= 1e6) bounds.push_back(decade * step * 1e-9);
      }
    }
    return bounds;
  }();
  return RenderCounts(messages, kBoundsScaled, streams_without_messages);
}

void SnapshotCollector::SetShardLabel(const std::string& shard) {
  std::lock_guard<std::mutex> lock(mu_);
  shard_ = shard;
}

void SnapshotCollector::Update(const std::string& scenario, const std::string& variant,
                               const std::string& mode, const stats::Snapshot& cumulative,
                               const LiveGauges& gauges,
                               const std::vector<prometheus::ClientMetric::Label>& method_labels) {
  // Render outside the lock: it walks every histogram bucket, the copy under the lock is small.
  RunState state;
  state.counters = cumulative.counters;
  state.gauges = gauges;
  state.method_labels = method_labels;
  state.latency.reserve(stats::kLatencyKindCount);
  for (stats::Latency kind : stats::kLatencyKinds) {
    state.latency.push_back(RenderHistogram(cumulative.Get(kind), LatencyBucketBoundsSeconds()));
  }
  state.send_queue_depth = RenderQueueDepth(cumulative.send_queue_depth);
  state.messages_per_stream = RenderMessagesPerStream(cumulative.messages_per_stream,
                                                      cumulative.counters.streams_without_messages);
  std::lock_guard<std::mutex> lock(mu_);
  runs_[RunKey{scenario, variant, mode}] = std::move(state);
}

std::vector<prometheus::MetricFamily> SnapshotCollector::Collect() const {
  return CollectIf(nullptr);
}

std::vector<prometheus::MetricFamily> SnapshotCollector::CollectScenario(
    const std::string& scenario) const {
  return CollectIf(&scenario);
}

std::vector<std::string> SnapshotCollector::Scenarios() const {
  std::set<std::string> scenarios;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, state] : runs_) scenarios.insert(std::get<0>(key));
  return {scenarios.begin(), scenarios.end()};
}

std::vector<prometheus::MetricFamily> SnapshotCollector::CollectIf(
    const std::string* scenario) const {
  using prometheus::MetricType;
  auto messages =
      Family(names::kMessagesTotal, "Stream/call messages by direction (sent, received).",
             MetricType::Counter);
  auto bytes = Family(names::kPayloadBytesTotal, "Payload bytes by direction (sent, received).",
                      MetricType::Counter);
  auto started =
      Family(names::kCallsStartedTotal, "Calls (RPCs or streams) started.", MetricType::Counter);
  auto calls =
      Family(names::kCallsTotal, "Finished calls by final gRPC status code.", MetricType::Counter);
  auto integrity =
      Family(names::kIntegrityErrorsTotal,
             "Stream integrity errors by kind (lost, duplicated, reordered, corrupted).",
             MetricType::Counter);
  std::vector<prometheus::MetricFamily> latency;
  for (stats::Latency kind : stats::kLatencyKinds) {
    latency.push_back(Family(LatencyMetricName(kind), LatencyHelp(kind), MetricType::Histogram));
  }
  auto active = Family(names::kActiveStreams, "Calls or streams in flight.", MetricType::Gauge);
  auto target = Family(names::kTargetRate,
                       "Scheduled rate (messages or calls per second; open loop; 0 closed loop).",
                       MetricType::Gauge);
  auto lag = Family(names::kCurrentScheduleLag,
                    "Latest schedule lag (actual minus intended send time), in seconds.",
                    MetricType::Gauge);
  auto depth = Family(names::kSendQueueDepth,
                      "Operations waiting in a stream's send queue at each enqueue (the new one "
                      "included).",
                      MetricType::Histogram);
  auto messages_per_stream = Family(names::kMessagesPerStream,
                                    "Messages each finished receiving stream got (server_stream, "
                                    "bidi independent, subscriptions, downloads).",
                                    MetricType::Histogram);
  auto server_dropped =
      Family(names::kServerDroppedTotal,
             "Responses the server's app-level flow control dropped and reported in the stream.",
             MetricType::Counter);

  auto check_failures =
      Family(names::kResponseCheckFailuresTotal,
             "Responses of a named method that failed the scenario's response.expect.fields.",
             MetricType::Counter);
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [key, run] : runs_) {
      const auto& [run_scenario, variant, mode] = key;
      if (scenario != nullptr && run_scenario != *scenario) continue;
      auto labels = RunLabels(run_scenario, variant, mode);
      if (!shard_.empty()) labels.push_back({"shard", shard_});
      labels.insert(labels.end(), run.method_labels.begin(), run.method_labels.end());
      const stats::Counters& c = run.counters;

      messages.metric.push_back(
          Counter(With(labels, "direction", "sent"), static_cast<double>(c.messages_sent)));
      messages.metric.push_back(
          Counter(With(labels, "direction", "received"), static_cast<double>(c.messages_received)));
      bytes.metric.push_back(
          Counter(With(labels, "direction", "sent"), static_cast<double>(c.bytes_sent)));
      bytes.metric.push_back(
          Counter(With(labels, "direction", "received"), static_cast<double>(c.bytes_received)));
      started.metric.push_back(Counter(labels, static_cast<double>(c.calls_started)));
      // Every code always, so a code's series exists (at 0) before its first call: rate() and
      // increase() then count that first call instead of treating it as the series' start.
      for (int code = 0; code < stats::kStatusCodeCount; ++code) {
        calls.metric.push_back(Counter(With(labels, "code", StatusCodeLabel(code)),
                                       static_cast<double>(c.calls_by_code[code])));
      }
      const std::pair<const char*, uint64_t> kinds[] = {{"lost", c.integrity.lost},
                                                        {"duplicated", c.integrity.duplicated},
                                                        {"reordered", c.integrity.reordered},
                                                        {"corrupted", c.integrity.corrupted}};
      for (const auto& [kind, count] : kinds) {
        integrity.metric.push_back(Counter(With(labels, "kind", kind), static_cast<double>(count)));
      }
      for (size_t k = 0; k < latency.size(); ++k) {
        prometheus::ClientMetric m;
        m.label = labels;
        m.histogram = run.latency[k];
        latency[k].metric.push_back(std::move(m));
      }
      active.metric.push_back(Gauge(labels, static_cast<double>(run.gauges.active_streams)));
      target.metric.push_back(Gauge(labels, run.gauges.target_rate_per_s));
      lag.metric.push_back(Gauge(labels, run.gauges.schedule_lag_s));
      prometheus::ClientMetric depth_metric;
      depth_metric.label = labels;
      depth_metric.histogram = run.send_queue_depth;
      depth.metric.push_back(std::move(depth_metric));
      // Only runs whose streams receive on their own have the series.
      if (run.messages_per_stream.sample_count > 0) {
        prometheus::ClientMetric per_stream_metric;
        per_stream_metric.label = labels;
        per_stream_metric.histogram = run.messages_per_stream;
        messages_per_stream.metric.push_back(std::move(per_stream_metric));
      }
      server_dropped.metric.push_back(Counter(labels, static_cast<double>(c.server_dropped)));
      if (!run.method_labels.empty()) {
        check_failures.metric.push_back(
            Counter(labels, static_cast<double>(c.response_check_failures)));
      }
    }
  }

  std::vector<prometheus::MetricFamily> out;
  out.reserve(11 + latency.size());
  auto add = [&out](prometheus::MetricFamily& f) {
    if (!f.metric.empty()) out.push_back(std::move(f));  // no HELP/TYPE lines without series
  };
  for (auto* f : {&messages, &bytes, &started, &calls, &integrity}) add(*f);
  for (auto& f : latency) add(f);
  for (auto* f :
       {&active, &target, &lag, &depth, &messages_per_stream, &server_dropped, &check_failures})
    add(*f);
  return out;
}

}  // namespace streambench::metrics
