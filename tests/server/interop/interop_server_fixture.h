// InteropServerTest: a gtest fixture that starts the reference server (ReferenceServer, which
// serves the standard TestService and BenchmarkService beside streambench.v1) on an ephemeral
// loopback port with small caps, and gives each test a channel to it plus helpers to read the
// server's metrics (through tests/server/server_test_support.h).
// Thread-safety: used from the test's thread only.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "grpc/testing/messages.pb.h"
#include "server/reference_server.h"
#include "server/server_metrics.h"
#include "tests/server/server_test_support.h"

namespace streambench::testing {

// The status and message types every interop test uses.
using grpc::StatusCode;
using grpc::testing::SimpleRequest;
using grpc::testing::SimpleResponse;

class InteropServerTest : public ::testing::Test {
 protected:
  // Small enough that tests can go beyond them with a few messages.
  static constexpr uint64_t kMaxResponseBytes = 1 << 20;
  static constexpr uint64_t kMaxResponseCount = 2000;

  void SetUp() override;
  void TearDown() override;

  // A client context whose deadline is `timeout` from now, so no test can hang.
  static std::unique_ptr<grpc::ClientContext> Context(
      std::chrono::milliseconds timeout = std::chrono::seconds(20));

  // Value of the counter or gauge `name` whose labels include `labels` (NaN when absent).
  double MetricValue(const std::string& name,
                     const std::vector<prometheus::ClientMetric::Label>& labels) {
    return testing::MetricValue(server_->metrics(), name, labels);
  }

  // Polls until `method`'s active_streams gauge is `count`, for at most 10 s; returns whether it
  // got there.
  static bool WaitForActiveStreams(ServerMetrics& metrics, const std::string& method, double count);
  bool WaitForActiveStreams(const std::string& method, double count) {
    return WaitForActiveStreams(server_->metrics(), method, count);
  }
  // The server cleaned up every call of `method`.
  bool WaitForNoActiveStreams(const std::string& method) { return WaitForActiveStreams(method, 0); }

  // After the client cancelled the one call of `method`: the server cleaned it up and counted it
  // as CANCELLED.
  void ExpectCancelledCallCleanedUp(const std::string& method);

  std::unique_ptr<ReferenceServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace streambench::testing
