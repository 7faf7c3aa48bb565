// ClientMetrics end to end over loopback: its real /metrics endpoint scraped with HTTP, and pushes
// to the real prometheus-pushgateway binary (Debian package) on an ephemeral loopback port.
#include "bench/metrics/client_metrics.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <limits>
#include <string>

#include "bench/metrics/histogram_export.h"
#include "tests/bench/metrics/child_process.h"
#include "tests/bench/metrics/loopback_http.h"
#include "tests/bench/metrics/prometheus_text.h"

namespace streambench::metrics {
namespace {

using testing::FindOne;
using testing::HttpGet;
using testing::ParsePrometheusText;
using testing::Sample;

constexpr char kPushgateway[] = "/usr/bin/prometheus-pushgateway";

stats::Snapshot MakeSnapshot(uint64_t scale) {
  stats::Snapshot s;
  s.counters.messages_sent = 1000 * scale;
  s.counters.messages_received = 1000 * scale;
  s.counters.bytes_sent = 1000 * scale * 64;
  s.counters.bytes_received = 1000 * scale * 64;
  s.counters.calls_started = 10 * scale;
  s.counters.calls_by_code[0] = 9 * scale;
  s.counters.calls_by_code[4] = scale;  // DEADLINE_EXCEEDED
  auto& message = s.latency[static_cast<int>(stats::Latency::kMessage)];
  // A spread of latencies from 7 us to 300 ms, so most Prometheus buckets get something.
  for (int64_t v = 7'000; v <= 300'000'000; v = v * 11 / 10) message.RecordN(v, scale);
  s.latency[static_cast<int>(stats::Latency::kCall)].RecordN(120'000'000, 10 * scale);
  return s;
}

std::vector<Sample> Scrape(int port) {
  const auto r = HttpGet(port, "/metrics");
  EXPECT_EQ(r.status, 200) << r.error;
  std::vector<std::string> bad;
  auto samples = ParsePrometheusText(r.body, &bad);
  EXPECT_TRUE(bad.empty()) << "unparsable line: " << (bad.empty() ? "" : bad.front());
  return samples;
}

// Checks the scraped histogram `name` of run `labels` against `h`: cumulative, +Inf == count ==
// the snapshot's count, and each `le` equal to the snapshot values that fall at or below it.
void ExpectHistogramMatches(const std::vector<Sample>& samples, const std::string& name,
                            const std::map<std::string, std::string>& labels,
                            const stats::LogLinearHistogram& h) {
  const auto buckets = testing::Find(samples, name + "_bucket", labels);
  ASSERT_EQ(buckets.size(), LatencyBucketBoundsSeconds().size() + 1) << name;
  const auto rendered = RenderHistogram(h, LatencyBucketBoundsSeconds());
  double previous = 0;
  for (const Sample& b : buckets) {
    const std::string le = b.labels.at("le");
    EXPECT_GE(b.value, previous) << name << " not cumulative at le=" << le;
    previous = b.value;
    const double bound = le == "+Inf" ? std::numeric_limits<double>::infinity() : std::stod(le);
    bool found = false;
    for (const auto& r : rendered.bucket) {
      if (r.upper_bound == bound ||
          (std::isfinite(bound) && std::fabs(r.upper_bound - bound) <= 1e-12 * bound)) {
        EXPECT_EQ(b.value, static_cast<double>(r.cumulative_count)) << name << " le=" << le;
        found = true;
      }
    }
    EXPECT_TRUE(found) << name << " unexpected le=" << le;
  }
  EXPECT_EQ(buckets.back().labels.at("le"), "+Inf");
  EXPECT_EQ(buckets.back().value, static_cast<double>(h.Count()));
  EXPECT_EQ(FindOne(samples, name + "_count", labels), static_cast<double>(h.Count()));
  const auto sum = FindOne(samples, name + "_sum", labels);
  ASSERT_TRUE(sum.has_value());
  EXPECT_NEAR(*sum, h.MeanNs() * static_cast<double>(h.Count()) / 1e9, 1e-6 * (*sum + 1));
}

TEST(ClientMetrics, ServesSnapshotOnEphemeralLoopbackPort) {
  std::string error;
  MetricsOptions options;
  options.port = 0;
  auto metrics = ClientMetrics::Create(options, &error);
  ASSERT_NE(metrics, nullptr) << error;
  ASSERT_GT(metrics->port(), 0);

  const stats::Snapshot snapshot = MakeSnapshot(3);
  metrics->Update("smoke", "default", "bidi", snapshot, LiveGauges{250.0, 8, 0.0015});
  const auto samples = Scrape(metrics->port());
  const std::map<std::string, std::string> run = {
      {"scenario", "smoke"}, {"variant", "default"}, {"mode", "bidi"}};

  auto with = [&](const char* k, const char* v) {
    auto m = run;
    m[k] = v;
    return m;
  };
  EXPECT_EQ(FindOne(samples, "streambench_client_messages_total", with("direction", "sent")), 3000);
  EXPECT_EQ(FindOne(samples, "streambench_client_messages_total", with("direction", "received")),
            3000);
  EXPECT_EQ(FindOne(samples, "streambench_client_payload_bytes_total", with("direction", "sent")),
            192000);
  EXPECT_EQ(FindOne(samples, "streambench_client_calls_started_total", run), 30);
  EXPECT_EQ(FindOne(samples, "streambench_client_calls_total", with("code", "OK")), 27);
  EXPECT_EQ(FindOne(samples, "streambench_client_calls_total", with("code", "DEADLINE_EXCEEDED")),
            3);
  EXPECT_EQ(FindOne(samples, "streambench_client_integrity_errors_total", with("kind", "lost")), 0);
  EXPECT_EQ(FindOne(samples, "streambench_client_active_streams", run), 8);
  EXPECT_EQ(FindOne(samples, "streambench_client_target_rate_per_second", run), 250);
  EXPECT_EQ(FindOne(samples, "streambench_client_current_schedule_lag_seconds", run), 0.0015);

  ExpectHistogramMatches(samples, "streambench_client_message_latency_seconds", run,
                         snapshot.Get(stats::Latency::kMessage));
  ExpectHistogramMatches(samples, "streambench_client_call_latency_seconds", run,
                         snapshot.Get(stats::Latency::kCall));
  ExpectHistogramMatches(samples, "streambench_client_schedule_lag_seconds", run,
                         snapshot.Get(stats::Latency::kScheduleLag));

  // A later cumulative snapshot replaces the values (counters only grow).
  const stats::Snapshot later = MakeSnapshot(5);
  metrics->Update("smoke", "default", "bidi", later, LiveGauges{250.0, 0, 0});
  const auto after = Scrape(metrics->port());
  EXPECT_EQ(FindOne(after, "streambench_client_messages_total", with("direction", "sent")), 5000);
  EXPECT_EQ(FindOne(after, "streambench_client_active_streams", run), 0);
  ExpectHistogramMatches(after, "streambench_client_message_latency_seconds", run,
                         later.Get(stats::Latency::kMessage));
}

TEST(ClientMetrics, ANamedMethodsRunIsLabelledWithItsServiceAndMethod) {
  std::string error;
  MetricsOptions options;
  options.port = 0;
  auto metrics = ClientMetrics::Create(options, &error);
  ASSERT_NE(metrics, nullptr) << error;
  stats::Snapshot snapshot = MakeSnapshot(2);
  snapshot.counters.response_check_failures = 7;
  metrics->Update("any", "default", "bidi", snapshot, LiveGauges{},
                  {{"service", "acme.echo.v1.EchoService"}, {"method", "Converse"}});
  metrics->Update("builtin", "default", "bidi", snapshot, LiveGauges{});
  const auto samples = Scrape(metrics->port());
  const std::map<std::string, std::string> any = {{"scenario", "any"},
                                                  {"variant", "default"},
                                                  {"mode", "bidi"},
                                                  {"service", "acme.echo.v1.EchoService"},
                                                  {"method", "Converse"}};
  EXPECT_EQ(FindOne(samples, "streambench_client_calls_started_total", any), 20);
  EXPECT_EQ(FindOne(samples, "streambench_client_response_check_failures_total", any), 7);
  // A built-in service's run keeps its three labels, and has no check-failure series.
  const auto builtin =
      testing::Find(samples, "streambench_client_calls_started_total", {{"scenario", "builtin"}});
  ASSERT_EQ(builtin.size(), 1u);
  EXPECT_EQ(builtin[0].labels.size(), 3u);
  EXPECT_TRUE(testing::Find(samples, "streambench_client_response_check_failures_total",
                            {{"scenario", "builtin"}})
                  .empty());
}

TEST(ClientMetrics, NotServingWithoutPort) {
  std::string error;
  auto metrics = ClientMetrics::Create(MetricsOptions{}, &error);
  ASSERT_NE(metrics, nullptr) << error;
  EXPECT_EQ(metrics->port(), 0);
  metrics->Update("s", "v", "unary", MakeSnapshot(1), LiveGauges{});
  EXPECT_TRUE(metrics->Push(&error)) << "no gateway configured: push is a no-op";
}

TEST(ClientMetrics, PortTakenIsAnError) {
  // Hold a listening socket on an ephemeral loopback port.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int taken = ntohs(addr.sin_port);

  MetricsOptions options;
  options.port = taken;
  std::string error;
  auto metrics = ClientMetrics::Create(options, &error);
  close(fd);
  EXPECT_EQ(metrics, nullptr);
  EXPECT_NE(error.find(std::to_string(taken)), std::string::npos) << error;
}

TEST(ClientMetrics, BadPushGatewayUrlOrJobIsAnError) {
  std::string error;
  MetricsOptions options;
  options.push_gateway_url = "127.0.0.1:9091";  // no scheme
  EXPECT_EQ(ClientMetrics::Create(options, &error), nullptr);
  EXPECT_NE(error.find("127.0.0.1:9091"), std::string::npos) << error;
  options.push_gateway_url = "http://127.0.0.1:9091";
  options.job = "a/b";
  error.clear();
  EXPECT_EQ(ClientMetrics::Create(options, &error), nullptr);
  EXPECT_NE(error.find("a/b"), std::string::npos) << error;
}

TEST(ClientMetrics, PushToUnreachableGatewayFailsWithReason) {
  const int port = testing::PickFreeLoopbackPort();  // nothing listens there
  ASSERT_GT(port, 0);
  MetricsOptions options;
  options.push_gateway_url = "http://127.0.0.1:" + std::to_string(port);
  std::string error;
  auto metrics = ClientMetrics::Create(options, &error);
  ASSERT_NE(metrics, nullptr) << error;
  metrics->Update("s", "v", "unary", MakeSnapshot(1), LiveGauges{});
  EXPECT_FALSE(metrics->Push(&error));
  EXPECT_NE(error.find("transport error"), std::string::npos) << error;
}

class PushgatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::IsExecutable(kPushgateway)) {
      GTEST_SKIP() << kPushgateway << " not installed (Debian package prometheus-pushgateway)";
    }
    ASSERT_FALSE(dir_.path().empty());
    port_ = testing::PickFreeLoopbackPort();
    ASSERT_GT(port_, 0);
    std::string error;
    ASSERT_TRUE(
        // An empty --persistence.file: Debian's default file is shared by every Pushgateway on
        // the machine, so pushes of other runs would reappear here.
        gateway_.Start({kPushgateway, "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                        "--persistence.file="},
                       dir_.path() + "/pushgateway.log", &error))
        << error;
    ASSERT_TRUE(gateway_.WaitForHttpOk(port_, "/-/ready", 15000, &error)) << error;
  }

