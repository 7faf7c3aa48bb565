// SnapshotCollector: a prometheus::Collectable holding the latest cumulative state of each run
// (scenario, variant, mode) and rendering it as the streambench_client_* families on every
// scrape or push. It is fed merged stats::Snapshots, never individual measurements.
// Thread-safety: thread-safe; Update and Collect may run concurrently (one mutex, held only to
// copy pre-rendered values).
#pragma once

#include <prometheus/client_metric.h>
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "bench/metrics/client_metrics.h"
#include "bench/stats/recorder.h"

namespace streambench::metrics {

// Exported metric names (Prometheus conventions: base units, `_total` counters).
namespace names {
inline constexpr char kMessagesTotal[] = "streambench_client_messages_total";
inline constexpr char kPayloadBytesTotal[] = "streambench_client_payload_bytes_total";
inline constexpr char kCallsStartedTotal[] = "streambench_client_calls_started_total";
inline constexpr char kCallsTotal[] = "streambench_client_calls_total";
inline constexpr char kIntegrityErrorsTotal[] = "streambench_client_integrity_errors_total";
inline constexpr char kMessageLatency[] = "streambench_client_message_latency_seconds";
inline constexpr char kCallLatency[] = "streambench_client_call_latency_seconds";
inline constexpr char kFirstMessageLatency[] = "streambench_client_first_message_latency_seconds";
inline constexpr char kFinalResponseLatency[] = "streambench_client_final_response_latency_seconds";
inline constexpr char kWriteBlocked[] = "streambench_client_write_blocked_seconds";
inline constexpr char kScheduleLag[] = "streambench_client_schedule_lag_seconds";  // histogram
// Streams the server sends on its own: time between consecutive messages of one stream.
inline constexpr char kMessageGap[] = "streambench_client_message_gap_seconds";
inline constexpr char kFirstWriteToResponseLatency[] =
    "streambench_client_first_write_to_response_latency_seconds";
inline constexpr char kActiveStreams[] = "streambench_client_active_streams";
inline constexpr char kTargetRate[] = "streambench_client_target_rate_per_second";
// The gauge of the latest lag; distinct from the histogram's name, whose _bucket/_sum/_count
// series would otherwise collide in PromQL.
inline constexpr char kCurrentScheduleLag[] = "streambench_client_current_schedule_lag_seconds";
// Backpressure: a stream's send-queue depth at each enqueue (histogram of counts), and responses
// the server's app-level flow control dropped and reported (counter).
inline constexpr char kSendQueueDepth[] = "streambench_client_send_queue_depth_messages";
inline constexpr char kServerDroppedTotal[] = "streambench_client_server_dropped_messages_total";
// Messages each finished receiving stream got (histogram of counts; streams that got none are
// the `le="0"` bucket).
inline constexpr char kMessagesPerStream[] = "streambench_client_messages_per_stream";
// A named method's responses that failed the scenario's `response.expect.fields`.
inline constexpr char kResponseCheckFailuresTotal[] =
    "streambench_client_response_check_failures_total";
}  // namespace names

// Histogram metric name for a latency kind (names::kMessageLatency for kMessage, ...).
const char* LatencyMetricName(stats::Latency kind);

// gRPC status code name as used in the `code` label: "OK", "CANCELLED", ... "UNAUTHENTICATED";
// a code outside 0..16 is labelled "UNKNOWN", as gRPC reads it.
const char* StatusCodeLabel(int code);

class SnapshotCollector : public prometheus::Collectable {
 public:
  // `method_labels`: added to the run's labels; `service` and `method` for a run that drives a
  // named method of any service (the built-in services' series keep their labels).
  void Update(const std::string& scenario, const std::string& variant, const std::string& mode,
              const stats::Snapshot& cumulative, const LiveGauges& gauges,
              const std::vector<prometheus::ClientMetric::Label>& method_labels = {});

  // A sharded run (`run --shard I/N`): every series also carries shard="I", so the dashboards
  // can sum over the shards' processes. Empty = no such label (one process).
  void SetShardLabel(const std::string& shard);

  // Every run's series.
  std::vector<prometheus::MetricFamily> Collect() const override;
  // Only the runs of `scenario` (what one Pushgateway group holds).
  std::vector<prometheus::MetricFamily> CollectScenario(const std::string& scenario) const;
  // The scenarios that have been updated, sorted.
  std::vector<std::string> Scenarios() const;

 private:
  using RunKey = std::tuple<std::string, std::string, std::string>;  // scenario, variant, mode
  struct RunState {
    stats::Counters counters;
    LiveGauges gauges;
    std::vector<prometheus::ClientMetric::Histogram> latency;  // indexed by stats::Latency
    prometheus::ClientMetric::Histogram send_queue_depth;      // `le` in messages
    prometheus::ClientMetric::Histogram messages_per_stream;   // `le` in messages
    std::vector<prometheus::ClientMetric::Label> method_labels;
  };
  std::vector<prometheus::MetricFamily> CollectIf(const std::string* scenario) const;

  mutable std::mutex mu_;
  std::string shard_;                // guarded by mu_
  std::map<RunKey, RunState> runs_;  // guarded by mu_
};

}  // namespace streambench::metrics
