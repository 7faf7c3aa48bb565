// Ports bind loopback unless told otherwise: every socket `streambench-server` (gRPC
// and /metrics) and `streambench run --metrics-port 0` (its /metrics and its embedded server)
// listen on is bound to 127.0.0.1. Checked from the kernel's view: the child's socket inodes
// (/proc/PID/fd) matched against the listening entries of /proc/net/tcp and /proc/net/tcp6.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/runner/child_process.h"

namespace streambench {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using testing::ChildProcess;

struct Listener {
  std::string local_address;  // as in /proc/net/tcp*: hex address, e.g. 0100007F
  int port = 0;
  bool ipv6 = false;
};

std::set<std::string> SocketInodes(pid_t pid) {
  std::set<std::string> inodes;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    const std::string target = fs::read_symlink(entry.path(), ec).string();
    if (target.rfind("socket:[", 0) == 0) inodes.insert(target.substr(8, target.size() - 9));
  }
  return inodes;
}

// The process's listening TCP sockets.
std::vector<Listener> Listeners(pid_t pid) {
  const std::set<std::string> inodes = SocketInodes(pid);
  std::vector<Listener> out;
  for (const bool ipv6 : {false, true}) {
    std::ifstream in(ipv6 ? "/proc/net/tcp6" : "/proc/net/tcp");
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
          timeout >> inode;
      if (state != "0A" || inodes.count(inode) == 0) continue;  // 0A = LISTEN
      const size_t colon = local.find(':');
      out.push_back(
          {local.substr(0, colon), std::stoi(local.substr(colon + 1), nullptr, 16), ipv6});
    }
  }
  return out;
}

bool IsLoopback(const Listener& l) {
  if (!l.ipv6) return l.local_address == "0100007F";  // 127.0.0.1, little-endian hex
  // ::1, or ::ffff:127.0.0.1
  return l.local_address == "00000000000000000000000001000000" ||
         l.local_address == "0000000000000000FFFF00000100007F";
}

int PortOf(const std::string& line) {
  const size_t colon = line.rfind(':');
  return colon == std::string::npos ? -1 : std::atoi(line.c_str() + colon + 1);
}

TEST(LoopbackTest, ServerListensOnLoopbackOnly) {
  ChildProcess server(STREAMBENCH_SERVER_BINARY, {"--port", "0", "--metrics-port", "0"});
  const std::string listening = server.ReadLine(milliseconds(10000));
  const std::string metrics = server.ReadLine(milliseconds(10000));
  ASSERT_EQ(listening.rfind("listening on 127.0.0.1:", 0), 0u) << listening;
  ASSERT_EQ(metrics.rfind("metrics on 127.0.0.1:", 0), 0u) << metrics;
  const std::vector<Listener> listeners = Listeners(server.pid());
  std::set<int> ports;
  for (const Listener& l : listeners) {
    EXPECT_TRUE(IsLoopback(l)) << "port " << l.port << " bound to " << l.local_address;
    ports.insert(l.port);
  }
  EXPECT_EQ(ports, (std::set<int>{PortOf(listening), PortOf(metrics)}));
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(milliseconds(15000)), 0);
}

TEST(LoopbackTest, GeneratorMetricsAndEmbeddedServerListenOnLoopbackOnly) {
  const fs::path dir =
      fs::temp_directory_path() / ("streambench_loopback_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string scenario = (dir / "s.yaml").string();
  std::ofstream(scenario) << "name: loopback\nmode: unary\nwarmup: 0s\nduration: 30s\n";
  const std::string err_path = (dir / "stderr.txt").string();
  ChildProcess generator(STREAMBENCH_BINARY, {"run", scenario, "--quiet", "--metrics-port", "0"},
                         err_path);
  // Wait for "metrics on HOST:PORT", then for the embedded server to be listening too.
  std::string metrics_line;
  std::vector<Listener> listeners;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(err_path);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("metrics on ", 0) == 0) metrics_line = line;
    }
    listeners = Listeners(generator.pid());
    if (!metrics_line.empty() && listeners.size() >= 2) break;
    std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_EQ(metrics_line.rfind("metrics on 127.0.0.1:", 0), 0u) << metrics_line;
  ASSERT_GE(listeners.size(), 2u) << "metrics endpoint and embedded server";
  bool metrics_port_seen = false;
  for (const Listener& l : listeners) {
    EXPECT_TRUE(IsLoopback(l)) << "port " << l.port << " bound to " << l.local_address;
    if (l.port == PortOf(metrics_line)) metrics_port_seen = true;
  }
  EXPECT_TRUE(metrics_port_seen);
  generator.Signal(SIGINT);
  EXPECT_EQ(generator.Wait(milliseconds(20000)), 130);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace streambench
