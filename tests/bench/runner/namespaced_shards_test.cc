// Sharded runs as separate hosts would be: the server in a network namespace of its own, each
// `streambench run --shard I/N` in another, joined to the server's by a veth pair on a /24 of its
// own (10.77.I.0/24), so every shard reaches the server from its own address over a real
// (virtual) link, not loopback. The merged totals must equal the server's counters, and every
// shard's calls went over its own link. Needs CAP_NET_ADMIN (root) for `ip netns` and veth;
// without it the test skips and says why. Nothing touches the test's own namespace: the server's
// /metrics is read from a thread that joins the server's namespace.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/metrics/loopback_http.h"
#include "tests/bench/metrics/prometheus_text.h"
#include "tests/bench/runner/child_process.h"

namespace streambench {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using testing::ChildProcess;

constexpr char kIp[] = "/usr/sbin/ip";
constexpr int kShards = 3;

// Runs `ip ARGS...`; true when it exits 0 (its stderr in *why otherwise).
bool Ip(const std::vector<std::string>& args, const std::string& err_path, std::string* why) {
  ChildProcess ip(kIp, args, err_path);
  if (ip.Wait(milliseconds(10000)) == 0) return true;
  std::ifstream in(err_path);
  std::string text(std::istreambuf_iterator<char>(in), {});
  *why = "ip";
  for (const auto& a : args) *why += " " + a;
  *why += ": " + text;
  return false;
}

// GET /metrics on 127.0.0.1:port inside network namespace `netns` (joined by a thread of ours,
// since a thread's namespace is its own).
testing::HttpResponse GetMetricsIn(const std::string& netns, int port) {
  testing::HttpResponse response;
  std::thread([&] {
    const int fd = ::open(("/var/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
      response.error = "cannot join network namespace " + netns;
      if (fd >= 0) ::close(fd);
      return;
    }
    ::close(fd);
    response = testing::HttpGet(port, "/metrics");
  }).join();
  return response;
}

class NamespacedShardsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("streambench_netns_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    prefix_ = "sb" + std::to_string(::getpid() % 100000);
    if (::access(kIp, X_OK) != 0) GTEST_SKIP() << kIp << " is not installed (iproute2)";
    std::string why;
    if (!AddNamespace(Server(), &why)) {
      GTEST_SKIP() << "network namespaces are not available here (needs CAP_NET_ADMIN, e.g. "
                      "root): "
                   << why;
    }
    for (int i = 0; i < kShards; ++i) {
      const std::string a = prefix_ + "a" + std::to_string(i);
      const std::string b = prefix_ + "b" + std::to_string(i);
      const std::string net = "10.77." + std::to_string(i) + ".";
      ASSERT_TRUE(AddNamespace(Shard(i), &why)) << why;
      ASSERT_TRUE(Ip({"link", "add", a, "netns", Server(), "type", "veth", "peer", "name", b,
                      "netns", Shard(i)},
                     Err(), &why))
          << why;
      ASSERT_TRUE(Ip({"-n", Server(), "addr", "add", net + "1/24", "dev", a}, Err(), &why)) << why;
      ASSERT_TRUE(Ip({"-n", Server(), "link", "set", a, "up"}, Err(), &why)) << why;
      ASSERT_TRUE(Ip({"-n", Shard(i), "addr", "add", net + "2/24", "dev", b}, Err(), &why)) << why;
      ASSERT_TRUE(Ip({"-n", Shard(i), "link", "set", b, "up"}, Err(), &why)) << why;
    }
  }
  void TearDown() override {
    server_.reset();
    std::string unused;
    for (const std::string& ns : namespaces_) Ip({"netns", "del", ns}, Err(), &unused);
    fs::remove_all(dir_);
  }

  std::string Server() const { return prefix_ + "srv"; }
  std::string Shard(int i) const { return prefix_ + "s" + std::to_string(i); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  std::string Err() const { return Path("ip.err"); }

  bool AddNamespace(const std::string& ns, std::string* why) {
    if (!Ip({"netns", "add", ns}, Err(), why)) return false;
    namespaces_.push_back(ns);
    return Ip({"-n", ns, "link", "set", "lo", "up"}, Err(), why);
  }

  fs::path dir_;
  std::string prefix_;
  std::vector<std::string> namespaces_;
  std::unique_ptr<ChildProcess> server_;
};

TEST_F(NamespacedShardsTest, ShardsOnTheirOwnAddressesMergeToTheServersCounters) {
  server_ = std::make_unique<ChildProcess>(
      kIp, std::vector<std::string>{"netns", "exec", Server(), STREAMBENCH_SERVER_BINARY, "--host",
                                    "0.0.0.0", "--port", "0", "--metrics-port", "0"});
  const std::string listening = server_->ReadLine(milliseconds(10000));
  const std::string metrics = server_->ReadLine(milliseconds(10000));
  ASSERT_EQ(listening.rfind("listening on ", 0), 0u) << listening;
  const std::string port = listening.substr(listening.rfind(':') + 1);
  const int metrics_port = std::stoi(metrics.substr(metrics.rfind(':') + 1));
  const std::string scenario = Path("s.yaml");
  std::ofstream(scenario) << "name: namespaced\nmode: unary\nconnections: 3\n"
                             "streams_per_connection: 2\nload: {type: closed, outstanding: 1}\n"
                             "warmup: 0s\nduration: 1s\n";
  std::vector<std::unique_ptr<ChildProcess>> shards;
  for (int i = 0; i < kShards; ++i) {
    shards.push_back(std::make_unique<ChildProcess>(
        kIp,
        std::vector<std::string>{"netns", "exec", Shard(i), STREAMBENCH_BINARY, "run", scenario,
                                 "--quiet", "--target", "10.77." + std::to_string(i) + ".1:" + port,
                                 "--shard", std::to_string(i) + "/" + std::to_string(kShards),
                                 "--out", Path("shard-" + std::to_string(i) + ".json")},
        Path("shard-" + std::to_string(i) + ".err")));
  }
  for (int i = 0; i < kShards; ++i) {
    std::ifstream err(Path("shard-" + std::to_string(i) + ".err"));
    ASSERT_EQ(shards[i]->Wait(milliseconds(60000)), 0)
        << std::string(std::istreambuf_iterator<char>(err), {});
  }
  std::vector<std::string> merge_args = {"merge"};
  for (int i = 0; i < kShards; ++i)
    merge_args.push_back(Path("shard-" + std::to_string(i) + ".json"));
  merge_args.insert(merge_args.end(), {"--quiet", "--out", Path("all.json")});
  ChildProcess merge(STREAMBENCH_BINARY, merge_args, Path("merge.err"));
  ASSERT_EQ(merge.Wait(milliseconds(60000)), 0);
  const nlohmann::json all = nlohmann::json::parse(std::ifstream(Path("all.json")));
  const nlohmann::json& run = all["runs"][0];

  const testing::HttpResponse scrape = GetMetricsIn(Server(), metrics_port);
  ASSERT_EQ(scrape.status, 200) << scrape.error;
  const auto samples = testing::ParsePrometheusText(scrape.body);
  double server_calls = 0;
  for (const auto& s : testing::Find(samples, "streambench_server_calls_total", {})) {
    server_calls += s.value;
  }
  const uint64_t calls = run["calls"]["finished"];
  ASSERT_GT(calls, 0u);
  EXPECT_EQ(static_cast<double>(calls), server_calls);
  // Each shard's connections came from its own address: all three links carried calls.
  for (int i = 0; i < kShards; ++i) {
    const nlohmann::json shard =
        nlohmann::json::parse(std::ifstream(Path("shard-" + std::to_string(i) + ".json")));
    EXPECT_GT(shard["runs"][0]["calls"]["finished"].get<uint64_t>(), 0u) << "shard " << i;
    EXPECT_EQ(shard["runs"][0]["target"], "10.77." + std::to_string(i) + ".1:" + port);
  }
}

}  // namespace
}  // namespace streambench
