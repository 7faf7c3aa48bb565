// The dashboards over a sharded run, against a real Prometheus: three `streambench run --shard I/3`
// processes on loopback drive one reference server, each exposing its own /metrics (scraped every
// second) and pushing its final state to a real Pushgateway under its shard's grouping key. Every
// panel of the generator dashboards must aggregate the shards, not pick one or average them: each
// expression is evaluated as written and once per shard (restricted with shard="I"), and the whole
// must equal the sum of the shards (sums), their maximum (max), or lie between the shards' values
// (percentiles from summed bucket rates, ratios). Against the shards' own results: the summed
// target-rate gauges equal the scenario's rate, the summed send rate matches the shards' achieved
// rates, the whole-run panels equal `streambench merge`'s totals, and the whole-run p99 from the
// summed cumulative buckets lies in the Prometheus bucket holding the merged p99.
// Bounded: the shards run 10 s; loopback only.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bench/metrics/histogram_export.h"
#include "server/reference_server.h"
#include "tests/bench/metrics/child_process.h"
#include "tests/bench/metrics/loopback_http.h"
#include "tests/dashboards/dashboard_queries.h"
#include "tests/dashboards/prometheus_api.h"

namespace streambench::testing {
namespace {

using nlohmann::json;

constexpr char kPrometheus[] = "/usr/bin/prometheus";
constexpr char kPushgateway[] = "/usr/bin/prometheus-pushgateway";
constexpr char kScenario[] = "dashboards-shards";
constexpr char kPushJob[] = "streambench";
constexpr char kRateInterval[] = "6s";  // as in prometheus_integration_test.cc
constexpr double kRunS = 10;
constexpr int kShards = 3;
// The scenario's whole rate: bidi 600/s plus server_stream 60/s (one request per call).
constexpr double kScenarioRatePerS = 660;

// The scenario of prometheus_integration_test.cc (two concurrent variants, injected failures),
// with streams and rates that divide three ways: each shard holds 2 streams, 200/s and 20/s.
constexpr char kScenarioYaml[] =
    "name: dashboards-shards\n"
    "concurrent: true\n"
    "mode: bidi\n"
    "connections: 3\n"
    "streams_per_connection: 2\n"
    "load: {type: constant, rate: 600/s}\n"
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
    "    set: {mode: server_stream, load.rate: 60/s, server_behavior.response_count: 20,\n"
    "          server_behavior.response_interval: 5ms}\n";

// How a panel's expression combines the shards, from its outermost operation.
enum class Aggregation { kSum, kMax, kBetween };

Aggregation AggregationOf(const std::string& promql) {
  if (promql.rfind("histogram_quantile(", 0) == 0) return Aggregation::kBetween;
  if (promql.rfind("max by", 0) == 0) return Aggregation::kMax;
  // A ratio of sums (a mean, the error ratio) is a weighted mean of the shards' ratios.
  if (promql.find(") / sum") != std::string::npos) return Aggregation::kBetween;
  return Aggregation::kSum;
}

// The expression restricted to one shard: every selector of the run's series gains shard="I".
std::string ForShard(const std::string& promql, int shard) {
  const std::string anchor = "scenario=~\"";
  std::string out;
  size_t from = 0;
  for (size_t at = promql.find(anchor); at != std::string::npos; at = promql.find(anchor, at + 1)) {
    out += promql.substr(from, at - from) + "shard=\"" + std::to_string(shard) + "\", ";
    from = at;
  }
  return out + promql.substr(from);
}

// A vector result keyed by its label set.
std::map<std::string, double> ByLabels(const json& result) {
  std::map<std::string, double> out;
  for (const auto& s : result) {
    out[s["metric"].dump()] = std::stod(s["value"][1].get<std::string>());
  }
  return out;
}

// The Prometheus bucket (lower, upper] that holds a p99 of `own_s` taken from the log-linear
// histogram (a bucket bound within 1% of the true value), widened to both neighbours when `own_s`
// sits within 1% of a Prometheus bound.
std::pair<double, double> PrometheusBucketAround(double own_s) {
  double lower_s = 0, upper_s = std::numeric_limits<double>::infinity();
  for (double b : metrics::LatencyBucketBoundsSeconds()) {
    if (b < own_s / 1.01) lower_s = b;
    if (b >= own_s * 1.01) {
      upper_s = b;
      break;
    }
  }
  return {lower_s, upper_s};
}

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in, nullptr, false);
}

