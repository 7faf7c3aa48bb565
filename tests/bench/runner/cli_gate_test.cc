// The CLI's regression gate and Prometheus export end to end, in process, against the embedded
// reference server: thresholds (scenario and --threshold), --baseline with fabricated better and
// worse baselines, --junit parsed back, `compare` exit codes, --metrics-port serving /metrics
// during a run (scraped mid-run), a taken port, and the bounded Pushgateway push. Runs are short
// (0.3-2 s) and every wait is bounded.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <streambuf>
#include <thread>

#include "bench/runner/cli.h"
#include "tests/bench/metrics/loopback_http.h"
#include "tests/bench/runner/cli_test_fixture.h"

namespace streambench::runner {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

using testing::Cli;
using testing::CliResult;

class CliGateTest : public testing::CliFixture {};

// Closed-loop unary: cheap, every call OK, calls finish throughout.
constexpr char kUnary[] = R"(name: gate-test
mode: unary
streams_per_connection: 2
load: {type: closed, outstanding: 1}
warmup: 0s
duration: 500ms
)";

TEST_F(CliGateTest, ScenarioThresholdsThatHoldExitZeroAndAreRecorded) {
  const std::string file = Write("s.yaml", std::string(kUnary) +
                                               "thresholds:\n"
                                               "  - integrity_errors == 0\n"
                                               "  - error_rate < 0.1%\n"
                                               "  - calls.finished > 0\n"
                                               "  - call_latency.p99 < 10s\n");
  const CliResult r = Cli({"run", file, "--out", Path("r.json"), "--junit", Path("j.xml")});
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_THAT(r.out, HasSubstr("PASS  threshold call_latency.p99 < 10s"));
  EXPECT_THAT(r.out, HasSubstr("gate: PASS"));
  const nlohmann::json j = ReadJson(Path("r.json"));
  ASSERT_TRUE(j.contains("gate"));
  EXPECT_EQ(j["gate"]["pass"], true);
  ASSERT_EQ(j["gate"]["thresholds"].size(), 4u);
  EXPECT_EQ(j["gate"]["thresholds"][2]["threshold"], "calls.finished > 0");
  EXPECT_EQ(j["gate"]["thresholds"][2]["measured"], j["runs"][0]["calls"]["finished"]);
  EXPECT_TRUE(j["gate"]["baseline"].empty());
}

TEST_F(CliGateTest, FailingThresholdExitsOneNamingTheCheckAndTheMeasuredValue) {
  const std::string file = Write("s.yaml", kUnary);
  const CliResult r = Cli({"run", file, "--threshold", "call_latency.p50 < 1ns", "--threshold",
                           "error_rate == 0", "--out", Path("r.json")});
  EXPECT_EQ(r.code, 1) << r.err;
  const nlohmann::json j = ReadJson(Path("r.json"));
  EXPECT_EQ(j["pass"], true) << "the run's own expectations held";
  EXPECT_EQ(j["gate"]["pass"], false);
  ASSERT_EQ(j["gate"]["thresholds"].size(), 2u);
  const auto& failed = j["gate"]["thresholds"][0];
  EXPECT_EQ(failed["passed"], false);
  EXPECT_DOUBLE_EQ(failed["measured"].get<double>(),
                   j["runs"][0]["latency_us"]["call"]["p50"].get<double>());
  EXPECT_EQ(j["gate"]["thresholds"][1]["passed"], true);
  // The console names the check, the measured value (its message) and the verdict.
  EXPECT_THAT(r.out, HasSubstr("FAIL  threshold call_latency.p50 < 1ns"));
  EXPECT_THAT(r.out, HasSubstr(failed["message"].get<std::string>()));
  EXPECT_THAT(r.out, HasSubstr("over by"));
  EXPECT_THAT(r.out, HasSubstr("gate: FAIL (1 of 2 checks failed)"));

  // --quiet still says which check failed, on stderr.
  const CliResult q =
      Cli({"run", file, "--quiet", "--duration", "300ms", "--threshold", "call_latency.p50 < 1ns"});
  EXPECT_EQ(q.code, 1);
  EXPECT_TRUE(q.out.empty());
  EXPECT_THAT(q.err, HasSubstr("FAIL  threshold call_latency.p50 < 1ns"));
}