  testing::TempDir dir_;
  testing::ChildProcess gateway_;
  int port_ = 0;
};

TEST_F(PushgatewayTest, PushedRunAppearsGroupedByJobAndScenario) {
  MetricsOptions options;
  options.push_gateway_url = "http://127.0.0.1:" + std::to_string(port_);
  options.job = "streambench-ci";
  std::string error;
  auto metrics = ClientMetrics::Create(options, &error);
  ASSERT_NE(metrics, nullptr) << error;
  const stats::Snapshot snapshot = MakeSnapshot(2);
  metrics->Update("ci gate/fast", "bdp-on", "server_stream", snapshot, LiveGauges{100, 0, 0});
  metrics->Update("plain", "default", "unary", MakeSnapshot(1), LiveGauges{});
  ASSERT_TRUE(metrics->Push(&error)) << error;

  const auto r = HttpGet(port_, "/metrics");
  ASSERT_EQ(r.status, 200) << r.error;
  const auto samples = ParsePrometheusText(r.body);
  // The scenario with '/' and ' ' went through the base64 grouping key and came out intact.
  const std::map<std::string, std::string> run = {{"job", "streambench-ci"},
                                                  {"scenario", "ci gate/fast"},
                                                  {"variant", "bdp-on"},
                                                  {"mode", "server_stream"}};
  auto sent = run;
  sent["direction"] = "sent";
  EXPECT_EQ(FindOne(samples, "streambench_client_messages_total", sent), 2000) << r.body;
  ExpectHistogramMatches(samples, "streambench_client_message_latency_seconds", run,
                         snapshot.Get(stats::Latency::kMessage));
  EXPECT_EQ(FindOne(samples, "streambench_client_calls_started_total",
                    {{"job", "streambench-ci"}, {"scenario", "plain"}}),
            10);
  // The Pushgateway records a push time per group: one for each scenario.
  EXPECT_EQ(testing::Find(samples, "push_time_seconds", {{"job", "streambench-ci"}}).size(), 2u);

  // A second push replaces the values (the final state of the run wins).
  metrics->Update("plain", "default", "unary", MakeSnapshot(4), LiveGauges{});
  ASSERT_TRUE(metrics->Push(&error)) << error;
  const auto again = ParsePrometheusText(HttpGet(port_, "/metrics").body);
  EXPECT_EQ(FindOne(again, "streambench_client_calls_started_total",
                    {{"job", "streambench-ci"}, {"scenario", "plain"}}),
            40);
}

}  // namespace
}  // namespace streambench::metrics
