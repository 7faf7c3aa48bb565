// The dashboards against a real Prometheus: Debian's `prometheus` and `prometheus-pushgateway`
// on ephemeral loopback ports scrape a live ClientMetrics exporter (fed from a real
// RecorderRegistry while real gRPC traffic runs) and an embedded ReferenceServer's /metrics.
// Then every PromQL expression of every dashboard panel is evaluated through /api/v1/query with
// the template variables resolved the way Grafana would (their label_values queries asked of the
// same Prometheus), and each must return data. Also: Prometheus's p99 agrees with the run's own
// p99 to within a Prometheus bucket, and a pushed run reaches the Pushgateway and Prometheus.
// Bounded: traffic ~10 s, whole test well under 60 s; loopback only.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "bench/common/clock.h"
#include "bench/metrics/client_metrics.h"
#include "bench/metrics/histogram_export.h"
#include "bench/stats/recorder.h"
#include "server/reference_server.h"
#include "tests/bench/metrics/child_process.h"
#include "tests/bench/metrics/loopback_http.h"
#include "tests/bench/metrics/prometheus_text.h"
#include "tests/dashboards/dashboard_queries.h"
#include "tests/dashboards/loopback_traffic.h"

namespace streambench::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr char kPrometheus[] = "/usr/bin/prometheus";
constexpr char kPushgateway[] = "/usr/bin/prometheus-pushgateway";
constexpr char kScenario[] = "dashboards-it";
constexpr char kVariant[] = "window-default";
constexpr char kMode[] = "bidi";
constexpr char kPushJob[] = "streambench";
// Grafana's $__rate_interval is at least 4 scrape intervals; 6 s of 1 s scrapes leaves room for
// scrapes delayed on a busy 2-core machine.
constexpr char kRateInterval[] = "6s";
constexpr int kTrafficMs = 10'000;

double UnixNowS() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// GET /api/v1/query (instant) at unix time `at_s`; returns data.result or sets *error.
json Query(int port, const std::string& promql, double at_s, std::string* error) {
  std::ostringstream path;
  path.precision(3);
  path << std::fixed << "/api/v1/query?query=" << UrlEncode(promql) << "&time=" << at_s;
  const HttpResponse r = HttpGet(port, path.str(), 10'000);
  if (r.status != 200) {
    *error = "HTTP " + std::to_string(r.status) + " " + r.error + " " + r.body;
    return json();
  }
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || body.value("status", "") != "success") {
    *error = "bad response: " + r.body;
    return json();
  }
  if (body["data"].value("resultType", "") != "vector") {
    *error = "not a vector: " + r.body;
    return json();
  }
  return body["data"]["result"];
}

// The values of a vector result (NaN kept).
std::vector<double> Values(const json& result) {
  std::vector<double> out;
  for (const auto& s : result) out.push_back(std::stod(s["value"][1].get<std::string>()));
  return out;
}

// /api/v1/series?match[]=selector&start&end -> distinct values of `label` (label_values()).
std::vector<std::string> LabelValues(int port, const std::string& selector,
                                     const std::string& label, double start_s, double end_s,
                                     std::string* error) {
  std::ostringstream path;
  path << std::fixed << "/api/v1/series?match[]=" << UrlEncode(selector) << "&start=" << start_s
       << "&end=" << end_s;
  const HttpResponse r = HttpGet(port, path.str(), 10'000);
  json body = json::parse(r.body, nullptr, false);
  if (r.status != 200 || body.is_discarded() || body.value("status", "") != "success") {
    *error = "series " + selector + ": HTTP " + std::to_string(r.status) + " " + r.body;
    return {};
  }
  std::set<std::string> values;
  for (const auto& series : body["data"]) {
    if (series.contains(label)) values.insert(series[label].get<std::string>());
  }
  return {values.begin(), values.end()};
}

class PrometheusIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* binary : {kPrometheus, kPushgateway}) {
      if (!IsExecutable(binary)) {
        GTEST_SKIP() << binary << " is not installed (Debian packages prometheus and "
                     << "prometheus-pushgateway; the project's setup installs them)";
      }
    }
    ASSERT_FALSE(dir_.path().empty());
  }

  TempDir dir_;
};