// A capacity search gated on what it found: two steps (100/s sustained, max_rate 200/s
// sustained), --duration as each step's length, the capacity in JSON, the steps beside the CSV.
TEST_F(CliGateTest, ACapacitySearchIsGatedOnTheCapacityItFound) {
  const std::string file = Write("s.yaml", R"(name: search-gate
mode: unary
streams_per_connection: 2
warmup: 0s
load:
  type: search
  objective: ["error_rate < 1%"]
  start_rate: 100/s
  max_rate: 200/s
)");
  const CliResult r =
      Cli({"run", file, "--duration", "300ms", "--threshold", "capacity.rate_per_s > 1M/s", "--out",
           Path("r.json"), "--csv", Path("r.csv")});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("search step 1: 100/s"));
  EXPECT_THAT(r.err, HasSubstr("search step 2: 200/s"));
  const nlohmann::json j = ReadJson(Path("r.json"));
  const nlohmann::json& c = j["runs"][0]["capacity"];
  EXPECT_EQ(c["stop_reason"], "max_rate_sustained");
  EXPECT_EQ(c["rate_per_s"], 200);
  ASSERT_EQ(c["steps"].size(), 2u);
  // --duration replaced the 10 s default step (a step never ends before its duration).
  EXPECT_GE(c["steps"][0]["duration_s"].get<double>(), 0.29);
  EXPECT_LT(c["steps"][0]["duration_s"].get<double>(), 10);
  EXPECT_EQ(j["gate"]["thresholds"][0]["passed"], false);
  EXPECT_THAT(r.out, HasSubstr("FAIL  threshold capacity.rate_per_s > 1M/s"));
  EXPECT_TRUE(fs::exists(Path("r.capacity_steps.csv")));
}

TEST_F(CliGateTest, UnknownMetricInScenarioIsBadInputWithFileLineColumn) {
  const std::string file = Write("bad.yaml", std::string(kUnary) +
                                                 "thresholds:\n"
                                                 "  - error_rate < 1%\n"
                                                 "  - mesage_latency.p99 < 5ms\n");
  // The bad entry is on line 9, its value starts in column 5.
  for (const char* command : {"run", "validate"}) {
    const CliResult r = Cli({command, file});
    EXPECT_EQ(r.code, 2) << command;
    EXPECT_THAT(r.err, HasSubstr(file + ":9:5: thresholds[1]:")) << r.err;
    EXPECT_THAT(r.err, HasSubstr("unknown metric \"mesage_latency.p99\""));
    EXPECT_THAT(r.err, HasSubstr("did you mean \"message_latency.p99\""));
    EXPECT_TRUE(r.out.empty()) << "nothing ran";
  }
  // A variant the file does not declare is refused the same way.
  const std::string variant = Write(
      "variant.yaml", std::string(kUnary) + "thresholds: [\"[variant=nope] error_rate < 1%\"]\n");
  const CliResult v = Cli({"validate", variant});
  EXPECT_EQ(v.code, 2);
  EXPECT_THAT(v.err, HasSubstr(variant + ":7:14: thresholds[0]: variant `nope` is not declared"));
}

