#include "tests/server/interop/interop_server_fixture.h"

#include <prometheus/metric_family.h>

#include <thread>

namespace streambench::testing {

void InteropServerTest::SetUp() {
  caps_.max_response_bytes = kMaxResponseBytes;
  caps_.max_response_count = kMaxResponseCount;
  caps_.max_duration_us = 60'000'000;
  registry_ = std::make_shared<prometheus::Registry>();
  metrics_ = std::make_unique<ServerMetrics>(registry_);
  test_service_ =
      std::make_unique<StandardTestService>(*metrics_, caps_, kMaxHalfDuplexBufferedBytes);
  benchmark_service_ = std::make_unique<StandardBenchmarkService>(*metrics_, caps_);

  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
  builder.RegisterService(test_service_.get());
  builder.RegisterService(benchmark_service_.get());
  server_ = builder.BuildAndStart();
  ASSERT_NE(server_, nullptr);
  ASSERT_NE(port_, 0);
  channel_ =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials());
  ASSERT_TRUE(
      channel_->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10)));
}

void InteropServerTest::TearDown() {
  if (server_ != nullptr) {
    // In-flight calls get a short grace period, then are cancelled; reactors then finish and
    // delete themselves before Shutdown returns.
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    server_->Wait();
  }
}

std::unique_ptr<grpc::ClientContext> InteropServerTest::Context(std::chrono::milliseconds timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  return context;
}

double InteropServerTest::MetricValue(const std::string& name,
                                      const std::map<std::string, std::string>& labels) {
  for (const prometheus::MetricFamily& family : registry_->Collect()) {
    if (family.name != name) continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      std::map<std::string, std::string> metric_labels;
      for (const auto& label : metric.label) metric_labels[label.name] = label.value;
      if (metric_labels != labels) continue;
      switch (family.type) {
        case prometheus::MetricType::Counter:
          return metric.counter.value;
        case prometheus::MetricType::Gauge:
          return metric.gauge.value;
        default:
          return -1;
      }
    }
  }
  return -1;
}

bool InteropServerTest::WaitForActiveStreams(const std::string& method, double count) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < give_up) {
    if (MetricValue("streambench_server_active_streams", {{"method", method}}) == count)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace streambench::testing
