// InteropServerTest: a gtest fixture that starts the standard interop services (TestService and
// BenchmarkService) on an ephemeral loopback port with their own Prometheus registry, and gives
// each test a channel to it plus helpers to read the server's metrics.
// Thread-safety: used from the test's thread only.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "server/behavior_caps.h"
#include "server/interop/benchmark_service.h"
#include "server/interop/test_service.h"
#include "server/server_metrics.h"

namespace streambench::testing {

class InteropServerTest : public ::testing::Test {
 protected:
  // Small enough that tests can go beyond them with a few messages.
  static constexpr uint64_t kMaxResponseBytes = 1 << 20;
  static constexpr uint64_t kMaxResponseCount = 2000;
  static constexpr uint64_t kMaxHalfDuplexBufferedBytes = 1 << 20;

  void SetUp() override;
  void TearDown() override;

  // A client context whose deadline is `timeout` from now, so no test can hang.
  static std::unique_ptr<grpc::ClientContext> Context(
      std::chrono::milliseconds timeout = std::chrono::seconds(20));

  // Value of the counter or gauge `name` with exactly `labels`, or -1 when absent.
  double MetricValue(const std::string& name, const std::map<std::string, std::string>& labels);

  // Polls until `method`'s active_streams gauge is 0 (the server cleaned up every call), for at
  // most 10 s; returns whether it got there.
  bool WaitForNoActiveStreams(const std::string& method) { return WaitForActiveStreams(method, 0); }

  // Polls until `method`'s active_streams gauge is `count`, for at most 10 s; returns whether it
  // got there.
  bool WaitForActiveStreams(const std::string& method, double count);

  BehaviorCaps caps_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<ServerMetrics> metrics_;
  std::unique_ptr<StandardTestService> test_service_;
  std::unique_ptr<StandardBenchmarkService> benchmark_service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace streambench::testing