TEST_F(CliGateTest, BadGateOptionsAreBadInputBeforeAnythingRuns) {
  const std::string file = Write("s.yaml", kUnary);
  CliResult r = Cli({"run", file, "--threshold", "frobs.p99 < 5ms", "--out", Path("r.json")});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--threshold: "));
  EXPECT_THAT(r.err, HasSubstr("unknown metric \"frobs.p99\""));
  EXPECT_FALSE(fs::exists(Path("r.json")));

  r = Cli({"run", file, "--threshold", "[variant=nope] error_rate < 1%"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("no variant `nope`"));

  r = Cli({"run", file, "--tolerance", "lots"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--tolerance"));

  r = Cli({"run", file, "--baseline", Path("missing.json")});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--baseline"));
  EXPECT_THAT(r.err, HasSubstr("missing.json"));

  r = Cli({"run", file, "--baseline", Write("not-results.json", "{\"hello\": 1}")});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("not-results.json"));
}

// Scales one run's throughput and latencies in a results document, to fabricate a baseline that
// is better (factor > 1: more throughput, less latency) or worse than the run it came from.
nlohmann::json Scaled(nlohmann::json doc, double factor) {
  for (auto& run : doc["runs"]) {
    for (auto& [key, value] : run["throughput"].items()) {
      if (value.is_number()) value = value.get<double>() * factor;
    }
    for (auto& [kind, summary] : run["latency_us"].items()) {
      for (const char* p : {"p50", "p90", "p99", "p999", "max", "mean", "min"}) {
        summary[p] = summary[p].get<double>() / factor;
      }
    }
  }
  return doc;
}

TEST_F(CliGateTest, BaselineRegressionExitsOneAndImprovementExitsZeroWithJunit) {
  const std::string file = Write("s.yaml", kUnary);
  CliResult r = Cli({"run", file, "--quiet", "--out", Path("first.json")});
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json first = ReadJson(Path("first.json"));
  EXPECT_FALSE(first.contains("gate")) << "no gate asked for";
  // 10x better than what this machine does: the next run regresses beyond any tolerance below.
  std::ofstream(Path("better-baseline.json")) << Scaled(first, 10).dump(2);
  // 10x worse: the next run is an improvement.
  std::ofstream(Path("worse-baseline.json")) << Scaled(first, 0.1).dump(2);

  r = Cli({"run", file, "--baseline", Path("better-baseline.json"), "--tolerance", "50%",
           "--threshold", "error_rate == 0", "--junit", Path("regressed.xml"), "--out",
           Path("regressed.json")});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("REGRESSED"));
  EXPECT_THAT(r.out, HasSubstr("FAIL  baseline [default] throughput.calls_per_s"));
  const nlohmann::json regressed = ReadJson(Path("regressed.json"));
  EXPECT_EQ(regressed["gate"]["pass"], false);
  EXPECT_EQ(regressed["gate"]["baseline_path"], Path("better-baseline.json"));
  const size_t baseline_checks = regressed["gate"]["baseline"].size();
  EXPECT_GE(baseline_checks, 8u);
  size_t failed_checks = 0;
  for (const auto& c : regressed["gate"]["baseline"]) {
    if (c["passed"] == false) ++failed_checks;
    if (c["metric"] == "throughput.calls_per_s") {
      EXPECT_EQ(c["passed"], false);
      // Baseline: the first run's figure x10; current: this run's; ratio: the one over the other.
      EXPECT_DOUBLE_EQ(c["baseline"].get<double>(),
                       10 * first["runs"][0]["throughput"]["calls_per_s"].get<double>());
      EXPECT_DOUBLE_EQ(c["current"].get<double>(),
                       regressed["runs"][0]["throughput"]["calls_per_s"].get<double>());
      EXPECT_NEAR(c["ratio"].get<double>(),
                  c["current"].get<double>() / c["baseline"].get<double>(), 1e-9)
          << c.dump();
      EXPECT_DOUBLE_EQ(c["tolerance"].get<double>(), 0.5);
    }
  }
  EXPECT_GE(failed_checks, 4u);

  // The JUnit file: one testcase per threshold result and per baseline check; the failures
  // carry the measured value.
  std::ifstream junit_in(Path("regressed.xml"));
  const std::string junit((std::istreambuf_iterator<char>(junit_in)),
                          std::istreambuf_iterator<char>());
  ASSERT_THAT(junit, HasSubstr("<?xml"));
  auto count = [&junit](const std::string& needle) {
    size_t n = 0;
    for (size_t at = junit.find(needle); at != std::string::npos; at = junit.find(needle, at + 1))
      ++n;
    return n;
  };
  EXPECT_EQ(count("<testcase "), 1 + baseline_checks);
  EXPECT_EQ(count("<failure "), failed_checks);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(junit, m, std::regex("<testsuites[^>]* tests=\"(\\d+)\"")));
  EXPECT_EQ(std::stoul(m[1]), 1 + baseline_checks);
  EXPECT_THAT(junit, HasSubstr("throughput.calls_per_s"));

  r = Cli({"run", file, "--quiet", "--baseline", Path("worse-baseline.json"), "--junit",
           Path("improved.xml")});
  EXPECT_EQ(r.code, 0) << r.err;
  std::ifstream improved_in(Path("improved.xml"));
  const std::string improved((std::istreambuf_iterator<char>(improved_in)),
                             std::istreambuf_iterator<char>());
  EXPECT_THAT(improved, HasSubstr("<testcase "));
  EXPECT_THAT(improved, Not(HasSubstr("<failure")));
}

