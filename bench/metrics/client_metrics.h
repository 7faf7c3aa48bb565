// ClientMetrics: the load generator's Prometheus export (streambench_client_*). The runner hands
// it the merged CUMULATIVE stats::Snapshot of the current run about once a second; ClientMetrics
// renders that snapshot into Prometheus counters, gauges and histograms, serves them on /metrics
// (optional) and pushes them to a Pushgateway (optional) so short CI runs are not lost between
// scrapes. Nothing here is on the per-message hot path: latency histograms are rendered from the
// merged log-linear histograms, never observed value by value.
// Thread-safety: every method is thread-safe (Update, Push and the exporter's scrapes may run
// concurrently).
#pragma once

#include <prometheus/client_metric.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/stats/recorder.h"

namespace streambench::metrics {

struct MetricsOptions {
  // Serve /metrics on host:port while running; 0 = an ephemeral port; nullopt = don't serve.
  std::optional<int> port;
  // Address the /metrics endpoint binds to (loopback by default; "0.0.0.0" to widen).
  std::string host = "127.0.0.1";
  // Pushgateway base URL, e.g. "http://127.0.0.1:9091" (no path); empty = no push.
  std::string push_gateway_url;
  // Pushgateway job name (the `job` grouping key).
  std::string job = "streambench";
  // A sharded run's index (`run --shard I/N`): a `shard` label on every series and a `shard`
  // grouping key on the push, so the shards' pushes do not replace each other. Empty = none.
  std::string shard;
};

// Values that are not in a Snapshot: what the runner knows about the current moment.
struct LiveGauges {
  double target_rate_per_s = 0;  // scheduled rate (open loop); 0 for closed loop
  int64_t active_streams = 0;    // calls/streams in flight right now
  double schedule_lag_s = 0;     // how late the most recent sends started (actual - intended)
};

class ClientMetrics {
 public:
  // Starts the /metrics endpoint if options.port is set. Returns nullptr and sets *error when the
  // port cannot be bound (taken, bad host) or the push gateway URL is malformed.
  static std::unique_ptr<ClientMetrics> Create(const MetricsOptions& options, std::string* error);
  ~ClientMetrics();
  ClientMetrics(const ClientMetrics&) = delete;
  ClientMetrics& operator=(const ClientMetrics&) = delete;

  // The actual /metrics port (resolved when options.port was 0); 0 when not serving.
  int port() const;

  // Replaces the exported state of run (scenario, variant, mode) with `cumulative` (everything
  // recorded in that run so far) and `gauges`. Other runs' series (earlier variants) stay
  // exported with their last values. Cost: one pass over the non-empty histogram buckets.
  // `method_labels`: see SnapshotCollector::Update (`service`, `method` of a named method).
  void Update(const std::string& scenario, const std::string& variant, const std::string& mode,
              const stats::Snapshot& cumulative, const LiveGauges& gauges,
              const std::vector<prometheus::ClientMetric::Label>& method_labels = {});

  // Pushes the current state to the Pushgateway, one group per scenario (grouping key job +
  // scenario), replacing what that group held. True without doing anything when no gateway is
  // configured; false with *error (HTTP status or transport error) when the push failed.
  bool Push(std::string* error);

 private:
  struct Impl;
  explicit ClientMetrics(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace streambench::metrics
