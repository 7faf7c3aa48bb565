// The dashboards against a real Prometheus: Debian's `prometheus` and `prometheus-pushgateway`
// on ephemeral loopback ports scrape the generator's /metrics while a real scenario runs through
// the `streambench run` CLI (in process, with --metrics-port and --push-gateway, --target a
// ReferenceServer with its own /metrics). Then every PromQL expression of every dashboard panel
// is evaluated through /api/v1/query with the template variables resolved the way Grafana would
// (their label_values queries asked of the same Prometheus), and each must return data. Also:
// Prometheus's p99 (from the pushed final state) agrees with the p99 in the run's results JSON to
// within a Prometheus bucket, and the pushed run reaches the Pushgateway and Prometheus.
// Bounded: the run lasts 10 s, the whole test well under a minute; loopback only.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "bench/metrics/histogram_export.h"
#include "bench/runner/cli.h"
#include "bench/runner/signals.h"
#include "server/reference_server.h"
#include "tests/bench/metrics/child_process.h"
#include "tests/bench/metrics/loopback_http.h"
#include "tests/bench/metrics/prometheus_text.h"
#include "tests/dashboards/dashboard_queries.h"
#include "tests/dashboards/prometheus_api.h"

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
constexpr double kRunS = 10;

// Open-loop bidi echo (the default; schedule lag, first-message and write-blocked latency), streams
// that end and are replaced (calls by code), a fifth of them failed by the server with UNAVAILABLE
// at their 10th message (error ratio, injected failures). At the same time (`concurrent`) a
// server_stream variant whose server paces 20 responses 5 ms apart (the gap between stream
// messages, messages per stream), failed the same way. No warm-up, so the run's results cover
// everything the exporter counted.
constexpr char kScenarioYaml[] =
    "name: dashboards-it\n"
    "concurrent: true\n"
    "mode: bidi\n"
    "connections: 1\n"
    "streams_per_connection: 4\n"
    "load: {type: constant, rate: 400/s}\n"
    "request: {payload_size: 512B}\n"
    "server_behavior:\n"
    "  response_size: 0B\n"
    "  failure: {code: UNAVAILABLE, message: injected, probability: 0.2, after_messages: 10}\n"
    "expect: {statuses: {OK: some, UNAVAILABLE: some}}\n"
    "warmup: 0s\n"
    "duration: 10s\n"
    "variants:\n"
    "  - name: window-default\n"
    "    set: {stream.messages: 40}\n"
    "  - name: server-stream\n"
    "    set: {mode: server_stream, load.rate: 40/s, server_behavior.response_count: 20,\n"
    "          server_behavior.response_interval: 5ms}\n";

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
      // Debian's default --persistence.file is shared by every Pushgateway on the machine: an
      // empty one keeps this test's gateway free of other runs' pushes (same job and labels).
      {kPushgateway, "--web.listen-address=127.0.0.1:" + std::to_string(push_port),
       "--persistence.file="},
      dir_.path() + "/pushgateway.log", &error))
      << error;

  // The generator's /metrics port: picked here because Prometheus's config needs it first.
  const int generator_port = PickFreeLoopbackPort();

  const int prom_port = PickFreeLoopbackPort();
  const std::string config_path = dir_.path() + "/prometheus.yml";
  {
    std::ofstream config(config_path);
    config << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n"
           << "scrape_configs:\n"
           << "  - job_name: streambench-generator\n    static_configs:\n"
           << "      - targets: ['127.0.0.1:" << generator_port << "']\n"
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

  // The run: `streambench run` in process, both exporters on, against the reference server.
  const std::string scenario_path = dir_.path() + "/dashboards-it.yaml";
  const std::string results_path = dir_.path() + "/results.json";
  std::ofstream(scenario_path) << kScenarioYaml;
  std::vector<std::string> args = {
      "streambench",    "run",
      scenario_path,    "--quiet",
      "--target",       server->address(),
      "--metrics-port", std::to_string(generator_port),
      "--push-gateway", "http://127.0.0.1:" + std::to_string(push_port),
      "--job",          kPushJob,
      "--out",          results_path};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream cli_out, cli_err;
  runner::ResetStopSignals();
  const double traffic_start_s = UnixNowS();
  auto run = std::async(std::launch::async, [&] {
    return runner::RunCli(static_cast<int>(argv.size()), argv.data(), cli_out, cli_err, false);
  });
  if (run.wait_for(std::chrono::seconds(40)) != std::future_status::ready) {
    runner::RequestStop();  // bounded: stop the run, then fail below
  }
  const int cli_code = run.get();
  ASSERT_EQ(cli_code, 0) << cli_err.str() << cli_out.str();
  // Evaluate the rate()-based panels at a moment when traffic had been flowing for a while: just
  // before the measured phase was planned to end (it started a little after traffic_start_s).
  const double eval_at_s = traffic_start_s + kRunS - 0.5;

  std::ifstream results_in(results_path);
  const json results = json::parse(results_in, nullptr, false);
  ASSERT_FALSE(results.is_discarded()) << "results JSON unreadable";
  ASSERT_EQ(results["runs"].size(), 2u);
  const json& run_result = results["runs"][0];
  ASSERT_EQ(run_result["variant"], kVariant);
  EXPECT_EQ(results["runs"][1]["pass"], true) << results["runs"][1]["checks"].dump();
  ASSERT_GT(results["runs"][1]["latency_us"]["message_gap"]["count"].get<double>(), 0);
  EXPECT_EQ(run_result["pass"], true) << run_result["checks"].dump();
  const double final_sent = run_result["messages"]["sent"].get<double>();
  ASSERT_GT(final_sent, 1000) << "too little traffic to judge the dashboards";
  ASSERT_GT(run_result["calls"]["by_code"].value("UNAVAILABLE", 0), 0);

  // The final state reaches Prometheus through the Pushgateway (the generator's own /metrics is
  // gone with the run): wait for it (bounded).
  const auto pushed = ParsePrometheusText(HttpGet(push_port, "/metrics").body);
  EXPECT_EQ(FindOne(pushed, "streambench_client_messages_total",
                    {{"job", kPushJob},
                     {"scenario", kScenario},
                     {"variant", kVariant},
                     {"direction", "sent"}}),
            final_sent);
  const std::string run_labels = std::string("job=\"") + kPushJob + "\", scenario=\"" + kScenario +
                                 "\", variant=\"" + kVariant + "\"";
  const std::string pushed_selector =
      "streambench_client_messages_total{" + run_labels + ", direction=\"sent\"}";
  // The final state has every message sent and every latency sample of the run (the drain's
  // replies too): wait until Prometheus has scraped both from the Pushgateway.
  const std::string pushed_latency_count =
      "streambench_client_message_latency_seconds_count{" + run_labels + "}";
  const double final_latency_count = run_result["latency_us"]["message"]["count"].get<double>();
  const std::string pushed_time =
      std::string("push_time_seconds{job=\"") + kPushJob + "\", scenario=\"" + kScenario + "\"}";
  double scraped_final_at_s = 0;
  for (int i = 0; i < 100 && scraped_final_at_s == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const double now_s = UnixNowS();
    const auto v = PromValues(PromQuery(prom_port, pushed_selector, now_s, &error));
    const auto c = PromValues(PromQuery(prom_port, pushed_latency_count, now_s, &error));
    // Pushed by this run, not an earlier one with the same count.
    const auto pushed_at = PromValues(PromQuery(prom_port, pushed_time, now_s, &error));
    if (v.size() == 1 && v[0] == final_sent && c.size() == 1 && c[0] >= final_latency_count &&
        pushed_at.size() == 1 && pushed_at[0] >= traffic_start_s) {
      scraped_final_at_s = now_s;
    }
  }
  ASSERT_GT(scraped_final_at_s, 0)
      << "pushed run never reached Prometheus through the Pushgateway; " << prometheus.LogTail();
  // And the live exporter was scraped during the run.
  const std::string live_selector = std::string("streambench_client_messages_total{job=\"") +
                                    "streambench-generator\", variant=\"" + kVariant +
                                    "\", direction=\"sent\"}";
  const auto live = PromValues(PromQuery(prom_port, live_selector, eval_at_s, &error));
  ASSERT_EQ(live.size(), 1u) << "the generator's /metrics was not scraped mid-run; " << error;
  EXPECT_GT(live[0], 0);
  EXPECT_LE(live[0], final_sent);

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
      const auto found = PromLabelValues(prom_port, SubstituteVariables(selector, values), label,
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
      const json result = PromQuery(prom_port, promql, eval_at_s, &error);
      ASSERT_TRUE(error.empty()) << error;
      EXPECT_FALSE(result.empty()) << "no data";
      const auto v = PromValues(result);
      EXPECT_TRUE(std::any_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); }))
          << "only NaN/Inf: " << result.dump();
      ++evaluated;
    }
  }
  EXPECT_GE(evaluated, 30);

  // Prometheus's p99 over the whole run (cumulative buckets) lies in the Prometheus bucket that
  // holds the run's own p99 (widened by the log-linear histogram's 1%).
  const std::string p99_query = std::string("histogram_quantile(0.99, sum by (le) (") +
                                "streambench_client_message_latency_seconds_bucket{" + run_labels +
                                "}))";
  const json p99_result = PromQuery(prom_port, p99_query, scraped_final_at_s, &error);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_EQ(p99_result.size(), 1u) << p99_result.dump();
  const double prom_p99_s = PromValues(p99_result)[0];
  const double own_p99_s = run_result["latency_us"]["message"]["p99"].get<double>() / 1e6;
  const auto& bounds = metrics::LatencyBucketBoundsSeconds();
  double lower_s = 0, upper_s = std::numeric_limits<double>::infinity();
  // The run's own p99 is a log-linear bucket bound (within 1% of the true value), so when it sits
  // within 1% of a Prometheus bound the true p99 may be on either side: accept both buckets.
  for (double b : bounds) {
    if (b < own_p99_s / 1.01) lower_s = b;
    if (b >= own_p99_s * 1.01) {
      upper_s = b;
      break;
    }
  }
  EXPECT_GE(prom_p99_s, lower_s) << "own p99 " << own_p99_s;
  EXPECT_LE(prom_p99_s, upper_s) << "own p99 " << own_p99_s;
  if (prom_p99_s < lower_s || prom_p99_s > upper_s) {
    // What each side holds, to tell a wrong export from a wrong query.
    const std::string buckets_query =
        "streambench_client_message_latency_seconds_bucket{" + run_labels + "}";
    std::cout << "Prometheus buckets at " << std::fixed << scraped_final_at_s << ": "
              << PromQuery(prom_port, buckets_query, scraped_final_at_s, &error).dump() << "\n"
              << "Pushgateway now:\n";
    std::istringstream pushed_text(HttpGet(push_port, "/metrics").body);
    for (std::string line; std::getline(pushed_text, line);) {
      if (line.rfind("streambench_client_message_latency_seconds", 0) == 0) {
        std::cout << "  " << line << "\n";
      }
    }
    std::cout << "run histogram: " << run_result["latency_us"]["message"].dump() << "\n";
  }
  std::cout << "message latency p99: own " << own_p99_s * 1e6 << " us, Prometheus "
            << prom_p99_s * 1e6 << " us, bucket (" << lower_s * 1e6 << ", " << upper_s * 1e6
            << "] us; " << final_sent << " messages sent, " << evaluated
            << " expressions evaluated";
  // Reported, not asserted: how long a test takes on a shared machine is no verdict on the code
  // (ctest's --timeout bounds it).
  std::cout << "; test took " << std::chrono::duration<double>(Clock::now() - test_start).count()
            << " s\n";
}

}  // namespace
}  // namespace streambench::testing