TEST_F(CliGateTest, CompareExitCodes) {
  const std::string file = Write("s.yaml", kUnary);
  ASSERT_EQ(Cli({"run", file, "--quiet", "--duration", "300ms", "--out", Path("a.json")}).code, 0);
  const nlohmann::json a = ReadJson(Path("a.json"));
  std::ofstream(Path("slower.json")) << Scaled(a, 0.1).dump(2);

  CliResult r = Cli({"compare", Path("a.json"), Path("a.json")});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("throughput.calls_per_s"));
  r = Cli({"compare", Path("a.json"), Path("slower.json")});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_THAT(r.out, HasSubstr("REGRESSED"));
  // 10x slower passes only when the tolerance allows it.
  r = Cli({"compare", Path("a.json"), Path("slower.json"), "--tolerance", "1000%"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(Cli({"compare", Path("a.json"), Path("missing.json")}).code, 2);
  r = Cli({"compare", Path("a.json")});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("two results files"));
  EXPECT_EQ(Cli({"compare", Path("a.json"), Path("a.json"), Path("a.json")}).code, 2);
  r = Cli({"--help"});
  EXPECT_THAT(r.out, HasSubstr("compare A.json B.json"));
  r = Cli({"compare", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("--tolerance"));
}

TEST_F(CliGateTest, MetricsPortZeroServesMetricsDuringTheRun) {
  const std::string file = Write("s.yaml", kUnary);
  std::vector<std::string> args = {"streambench",    "run", file, "--quiet", "--duration", "3s",
                                   "--metrics-port", "0"};
  testing::SharedStringBuf err_buf;
  std::ostream err(&err_buf);
  std::ostringstream out;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  auto run = std::async(std::launch::async, [&] {
    return RunCli(static_cast<int>(argv.size()), argv.data(), out, err, false);
  });

  // The port, from the `metrics on HOST:PORT` line.
  int port = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::smatch m;
  while (port == 0 && std::chrono::steady_clock::now() < give_up &&
         run.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
    const std::string text = err_buf.Text();
    if (std::regex_search(text, m, std::regex("metrics on 127\\.0\\.0\\.1:(\\d+)\n"))) {
      port = std::stoi(m[1]);
    }
  }
  ASSERT_GT(port, 0) << err_buf.Text();
  // Scrape while the run goes on until the generator's counters show traffic.
  std::string body;
  bool saw_traffic = false;
  while (!saw_traffic &&
         run.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
    const testing::HttpResponse response = testing::HttpGet(port, "/metrics", 2000);
    if (response.status != 200) continue;
    body = response.body;
    saw_traffic = std::regex_search(
        body, m,
        std::regex("streambench_client_calls_started_total\\{[^}]*scenario=\"gate-test\"[^}]*\\} "
                   "([1-9][0-9]*)"));
  }
  const int code = run.get();
  EXPECT_EQ(code, 0) << err_buf.Text();
  EXPECT_TRUE(saw_traffic) << "no traffic in any mid-run scrape; last one:\n" << body;
  EXPECT_THAT(body, HasSubstr("variant=\"default\""));
  EXPECT_THAT(body, HasSubstr("mode=\"unary\""));
  EXPECT_THAT(body, HasSubstr("streambench_client_active_streams"));
}

// A listening loopback socket (a port someone else holds, or a server that never answers).
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return;
    }
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() {
    if (fd_ >= 0) ::close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST_F(CliGateTest, MetricsFlagErrors) {
  const std::string file = Write("s.yaml", kUnary);
  Listener taken;
  ASSERT_GT(taken.port(), 0);
  CliResult r = Cli({"run", file, "--quiet", "--metrics-port", std::to_string(taken.port()),
                     "--out", Path("r.json")});
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr(std::to_string(taken.port())));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  EXPECT_FALSE(fs::exists(Path("r.json"))) << "nothing ran";

  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"--metrics-port", "70000"},
           {"--metrics-port", "x"},
           {"--push-gateway", "ftp://127.0.0.1:9091"},
           {"--push-gateway", "127.0.0.1:9091"},
           {"--push-gateway", "http://127.0.0.1:9091", "--job", "a/b"},
           {"--job", ""},
           {"--push-timeout", "0s"}}) {
    std::vector<std::string> args = {"run", file, "--quiet"};
    args.insert(args.end(), bad.begin(), bad.end());
    r = Cli(args);
    EXPECT_EQ(r.code, 2) << bad[0] << " " << bad[1] << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr(bad.size() > 2 ? bad[2] : bad[0]));
  }
}

