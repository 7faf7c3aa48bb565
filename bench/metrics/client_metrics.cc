#include "bench/metrics/client_metrics.h"

#include <prometheus/exposer.h>
#include <prometheus/gateway.h>
#include <prometheus/metric_family.h>

#include <exception>
#include <mutex>
#include <utility>

#include "bench/metrics/push_gateway_url.h"
#include "bench/metrics/snapshot_collector.h"

namespace streambench::metrics {
namespace {

// Pushes exactly one scenario's series (the Gateway pushes every collectable it holds).
class ScenarioView : public prometheus::Collectable {
 public:
  ScenarioView(const SnapshotCollector& collector, std::string scenario)
      : collector_(collector), scenario_(std::move(scenario)) {}
  std::vector<prometheus::MetricFamily> Collect() const override {
    return collector_.CollectScenario(scenario_);
  }

 private:
  const SnapshotCollector& collector_;
  const std::string scenario_;
};

bool IsPlainJobName(const std::string& job) {
  if (job.empty()) return false;
  for (char c : job) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

struct ClientMetrics::Impl {
  std::shared_ptr<SnapshotCollector> collector = std::make_shared<SnapshotCollector>();
  std::unique_ptr<prometheus::Exposer> exposer;  // null when not serving
  int port = 0;
  std::optional<PushGatewayAddress> gateway;  // nullopt when not pushing
  std::string job;
  std::string shard;   // "" = unsharded
  std::mutex push_mu;  // one push at a time (end of run and Ctrl-C may race)
};

ClientMetrics::ClientMetrics(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ClientMetrics::~ClientMetrics() {
  // Stop serving before the collector goes away (the exposer only holds a weak_ptr, but its
  // threads must not be mid-scrape while members are destroyed).
  impl_->exposer.reset();
}

std::unique_ptr<ClientMetrics> ClientMetrics::Create(const MetricsOptions& options,
                                                     std::string* error) {
  auto impl = std::make_unique<Impl>();
  impl->job = options.job;
  impl->shard = options.shard;
  impl->collector->SetShardLabel(options.shard);
  if (!options.push_gateway_url.empty()) {
    if (!IsPlainJobName(options.job)) {
      if (error) *error = "push job name '" + options.job + "' must match [A-Za-z0-9._-]+";
      return nullptr;
    }
    impl->gateway = ParsePushGatewayUrl(options.push_gateway_url, error);
    if (!impl->gateway) return nullptr;
  }
  if (options.port.has_value()) {
    const int port = *options.port;
    if (port < 0 || port > 65535) {
      if (error) *error = "metrics port " + std::to_string(port) + " out of range 0..65535";
      return nullptr;
    }
    // civetweb wants IPv6 literals bracketed.
    std::string host = options.host;
    if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
    const std::string address = host + ":" + std::to_string(port);
    try {
      // One serving thread: scrapes are rare (once a second at most) and cores are the
      // generator's.
      impl->exposer = std::make_unique<prometheus::Exposer>(address, 1);
    } catch (const std::exception& e) {
      if (error) {
        *error = "cannot serve /metrics on " + address + ": " + e.what() +
                 " (port taken or address not local)";
      }
      return nullptr;
    }
    const std::vector<int> ports = impl->exposer->GetListeningPorts();
    if (ports.empty()) {
      if (error) *error = "cannot serve /metrics on " + address + ": no listening port";
      return nullptr;
    }
    impl->port = ports.front();
    impl->exposer->RegisterCollectable(impl->collector);
  }
  return std::unique_ptr<ClientMetrics>(new ClientMetrics(std::move(impl)));
}

int ClientMetrics::port() const { return impl_->port; }

void ClientMetrics::Update(const std::string& scenario, const std::string& variant,
                           const std::string& mode, const stats::Snapshot& cumulative,
                           const LiveGauges& gauges,
                           const std::vector<prometheus::ClientMetric::Label>& method_labels) {
  impl_->collector->Update(scenario, variant, mode, cumulative, gauges, method_labels);
}

bool ClientMetrics::Push(std::string* error) {
  if (!impl_->gateway) return true;
  std::lock_guard<std::mutex> lock(impl_->push_mu);
  for (const std::string& scenario : impl_->collector->Scenarios()) {
    auto view = std::make_shared<ScenarioView>(*impl_->collector, scenario);
    int status = 0;
    try {
      // The grouping key goes into the job path segment, encoded so any scenario name is a valid
      // URL path (prometheus::Gateway appends its labels unencoded).
      prometheus::Gateway gateway(
          impl_->gateway->scheme_host, impl_->gateway->port,
          impl_->job + GroupingPathSegment("scenario", scenario) +
              (impl_->shard.empty() ? std::string() : GroupingPathSegment("shard", impl_->shard)));
      gateway.RegisterCollectable(view);
      // prometheus-cpp's Push() is an HTTP POST: the Pushgateway replaces the families with the
      // same names within the group, i.e. everything this generator exports for the scenario.
      status = gateway.Push();
    } catch (const std::exception& e) {
      if (error) *error = std::string("push to Pushgateway failed: ") + e.what();
      return false;
    }
    if (status < 200 || status >= 300) {
      if (error) {
        *error = "push to Pushgateway " + impl_->gateway->scheme_host + ":" + impl_->gateway->port +
                 " failed: " +
                 (status < 0 ? "transport error (curl code " + std::to_string(-status) + ")"
                             : "HTTP " + std::to_string(status));
      }
      return false;
    }
  }
  return true;
}

}  // namespace streambench::metrics
