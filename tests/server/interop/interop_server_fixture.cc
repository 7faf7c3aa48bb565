#include "tests/server/interop/interop_server_fixture.h"

namespace streambench::testing {

void InteropServerTest::SetUp() {
  // Keeps gRPC initialized for the whole process. Otherwise destroying each test's last gRPC
  // object runs grpc_shutdown, which in gRPC 1.51 can block ~10 s joining an executor thread
  // that sits in a long epoll_wait.
  static const bool grpc_initialized = (grpc_init(), true);
  (void)grpc_initialized;
  ServerOptions options;  // 127.0.0.1, ephemeral port, metrics endpoint off
  options.caps.max_response_bytes = kMaxResponseBytes;
  options.caps.max_response_count = kMaxResponseCount;
  options.caps.max_duration_us = 60'000'000;
  // Calls a test leaves open (e.g. waiting on a long interval) are cancelled quickly at teardown.
  options.shutdown_grace_us = 200'000;
  std::string error;
  server_ = ReferenceServer::Start(options, &error);
  ASSERT_NE(server_, nullptr) << error;
  ASSERT_NE(server_->port(), 0);
  channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  ASSERT_TRUE(
      channel_->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10)));
}

void InteropServerTest::TearDown() {
  // Returns once every call has ended, i.e. every reactor has run OnDone.
  if (server_ != nullptr) server_->Shutdown();
}

std::unique_ptr<grpc::ClientContext> InteropServerTest::Context(std::chrono::milliseconds timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  return context;
}

bool InteropServerTest::WaitForActiveStreams(ServerMetrics& metrics, const std::string& method,
                                             double count) {
  return WaitFor([&] {
    return testing::MetricValue(metrics, "streambench_server_active_streams", method) == count;
  });
}

void InteropServerTest::ExpectCancelledCallCleanedUp(const std::string& method) {
  EXPECT_TRUE(WaitForNoActiveStreams(method));
  EXPECT_EQ(
      MetricValue("streambench_server_calls_total", {{"method", method}, {"code", "CANCELLED"}}),
      1);
}

}  // namespace streambench::testing