// A Pushgateway that accepts the connection and never answers must not hold the CLI for more
// than its bounded wait (--push-timeout, 1 s here); the run's results are still written and the
// exit code is the run's own.
TEST_F(CliGateTest, HangingPushgatewayDoesNotHangTheRun) {
  const std::string file = Write("s.yaml", kUnary);
  Listener silent;
  ASSERT_GT(silent.port(), 0);
  auto timed = [&](std::vector<std::string> args) {
    const auto start = std::chrono::steady_clock::now();
    const CliResult r = Cli(args);
    return std::make_pair(
        r, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  };
  // The same run without a gateway: what the push adds is measured against it, not against a
  // fixed wall-clock figure that a loaded machine could exceed.
  const auto [plain, plain_s] = timed({"run", file, "--quiet", "--duration", "300ms"});
  ASSERT_EQ(plain.code, 0) << plain.err;
  const auto [r, pushed_s] = timed({"run", file, "--quiet", "--duration", "300ms", "--push-gateway",
                                    "http://127.0.0.1:" + std::to_string(silent.port()),
                                    "--push-timeout", "1s", "--out", Path("r.json")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Pushgateway did not answer within 1s"));
  EXPECT_TRUE(fs::exists(Path("r.json")));
  // The 1 s push timeout, and a second of slack for the two runs' own differences.
  EXPECT_LT(pushed_s - plain_s, 2.0) << "bounded by the push timeout, not by the gateway";
}

TEST_F(CliGateTest, DroppedOpsAreReportedInJsonCsvAndConsole) {
  // One stream, open loop at 10k 1 KiB messages/s, and a server that stops reading after the
  // first message: flow control blocks the writes, the stream's queue fills, and the worker
  // drops what it cannot queue.
  const std::string file =
      Write("s.yaml",
            "name: drops\n"
            "mode: bidi\n"
            "load: {type: constant, rate: 10000/s}\n"
            "request: {payload_size: 1KiB}\n"
            "server_behavior: {bidi: echo, read_stall: {after_messages: 1, duration: 3s}}\n"
            "expect: {statuses: {OK: any, CANCELLED: any}, allow_integrity_errors: true}\n"
            "warmup: 0s\n"
            "duration: 1s\n");
  const CliResult r = Cli({"run", file, "--out", Path("r.json"), "--csv", Path("r.csv")});
  const nlohmann::json j = ReadJson(Path("r.json"));
  ASSERT_EQ(j["runs"].size(), 1u) << r.err;
  const uint64_t dropped = j["runs"][0]["dropped_ops"].get<uint64_t>();
  EXPECT_GT(dropped, 1000u) << r.err;
  EXPECT_LT(dropped, 10'001u);
  EXPECT_THAT(r.out, HasSubstr("dropped"));
  std::ifstream csv(Path("r.csv"));
  std::string header, row;
  ASSERT_TRUE(std::getline(csv, header));
  ASSERT_TRUE(std::getline(csv, row));
  std::vector<std::string> columns, values;
  for (auto [text, out] : {std::pair{&header, &columns}, std::pair{&row, &values}}) {
    std::stringstream in(*text);
    std::string field;
    while (std::getline(in, field, ',')) out->push_back(field);
  }
  const auto at = std::find(columns.begin(), columns.end(), "dropped_ops");
  ASSERT_NE(at, columns.end());
  EXPECT_EQ(values.at(at - columns.begin()), std::to_string(dropped));
}

}  // namespace
}  // namespace streambench::runner