TEST_F(PrometheusIntegrationTest, EveryDashboardQueryReturnsDataAndP99Agrees) {
  const auto test_start = Clock::now();
  std::string error;

  // The dashboards first: nothing to run if they do not even load.
  const std::vector<Dashboard> dashboards = LoadDashboards(STREAMBENCH_DASHBOARDS_DIR, &error);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_EQ(dashboards.size(), 3u);

  // Exporters: the reference server's /metrics and the generator-side ClientMetrics.
  ServerOptions server_options;
  server_options.metrics_port = 0;
  auto server = ReferenceServer::Start(server_options, &error);
  ASSERT_NE(server, nullptr) << error;
  ASSERT_GT(server->metrics_port(), 0);

  // Pushgateway and Prometheus on free loopback ports.
  const int push_port = PickFreeLoopbackPort();
  ChildProcess pushgateway;
  ASSERT_TRUE(pushgateway.Start(
      {kPushgateway, "--web.listen-address=127.0.0.1:" + std::to_string(push_port)},
      dir_.path() + "/pushgateway.log", &error))
      << error;

  metrics::MetricsOptions metrics_options;
  metrics_options.port = 0;
  metrics_options.push_gateway_url = "http://127.0.0.1:" + std::to_string(push_port);
  metrics_options.job = kPushJob;
  auto client_metrics = metrics::ClientMetrics::Create(metrics_options, &error);
  ASSERT_NE(client_metrics, nullptr) << error;

  const int prom_port = PickFreeLoopbackPort();
  const std::string config_path = dir_.path() + "/prometheus.yml";
  {
    std::ofstream config(config_path);
    config << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n"
           << "scrape_configs:\n"
           << "  - job_name: streambench-generator\n    static_configs:\n"
           << "      - targets: ['127.0.0.1:" << client_metrics->port() << "']\n"
           << "  - job_name: streambench-server\n    static_configs:\n"
           << "      - targets: ['127.0.0.1:" << server->metrics_port() << "']\n"
           << "  - job_name: pushgateway\n    honor_labels: true\n    static_configs:\n"
           << "      - targets: ['127.0.0.1:" << push_port << "']\n";
  }
  ChildProcess prometheus;
  ASSERT_TRUE(prometheus.Start(
      {kPrometheus, "--config.file=" + config_path, "--storage.tsdb.path=" + dir_.path() + "/tsdb",
       "--web.listen-address=127.0.0.1:" + std::to_string(prom_port), "--log.level=warn"},
      dir_.path() + "/prometheus.log", &error))
      << error;
  ASSERT_TRUE(pushgateway.WaitForHttpOk(push_port, "/-/ready", 15'000, &error)) << error;
  ASSERT_TRUE(prometheus.WaitForHttpOk(prom_port, "/-/ready", 20'000, &error)) << error;

  // Real traffic, recorded like the generator records, exported about 4 times a second.
  stats::RecorderRegistry registry;
  LoopbackTrafficOptions traffic_options;
  traffic_options.target = server->address();
  LoopbackTraffic traffic(traffic_options, &registry);
  std::atomic<bool> stop_updates{false};
  auto update = [&] {
    const stats::Snapshot s = registry.TakeSnapshot(SteadyClock::Get().NowNs());
    metrics::LiveGauges gauges;
    gauges.active_streams = traffic.active_calls();
    gauges.target_rate_per_s = 0;  // closed loop
    gauges.schedule_lag_s = static_cast<double>(s.Get(stats::Latency::kScheduleLag).MaxNs()) / 1e9;
    client_metrics->Update(kScenario, kVariant, kMode, s, gauges);
  };
  std::thread updater([&] {
    while (!stop_updates.load()) {
      update();
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  });
  const double traffic_start_s = UnixNowS();
  traffic.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(kTrafficMs));
  // Evaluate the rate()-based panels at a moment when traffic had been flowing for a while.
  const double eval_at_s = UnixNowS() - 0.5;
  traffic.Stop();
  stop_updates.store(true);
  updater.join();
  ASSERT_GT(traffic.rounds(), 5) << "too little traffic to judge the dashboards";
  update();  // the run's final state
  const stats::Snapshot final_snapshot = registry.TakeSnapshot(SteadyClock::Get().NowNs());
  ASSERT_EQ(final_snapshot.counters.integrity.Total(), 0u);
  ASSERT_GT(final_snapshot.counters.calls_by_code[grpc::StatusCode::UNAVAILABLE], 0u);

  // Wait (bounded) until Prometheus has scraped the final state.
  const std::string sent_selector = std::string("streambench_client_messages_total{job=\"") +
                                    "streambench-generator\", direction=\"sent\"}";
  const double final_sent = static_cast<double>(final_snapshot.counters.messages_sent);
  double scraped_final_at_s = 0;
  for (int i = 0; i < 100 && scraped_final_at_s == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const double now_s = UnixNowS();
    const json r = Query(prom_port, sent_selector, now_s, &error);
    const auto v = Values(r);
    if (v.size() == 1 && v[0] == final_sent) scraped_final_at_s = now_s;
  }
  ASSERT_GT(scraped_final_at_s, 0)
      << "Prometheus never scraped the final state; " << prometheus.LogTail();

  // Template variables resolved like Grafana: run each variable's label_values query (after
  // substituting the variables before it) and select all of its values.
  int evaluated = 0;
  for (const Dashboard& d : dashboards) {
    std::map<std::string, std::string> values = {{"__rate_interval", kRateInterval}};
    for (const auto& v : d.json["templating"]["list"]) {
      if (v.value("type", "") != "query") continue;
      const std::string name = v.value("name", "");
      std::string selector, label;
      ASSERT_TRUE(ParseLabelValuesQuery(v["query"].value("query", ""), &selector, &label));
      const auto found = LabelValues(prom_port, SubstituteVariables(selector, values), label,
                                     traffic_start_s, scraped_final_at_s, &error);
      ASSERT_TRUE(error.empty()) << error;
      ASSERT_FALSE(found.empty()) << d.file << ": variable " << name << " has no values";
      if (name == "scenario") {
        EXPECT_NE(std::find(found.begin(), found.end(), kScenario), found.end());
      }
      if (name == "variant") {
        EXPECT_NE(std::find(found.begin(), found.end(), kVariant), found.end());
      }
      values[name] = PrometheusRegexValue(found);
    }
    for (const PanelQuery& q : AllQueries(d)) {
      const std::string promql = SubstituteVariables(q.expr, values);
      SCOPED_TRACE(d.file + " panel " + std::to_string(q.panel_id) + " '" + q.panel_title + "' " +
                   q.ref_id + ": " + promql);
      EXPECT_TRUE(ReferencedVariables(promql).empty()) << "unresolved variable";
      const json result = Query(prom_port, promql, eval_at_s, &error);
      ASSERT_TRUE(error.empty()) << error;
      EXPECT_FALSE(result.empty()) << "no data";
      const auto v = Values(result);
      EXPECT_TRUE(std::any_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); }))
          << "only NaN/Inf: " << result.dump();
      ++evaluated;
    }
  }
  EXPECT_GE(evaluated, 30);

  // Prometheus's p99 over the whole run (cumulative buckets) lies in the Prometheus bucket that
  // holds the run's own p99 (widened by the log-linear histogram's 1%).
  const std::string p99_query = std::string("histogram_quantile(0.99, sum by (le) (") +
                                "streambench_client_message_latency_seconds_bucket{job=\"" +
                                "streambench-generator\", scenario=\"" + kScenario + "\"}))";
  const json p99_result = Query(prom_port, p99_query, scraped_final_at_s, &error);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_EQ(p99_result.size(), 1u) << p99_result.dump();
  const double prom_p99_s = Values(p99_result)[0];
  const double own_p99_s =
      static_cast<double>(final_snapshot.Get(stats::Latency::kMessage).ValueAtPercentileNs(99)) /
      1e9;
  const auto& bounds = metrics::LatencyBucketBoundsSeconds();
  double lower_s = 0, upper_s = std::numeric_limits<double>::infinity();
  for (double b : bounds) {
    if (b < own_p99_s) lower_s = b;
    if (b >= own_p99_s) {
      upper_s = b;
      break;
    }
  }
  EXPECT_GE(prom_p99_s, lower_s / 1.01) << "own p99 " << own_p99_s;
  EXPECT_LE(prom_p99_s, upper_s * 1.01) << "own p99 " << own_p99_s;
  std::cout << "message latency p99: own " << own_p99_s * 1e6 << " us, Prometheus "
            << prom_p99_s * 1e6 << " us, bucket (" << lower_s * 1e6 << ", " << upper_s * 1e6
            << "] us; " << final_snapshot.counters.messages_sent << " messages sent, "
            << traffic.rounds() << " rounds, " << evaluated << " expressions evaluated\n";

  // The pushed final state: in the Pushgateway, then scraped by Prometheus under the pushed job.
  ASSERT_TRUE(client_metrics->Push(&error)) << error;
  const auto pushed = ParsePrometheusText(HttpGet(push_port, "/metrics").body);
  EXPECT_EQ(FindOne(pushed, "streambench_client_messages_total",
                    {{"job", kPushJob}, {"scenario", kScenario}, {"direction", "sent"}}),
            final_sent);
  const std::string pushed_selector = std::string("streambench_client_messages_total{job=\"") +
                                      kPushJob + "\", scenario=\"" + kScenario +
                                      "\", direction=\"sent\"}";
  bool in_prometheus = false;
  for (int i = 0; i < 50 && !in_prometheus; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto v = Values(Query(prom_port, pushed_selector, UnixNowS(), &error));
    in_prometheus = v.size() == 1 && v[0] == final_sent;
  }
  EXPECT_TRUE(in_prometheus) << "pushed run never reached Prometheus through the Pushgateway";

  const double elapsed_s = std::chrono::duration<double>(Clock::now() - test_start).count();
  EXPECT_LT(elapsed_s, 60.0);
}

}  // namespace
}  // namespace streambench::testing
