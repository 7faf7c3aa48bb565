// Hostile and broken targets: `streambench run` (in process, both engines) against a real socket
// on loopback that is not a gRPC server, or is one that misbehaves (tests/bench/runner/
// hostile_server.h, and the reference server recycling its connections). For each: the failure
// classified as gRPC C++ reports it (the one-line diagnosis and exit 3 when nothing connected,
// else the calls counted by status name in the results), the memory the generator holds bounded,
// the run ending by itself at its duration plus its drain, and a complete results file (it parses
// and has every section a healthy run's file has).
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "tests/bench/runner/child_process.h"
#include "tests/bench/runner/cli_test_fixture.h"
#include "tests/bench/runner/hostile_server.h"
#include "tests/bench/test_engine.h"

#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer holds freed memory in a quarantine (256 MiB by default) that would count as
// growth here; a small one keeps the memory bound meaningful under the sanitizer. CI's
// ASAN_OPTIONS, parsed after these defaults, still sets the other flags.
extern "C" const char* __asan_default_options() { return "quarantine_size_mb=8"; }
#endif

namespace streambench {
namespace {

using testing::Cli;
using testing::CliResult;
using testing::HostileKind;
using testing::HostileOptions;
using testing::HostileServer;

// The run's drain (RunOptions::drain_timeout's default): calls still in flight at the end of the
// duration get this long before they are cancelled.
constexpr double kDrainS = 2.0;
// What the generator may add to its resident memory in one short run against a hostile target
// (a healthy 1 s run adds a few MiB; one that buffered without bound would add hundreds).
constexpr int64_t kRssGrowthBoundKiB = 128 * 1024;

int64_t VmHwmKiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

size_t CountOf(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

uint64_t Code(const nlohmann::json& run, const std::string& name) {
  const nlohmann::json& by_code = run["calls"]["by_code"];
  return by_code.contains(name) ? by_code[name].get<uint64_t>() : 0;
}

std::set<std::string> Keys(const nlohmann::json& object) {
  std::set<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.insert(it.key());
  return keys;
}

class HostileTargetTest : public testing::CliFixture {
 protected:
  struct Outcome {
    CliResult cli;
    nlohmann::json results;  // null when no file was written
    int64_t rss_growth_kib = 0;
  };

  // `streambench run` of `body` (mode, load, ...) against `address` (empty: the embedded server)
  // for `duration_s`.
  Outcome Run(const std::string& address, const std::string& body, double duration_s = 1.0) {
    std::ostringstream yaml;
    yaml << "name: hostile\n"
         << (address.empty() ? "" : "target: " + address + "\n")
         << "warmup: 0s\nduration: " << static_cast<int>(duration_s * 1000) << "ms\n"
         << body;
    const std::string file = Write("s.yaml", yaml.str());
    Outcome outcome;
    const int64_t rss_before = testing::VmRssKiB();
    outcome.cli = Cli({"run", file, "--quiet", "--out", Path("r.json")});
    outcome.rss_growth_kib = testing::VmRssKiB() - rss_before;
    if (std::filesystem::exists(Path("r.json"))) outcome.results = ReadJson(Path("r.json"));
    std::cerr << "exit " << outcome.cli.code << ", stderr: " << outcome.cli.err << "rss growth "
              << outcome.rss_growth_kib << " KiB, peak " << VmHwmKiB() << " KiB\n";
    return outcome;
  }

  // The sections of a healthy run's results (a short run against the embedded server).
  static const std::set<std::string>& HealthySections() {
    static const std::set<std::string>* sections = [] {
      const std::filesystem::path dir =
          std::filesystem::temp_directory_path() /
          ("streambench_hostile_control_" + std::to_string(::getpid()));
      std::filesystem::create_directories(dir);
      std::ofstream((dir / "s.yaml").string())
          << "name: control\nmode: unary\nwarmup: 0s\nduration: 200ms\n"
             "load: {type: closed, outstanding: 1}\n";
      const CliResult r =
          Cli({"run", (dir / "s.yaml").string(), "--quiet", "--out", (dir / "r.json").string()});
      EXPECT_EQ(r.code, 0) << r.err;
      std::ifstream in((dir / "r.json").string());
      const nlohmann::json control = nlohmann::json::parse(in);
      std::filesystem::remove_all(dir);
      return new std::set<std::string>(Keys(control["runs"][0]));
    }();
    return *sections;
  }

  // A complete results file of one run that ended by itself on time, its memory bounded.
  static void ExpectCompleteBoundedRun(const Outcome& o, double duration_s) {
    EXPECT_LT(o.rss_growth_kib, kRssGrowthBoundKiB);
    ASSERT_TRUE(o.results.is_object()) << "no results file; stderr: " << o.cli.err;
    ASSERT_EQ(o.results["runs"].size(), 1u);
    const nlohmann::json& run = o.results["runs"][0];
    const std::set<std::string> keys = Keys(run);
    for (const std::string& section : HealthySections()) {
      EXPECT_EQ(keys.count(section), 1u) << "the results lack `" << section << "`";
    }
    EXPECT_FALSE(run["interrupted"].get<bool>());
    // The measured phase is the duration, however the target behaved; the drain after it is
    // bounded by kDrainS (its calls are then cancelled), so the run cannot hang on the target.
    EXPECT_GE(run["duration_s"].get<double>(), duration_s - 0.01);
    EXPECT_LE(run["duration_s"].get<double>(), duration_s + kDrainS);
    uint64_t by_code_total = 0;
    for (const auto& [name, count] : run["calls"]["by_code"].items()) {
      by_code_total += count.get<uint64_t>();
    }
    EXPECT_EQ(by_code_total, run["calls"]["finished"].get<uint64_t>()) << run["calls"];
  }

  // Nothing connected: exit 3, one line naming the target and the cause, no results.
  static void ExpectCouldNotConnect(const Outcome& o, const std::string& address,
                                    const std::string& cause) {
    EXPECT_EQ(o.cli.code, 3) << o.cli.err;
    EXPECT_NE(o.cli.err.find("cannot reach " + address), std::string::npos) << o.cli.err;
    EXPECT_NE(o.cli.err.find(cause), std::string::npos) << o.cli.err;
    EXPECT_EQ(CountOf(o.cli.err, "\n"), 1u) << o.cli.err;
    EXPECT_TRUE(o.results.is_null());
    EXPECT_LT(o.rss_growth_kib, kRssGrowthBoundKiB);
  }

  // Every finished call ended `code` (and some did).
  static void ExpectEveryCall(const Outcome& o, const std::string& code) {
    ASSERT_TRUE(o.results.is_object());
    const nlohmann::json& run = o.results["runs"][0];
    EXPECT_GT(Code(run, code), 0u) << run["calls"];
    EXPECT_EQ(Code(run, code), run["calls"]["finished"].get<uint64_t>()) << run["calls"];
    EXPECT_EQ(o.cli.code, 1) << "the unexpected status fails the run's expectations";
  }
};

constexpr char kUnaryClosedLoop[] =
    "mode: unary\nconnections: 2\nload: {type: closed, outstanding: 4}\n";

// --- the target is not gRPC ---

TEST_F(HostileTargetTest, Http1ServerIsNamedAndNothingRuns) {
  HostileServer server({HostileKind::kHttp1});
  const Outcome o = Run(server.address(), kUnaryClosedLoop);
  ExpectCouldNotConnect(o, server.address(),
                        "the target answers HTTP/1 (\"HTTP/1.1 400 Bad Request\"), not HTTP/2: not "
                        "a gRPC server");
  EXPECT_GT(server.connections(), 0u);
}

TEST_F(HostileTargetTest, SilentPortIsNamedAndNothingRuns) {
  HostileServer server({HostileKind::kSilent});
  const Outcome o = Run(server.address(), kUnaryClosedLoop);
  ExpectCouldNotConnect(o, server.address(),
                        "the target accepts connections but never answers an HTTP/2 client");
  EXPECT_GT(server.connections(), 0u);
}

TEST_F(HostileTargetTest, ResettingPortIsNamedAndNothingRuns) {
  HostileServer server({HostileKind::kReset});
  const Outcome o = Run(server.address(), kUnaryClosedLoop);
  ExpectCouldNotConnect(o, server.address(), "the target resets connections");
  EXPECT_GT(server.connections(), 0u);
}

// An HTTP/2 server that is no gRPC server (a web server, Prometheus): HTTP 200 with HTML and no
// grpc-status. gRPC C++ (1.51) reports such a call UNKNOWN, as any call without grpc-status; the
// h2 engine agrees (it does not read an HTML body as gRPC messages).
TEST_F(HostileTargetTest, Http2HtmlServerCallsAreClassified) {
  HostileServer server({HostileKind::kHtml});
  const Outcome o = Run(server.address(), kUnaryClosedLoop);
  ExpectCompleteBoundedRun(o, 1.0);
  EXPECT_GT(server.streams_answered(), 0u);
  ExpectEveryCall(o, "UNKNOWN");
}

// --- a gRPC server that misbehaves ---

// gRPC C++ reports UNKNOWN; with its retry filter on, gRPC 1.51 aborted the whole process here
// (the generator's channels now run without it: bench/engines/grpc/grpc_channels.cc).
TEST_F(HostileTargetTest, TrailersWithoutGrpcStatusAreClassified) {
  HostileServer server({HostileKind::kNoGrpcStatus});
  const Outcome o = Run(server.address(), kUnaryClosedLoop);
  ExpectCompleteBoundedRun(o, 1.0);
  EXPECT_GT(server.streams_answered(), 0u);
  ExpectEveryCall(o, "UNKNOWN");
}

TEST_F(HostileTargetTest, UnparsableResponsesAreInternal) {
  HostileServer server({HostileKind::kUnparsable});
  const Outcome o = Run(server.address(), kUnaryClosedLoop);
  ExpectCompleteBoundedRun(o, 1.0);
  ExpectEveryCall(o, "INTERNAL");
}

// A response over the client's max_receive_message (64 KiB here, 256 KiB sent) is refused by
// both engines: RESOURCE_EXHAUSTED, none of it delivered.
TEST_F(HostileTargetTest, OversizedResponsesAreResourceExhausted) {
  HostileServer server({HostileKind::kOversized, 256 * 1024});
  const Outcome o = Run(server.address(), std::string(kUnaryClosedLoop) +
                                              "transport: {max_receive_message: 64KiB}\n");
  ExpectCompleteBoundedRun(o, 1.0);
  const nlohmann::json& run = o.results["runs"][0];
  EXPECT_EQ(o.cli.code, 1);
  EXPECT_EQ(run["messages"]["received"].get<uint64_t>(), 0u);
  // Each refusal resets the stream; nghttp2's server (the test's) answers a burst of resets by
  // closing the connection (its rapid-reset defence), whose calls in flight end UNAVAILABLE.
  const uint64_t finished = run["calls"]["finished"].get<uint64_t>();
  EXPECT_GE(Code(run, "RESOURCE_EXHAUSTED") * 100, finished * 99) << run["calls"];
  EXPECT_EQ(Code(run, "RESOURCE_EXHAUSTED") + Code(run, "UNAVAILABLE"), finished) << run["calls"];
}

// GOAWAY every 20 streams: the calls above the GOAWAY's last stream fail UNAVAILABLE (or go to
// the next connection), the generator reconnects and the load goes on.
TEST_F(HostileTargetTest, GoawayMidRunReconnectsAndGoesOn) {
  HostileServer server({HostileKind::kGoawayAfter, 0, 20});
  const Outcome o = Run(server.address(), std::string(kUnaryClosedLoop) +
                                              "expect: {statuses: {OK: any, UNAVAILABLE: any}}\n");
  ExpectCompleteBoundedRun(o, 1.0);
  EXPECT_EQ(o.cli.code, 0) << o.cli.err;
  const nlohmann::json& run = o.results["runs"][0];
  EXPECT_GE(server.goaways_sent(), 3u);
  EXPECT_GE(server.connections(), 3u) << "reconnected after each GOAWAY";
  EXPECT_GT(Code(run, "OK"), 2 * 20u) << "calls went on over the new connections";
  EXPECT_EQ(Code(run, "OK") + Code(run, "UNAVAILABLE"), run["calls"]["finished"].get<uint64_t>());
}

// The reference server (embedded, `server_transport.max_connection_age`) recycles every
// connection after 500 ms: gRPC's GOAWAY with a grace for the calls in flight, so the calls go on
// over new connections with at most a few failures. The emulated link in front (no delay) counts
// the connections the generator opened.
TEST_F(HostileTargetTest, MaxConnectionAgeRecyclesConnectionsAndCallsGoOn) {
  const Outcome o = Run("",
                        std::string(kUnaryClosedLoop) +
                            "server_transport: {max_connection_age: 500ms}\nlink: {rtt: 0s}\n"
                            "expect: {statuses: {OK: any, UNAVAILABLE: any}}\n",
                        2.0);
  ExpectCompleteBoundedRun(o, 2.0);
  EXPECT_EQ(o.cli.code, 0) << o.cli.err;
  const nlohmann::json& run = o.results["runs"][0];
  EXPECT_GE(run["link"]["connections"].get<uint64_t>(), 2 * 3u) << "each of 2 recycled twice";
  EXPECT_GT(Code(run, "OK"), 100u);
  EXPECT_LE(Code(run, "UNAVAILABLE") * 100, Code(run, "OK")) << run["calls"];
}

// A server that stops reading once a stream opened: the client's writes block on flow control
// (64 KiB windows, 16 KiB messages). The run still ends at its duration plus the drain, its
// calls cancelled.
TEST_F(HostileTargetTest, StalledReadsEndOnTimeWithCallsCancelled) {
  HostileServer server({HostileKind::kStallReads});
  const Outcome o = Run(server.address(),
                        "mode: client_stream\nconnections: 1\nstreams_per_connection: 2\n"
                        "request: {payload_size: 16KiB}\nload: {type: closed, outstanding: 1}\n");
  ExpectCompleteBoundedRun(o, 1.0);
  const nlohmann::json& run = o.results["runs"][0];
  EXPECT_GT(run["calls"]["finished"].get<uint64_t>(), 0u) << run["calls"];
  EXPECT_EQ(Code(run, "CANCELLED") + Code(run, "DEADLINE_EXCEEDED"),
            run["calls"]["finished"].get<uint64_t>())
      << run["calls"];
  EXPECT_LT(run["bytes"]["sent"].get<uint64_t>(), 1u << 20) << "flow control held the writes";
}

// --- the emulated link's scheduled faults, in front of the embedded server ---

// A run against the embedded server behind `link`, for 3 s.
constexpr double kLinkRunS = 3.0;
std::string LinkFaultScenario(const std::string& faults, const std::string& extra = "",
                              const std::string& load = kUnaryClosedLoop) {
  return load + "link: {faults: " + faults + "}\n" + extra +
         "expect: {statuses: {OK: any, UNAVAILABLE: any, DEADLINE_EXCEEDED: any}}\n";
}

// The results' outages (the outage tracker's, bench/drivers/outage_tracker.h).
const nlohmann::json& Outages(const nlohmann::json& run) {
  static const nlohmann::json kNone = nlohmann::json::array();
  return run.contains("outages") ? run["outages"] : kNone;
}

// Every open connection reset at 1 s: the calls in flight end UNAVAILABLE, the slots reconnect
// and the load goes on; the outage is reported, recovered. One connection, so the cut takes
// every channel down at once (an outage is a time with none up). Calls start on a schedule and
// take 50 ms at the server, so about 50 are in flight when it comes. (Closed-loop calls of equal
// length finish together: a cut in the moment before the next ones start finds none in flight,
// and a reset idle connection fails no call and is no outage.)
TEST_F(HostileTargetTest, LinkCutResetsConnectionsAndTheRunReconnects) {
  const Outcome o =
      Run("",
          LinkFaultScenario("[{at: 1s, cut: true}]", "server_behavior: {response_delay: 50ms}\n",
                            "mode: unary\nconnections: 1\nstreams_per_connection: "
                            "4\nload: {type: constant, rate: 1000/s}\n"),
          kLinkRunS);
  ExpectCompleteBoundedRun(o, kLinkRunS);
  EXPECT_EQ(o.cli.code, 0) << o.cli.err;
  const nlohmann::json& run = o.results["runs"][0];
  EXPECT_GT(Code(run, "UNAVAILABLE"), 0u) << run["calls"];
  EXPECT_GT(Code(run, "OK"), 50u) << run["calls"];
  // A failed call counts toward an outage when its channel is not connected as it ends. The h2
  // engine ends the calls of a lost connection before it can reconnect, so the cut is always an
  // outage there. gRPC's channel may already have reconnected (to a relay on loopback, prompted
  // by the next scheduled call) when a failed call's callback asks it: then the failures read as
  // UNAVAILABLE from the server and no outage is recorded.
  if (streambench::testing::TestEngineName() != "h2") return;
  ASSERT_GE(Outages(run).size(), 1u) << run["calls"];
  EXPECT_TRUE(Outages(run).back()["recovered"].get<bool>()) << Outages(run);
}

// The run's per-second series: some second had calls failing `code` and the last second had OK
// calls only (the link came back). A stall or a slow link leaves the connections up, so it is no
// outage (the outage tracker counts connection failures) but it shows in the series.
void ExpectFailuresThenRecovery(const nlohmann::json& run, const std::string& code) {
  ASSERT_TRUE(run.contains("series"));
  const nlohmann::json& series = run["series"];
  ASSERT_GE(series.size(), 2u);
  bool failed_in_some_second = false;
  for (const nlohmann::json& second : series) {
    failed_in_some_second = failed_in_some_second || second["calls_by_code"].contains(code);
  }
  EXPECT_TRUE(failed_in_some_second) << series.size() << " seconds";
  const nlohmann::json& last = series.back()["calls_by_code"];
  EXPECT_GT(last.value("OK", 0u), 100u) << last;
  EXPECT_EQ(last.size(), 1u) << "only OK once the link is back: " << last;
  EXPECT_TRUE(Outages(run).empty()) << Outages(run);
}

// Nothing forwarded for 1 s from 1 s on: calls with a 200 ms deadline end DEADLINE_EXCEEDED in
// the stall, the run goes on afterwards and ends on time.
TEST_F(HostileTargetTest, LinkStallExpiresDeadlinesAndTheRunGoesOn) {
  const Outcome o =
      Run("", LinkFaultScenario("[{at: 1s, stall: 1s}]", "call: {deadline: 200ms}\n"), kLinkRunS);
  ExpectCompleteBoundedRun(o, kLinkRunS);
  EXPECT_EQ(o.cli.code, 0) << o.cli.err;
  const nlohmann::json& run = o.results["runs"][0];
  EXPECT_GT(Code(run, "DEADLINE_EXCEEDED"), 0u) << run["calls"];
  ExpectFailuresThenRecovery(run, "DEADLINE_EXCEEDED");
}

// Bandwidth collapses to 8 kbit/s for 1 s: 4 KiB requests take seconds each, so calls with a
// 200 ms deadline fail until it comes back.
TEST_F(HostileTargetTest, LinkBandwidthCollapseExpiresDeadlinesUntilItRecovers) {
  const Outcome o =
      Run("",
          LinkFaultScenario("[{at: 1s, bandwidth: 8kbit, for: 1s}]",
                            "request: {payload_size: 4KiB}\ncall: {deadline: 200ms}\n"),
          kLinkRunS);
  ExpectCompleteBoundedRun(o, kLinkRunS);
  EXPECT_EQ(o.cli.code, 0) << o.cli.err;
  const nlohmann::json& run = o.results["runs"][0];
  EXPECT_GT(Code(run, "DEADLINE_EXCEEDED"), 0u) << run["calls"];
  ExpectFailuresThenRecovery(run, "DEADLINE_EXCEEDED");
}

// A bad fault is named by file, line and field; exit 2.
TEST_F(HostileTargetTest, ABadLinkFaultIsNamed) {
  const std::string file = Write("bad.yaml",
                                 "name: bad\nmode: unary\nlink:\n  faults:\n"
                                 "    - {at: 1s, cut: true, stall: 1s}\n");
  const CliResult r = Cli({"validate", file});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("bad.yaml:5"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("link.faults[0]"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace streambench