class ShardedDashboardsTest : public ::testing::Test {
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

  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }

  TempDir dir_;
};

TEST_F(ShardedDashboardsTest, EveryPanelAggregatesTheShards) {
  std::string error;
  const std::vector<Dashboard> dashboards = LoadDashboards(STREAMBENCH_DASHBOARDS_DIR, &error);
  ASSERT_TRUE(error.empty()) << error;

  ServerOptions server_options;
  server_options.metrics_port = 0;
  auto server = ReferenceServer::Start(server_options, &error);
  ASSERT_NE(server, nullptr) << error;

  const int push_port = PickFreeLoopbackPort();
  ChildProcess pushgateway;
  ASSERT_TRUE(pushgateway.Start(
      {kPushgateway, "--web.listen-address=127.0.0.1:" + std::to_string(push_port),
       "--persistence.file="},
      Path("pushgateway.log"), &error))
      << error;
  std::vector<int> shard_ports;
  for (int i = 0; i < kShards; ++i) shard_ports.push_back(PickFreeLoopbackPort());
  const int prom_port = PickFreeLoopbackPort();
  {
    std::ofstream config(Path("prometheus.yml"));
    config << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n"
           << "scrape_configs:\n"
           << "  - job_name: streambench-generator\n    static_configs:\n      - targets: [";
    for (int i = 0; i < kShards; ++i) {
      config << (i ? ", " : "") << "'127.0.0.1:" << shard_ports[i] << "'";
    }
    config << "]\n"
           << "  - job_name: streambench-server\n    static_configs:\n"
           << "      - targets: ['127.0.0.1:" << server->metrics_port() << "']\n"
           << "  - job_name: pushgateway\n    honor_labels: true\n    static_configs:\n"
           << "      - targets: ['127.0.0.1:" << push_port << "']\n";
  }
  ChildProcess prometheus;
  ASSERT_TRUE(prometheus.Start(
      {kPrometheus, "--config.file=" + Path("prometheus.yml"),
       "--storage.tsdb.path=" + Path("tsdb"),
       "--web.listen-address=127.0.0.1:" + std::to_string(prom_port), "--log.level=warn"},
      Path("prometheus.log"), &error))
      << error;
  ASSERT_TRUE(pushgateway.WaitForHttpOk(push_port, "/-/ready", 15'000, &error)) << error;
  ASSERT_TRUE(prometheus.WaitForHttpOk(prom_port, "/-/ready", 20'000, &error)) << error;

  // The shards: separate processes, as on separate machines.
  std::ofstream(Path("s.yaml")) << kScenarioYaml;
  const double traffic_start_s = UnixNowS();
  std::vector<std::unique_ptr<ChildProcess>> shards;
  for (int i = 0; i < kShards; ++i) {
    shards.push_back(std::make_unique<ChildProcess>());
    ASSERT_TRUE(shards.back()->Start(
        {STREAMBENCH_BINARY, "run", Path("s.yaml"), "--quiet", "--target", server->address(),
         "--shard", std::to_string(i) + "/" + std::to_string(kShards), "--metrics-port",
         std::to_string(shard_ports[i]), "--push-gateway",
         "http://127.0.0.1:" + std::to_string(push_port), "--job", kPushJob, "--out",
         Path("shard-" + std::to_string(i) + ".json")},
        Path("shard-" + std::to_string(i) + ".log"), &error))
        << error;
  }
  for (int i = 0; i < kShards; ++i) {
    ASSERT_EQ(shards[i]->WaitForExit(60'000), 0) << shards[i]->LogTail();
  }
  ChildProcess merge;
  ASSERT_TRUE(merge.Start({STREAMBENCH_BINARY, "merge", Path("shard-0.json"), Path("shard-1.json"),
                           Path("shard-2.json"), "--quiet", "--out", Path("all.json")},
                          Path("merge.log"), &error))
      << error;
  ASSERT_EQ(merge.WaitForExit(60'000), 0) << merge.LogTail();
  const json all = ReadJson(Path("all.json"));
  ASSERT_FALSE(all.is_discarded());
  ASSERT_EQ(all["runs"].size(), 2u);
  double shards_sent_per_s = 0, shards_target_per_s = 0, total_sent = 0;
  for (int i = 0; i < kShards; ++i) {
    const json shard = ReadJson(Path("shard-" + std::to_string(i) + ".json"));
    ASSERT_FALSE(shard.is_discarded());
    for (const auto& run : shard["runs"]) {
      shards_sent_per_s += run["throughput"]["messages_sent_per_s"].get<double>();
      shards_target_per_s += run["throughput"]["target_rate_per_s"].get<double>();
      total_sent += run["messages"]["sent"].get<double>();
    }
  }
  ASSERT_DOUBLE_EQ(shards_target_per_s, kScenarioRatePerS) << "the shards divide the rate";

  // Wait (bounded) until Prometheus has scraped every shard's final push.
  const std::string pushed_sent = std::string("sum(streambench_client_messages_total{job=\"") +
                                  kPushJob + "\", scenario=\"" + kScenario +
                                  "\", direction=\"sent\"})";
  const std::string pushes = std::string("count(push_time_seconds{job=\"") + kPushJob +
                             "\", scenario=\"" + kScenario +
                             "\"} >= " + std::to_string(traffic_start_s) + ")";
  double final_at_s = 0;
  for (int i = 0; i < 100 && final_at_s == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // polls Prometheus
    const double now_s = UnixNowS();
    const auto sent = PromValues(PromQuery(prom_port, pushed_sent, now_s, &error));
    const auto pushed = PromValues(PromQuery(prom_port, pushes, now_s, &error));
    if (sent.size() == 1 && sent[0] == total_sent && pushed.size() == 1 && pushed[0] == kShards) {
      final_at_s = now_s;
    }
  }
  ASSERT_GT(final_at_s, 0) << "the shards' pushes never all reached Prometheus; "
                           << prometheus.LogTail();
  // Mid-run, after a whole rate window of traffic from every shard.
  const double eval_at_s = traffic_start_s + kRunS - 0.5;

  int compared = 0;
  for (const Dashboard& d : dashboards) {
    const auto values =
        ResolveVariables(prom_port, d.json, kRateInterval, traffic_start_s, final_at_s, &error);
    ASSERT_TRUE(error.empty()) << d.file << ": " << error;
    // The server dashboard has no shards (one server); its panels only need data.
    const bool per_shard = values.count("scenario") > 0;
    for (const PanelQuery& q : AllQueries(d)) {
      const std::string promql = SubstituteVariables(q.expr, values);
      SCOPED_TRACE(d.file + " panel " + std::to_string(q.panel_id) + " '" + q.panel_title + "' " +
                   q.ref_id + ": " + promql);
      for (const double at_s : {eval_at_s, final_at_s}) {
        const auto whole = ByLabels(PromQuery(prom_port, promql, at_s, &error));
        ASSERT_TRUE(error.empty()) << error;
        if (!per_shard) {
          if (at_s == eval_at_s) {
            EXPECT_FALSE(whole.empty()) << "no data";
          }
          continue;
        }
        std::vector<std::map<std::string, double>> parts;
        for (int i = 0; i < kShards; ++i) {
          parts.push_back(ByLabels(PromQuery(prom_port, ForShard(promql, i), at_s, &error)));
          ASSERT_TRUE(error.empty()) << error;
        }
        for (const auto& [labels, value] : whole) {
          double sum = 0, lowest = std::numeric_limits<double>::infinity(), highest = -lowest;
          for (const auto& part : parts) {
            const auto it = part.find(labels);
            if (it == part.end() || !std::isfinite(it->second)) continue;
            sum += it->second;
            lowest = std::min(lowest, it->second);
            highest = std::max(highest, it->second);
          }
          if (!std::isfinite(value) || std::isinf(lowest)) {
            EXPECT_EQ(std::isfinite(value), !std::isinf(lowest)) << labels;
            continue;
          }
          const double slack = 1e-9 * std::max(1.0, std::fabs(value));
          switch (AggregationOf(promql)) {
            case Aggregation::kSum:
              EXPECT_NEAR(value, sum, slack) << labels << " at " << at_s;
              break;
            case Aggregation::kMax:
              EXPECT_NEAR(value, highest, slack) << labels << " at " << at_s;
              break;
            case Aggregation::kBetween:
              EXPECT_GE(value, lowest - slack) << labels << " at " << at_s;
              EXPECT_LE(value, highest + slack) << labels << " at " << at_s;
              break;
          }
          ++compared;
        }
      }
    }
  }
  EXPECT_GE(compared, 40);

  // Against the shards' own results. The target-rate gauges add up to the scenario's rate, and
  // the summed send rate, over the span in which every shard was scraped live, to the shards'
  // achieved rates (the counters move once a second, so a few seconds of scrapes are not the
  // run's average exactly: 15%).
  const std::string selector = std::string("{scenario=\"") + kScenario + "\"";
  const std::string shards_live = "count(count by (shard) (streambench_client_messages_total" +
                                  selector +
                                  ", job=\"streambench-generator\", direction=\"sent\"} > 0))";
  auto all_live_at = [&](double at_s) {
    const auto n = PromValues(PromQuery(prom_port, shards_live, at_s, &error));
    return n.size() == 1 && n[0] == kShards;
  };
  double live_from_s = traffic_start_s, live_to_s = final_at_s;
  while (live_from_s < final_at_s && !all_live_at(live_from_s)) live_from_s += 0.25;
  while (live_to_s > live_from_s && !all_live_at(live_to_s)) live_to_s -= 0.25;
  const int window_s = static_cast<int>(live_to_s - live_from_s);
  ASSERT_GE(window_s, 3) << "every shard was scraped live for only " << live_to_s - live_from_s
                         << " s";
  const auto target = PromValues(PromQuery(prom_port,
                                           "sum(streambench_client_target_rate_per_second" +
                                               selector + ", job=\"streambench-generator\"})",
                                           live_to_s, &error));
  ASSERT_EQ(target.size(), 1u) << error;
  EXPECT_DOUBLE_EQ(target[0], kScenarioRatePerS);
  const auto sent_rate =
      PromValues(PromQuery(prom_port,
                           "sum(rate(streambench_client_messages_total" + selector +
                               ", job=\"streambench-generator\", direction=\"sent\"}[" +
                               std::to_string(window_s) + "s]))",
                           live_to_s, &error));
  ASSERT_EQ(sent_rate.size(), 1u) << error;
  EXPECT_NEAR(sent_rate[0], shards_sent_per_s, 0.15 * shards_sent_per_s);

  // The whole-run panels of the flow-control dashboard equal the merge, variant by variant.
  for (const auto& run : all["runs"]) {
    const std::string variant = run["variant"];
    SCOPED_TRACE("variant " + variant);
    const std::string run_selector = selector + ", variant=\"" + variant + "\"";
    const auto received = PromValues(
        PromQuery(prom_port,
                  "sum(max by (scenario, variant, mode, shard) (streambench_client_messages_total" +
                      run_selector + ", direction=\"received\"}))",
                  final_at_s, &error));
    ASSERT_EQ(received.size(), 1u) << error;
    EXPECT_EQ(received[0], run["messages"]["received"].get<double>());
    if (run["latency_us"]["message"].value("count", 0.0) == 0) continue;
    const auto p99 = PromValues(PromQuery(
        prom_port,
        "histogram_quantile(0.99, sum by (le) (max by (scenario, variant, mode, shard, le) "
        "(streambench_client_message_latency_seconds_bucket" +
            run_selector + "})))",
        final_at_s, &error));
    ASSERT_EQ(p99.size(), 1u) << error;
    const double merged_p99_s = run["latency_us"]["message"]["p99"].get<double>() / 1e6;
    const auto [lower_s, upper_s] = PrometheusBucketAround(merged_p99_s);
    EXPECT_GE(p99[0], lower_s) << "merged p99 " << merged_p99_s;
    EXPECT_LE(p99[0], upper_s) << "merged p99 " << merged_p99_s;
    std::cout << variant << ": p99 merged " << merged_p99_s * 1e6 << " us, Prometheus over "
              << kShards << " shards " << p99[0] * 1e6 << " us; received " << received[0] << "\n";
  }
  std::cout << "send rate: Prometheus " << sent_rate[0] << "/s over " << window_s
            << " s, shards' results " << shards_sent_per_s << "/s; " << compared
            << " aggregated values compared\n";
}

}  // namespace
}  // namespace streambench::testing
