#include "tests/server/server_test_support.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <prometheus/metric_family.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "common/crc32c.h"
#include "common/payload.h"
#include "common/transport_channel_args.h"

namespace streambench::testing {

std::unique_ptr<ReferenceServer> StartServer(ServerOptions options) {
  std::string error;
  auto server = ReferenceServer::Start(options, &error);
  if (server == nullptr) ADD_FAILURE() << "server did not start: " << error;
  return server;
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address,
                                           const TransportSettings& transport) {
  grpc::ChannelArguments args;
  ApplyToChannelArguments(transport, args);
  // A distinct argument value gives each channel its own connection.
  args.SetInt("streambench.test.unique", static_cast<int>(reinterpret_cast<uintptr_t>(&args)));
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

std::unique_ptr<v1::StreamBench::Stub> MakeStub(const std::string& address,
                                                const TransportSettings& transport) {
  return v1::StreamBench::NewStub(MakeChannel(address, transport));
}

v1::Request MakeRequest(uint64_t seq, size_t payload_bytes, const v1::Behavior& behavior) {
  static const PayloadSource payloads(1 << 20, 0xC11E47);
  v1::Request request;
  request.set_seq(seq);
  request.set_client_send_time_ns(1000 + static_cast<int64_t>(seq));
  request.set_intended_send_time_ns(500 + static_cast<int64_t>(seq));
  const std::string_view bytes = payloads.Slice(seq, payload_bytes);
  request.set_payload(bytes.data(), bytes.size());
  request.set_payload_crc32c(Crc32c(bytes));
  *request.mutable_behavior() = behavior;
  return request;
}

bool PayloadValid(const v1::Response& response, size_t size_bytes) {
  return response.payload().size() == size_bytes &&
         Crc32c(response.payload()) == response.payload_crc32c();
}

bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

double SampleValue(const prometheus::MetricFamily& family,
                   const std::vector<prometheus::ClientMetric::Label>& labels) {
  for (const prometheus::ClientMetric& m : family.metric) {
    const bool has_all = std::all_of(labels.begin(), labels.end(), [&](const auto& want) {
      return std::find(m.label.begin(), m.label.end(), want) != m.label.end();
    });
    if (!has_all) continue;
    switch (family.type) {
      case prometheus::MetricType::Counter:
        return m.counter.value;
      case prometheus::MetricType::Gauge:
        return m.gauge.value;
      case prometheus::MetricType::Histogram:
        return static_cast<double>(m.histogram.sample_count);
      default:
        return NAN;
    }
  }
  return NAN;
}

double MetricValue(ServerMetrics& metrics, const std::string& name,
                   const std::vector<prometheus::ClientMetric::Label>& labels) {
  for (const prometheus::MetricFamily& family : metrics.collectable()->Collect()) {
    if (family.name == name) return SampleValue(family, labels);
  }
  return NAN;
}

double MetricValue(ServerMetrics& metrics, const std::string& name, const std::string& method,
                   const std::string& label, const std::string& value) {
  std::vector<prometheus::ClientMetric::Label> labels = {{"method", method}};
  if (!label.empty()) labels.push_back({label, value});
  return MetricValue(metrics, name, labels);
}

std::string ScrapeMetrics(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string request =
        "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
      char buffer[8192];
      ssize_t n;
      while ((n = recv(fd, buffer, sizeof(buffer), 0)) > 0) response.append(buffer, n);
    }
  }
  close(fd);
  const size_t body = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.", 0) != 0 || response.find(" 200 ") == std::string::npos ||
      body == std::string::npos) {
    return "";
  }
  return response.substr(body + 4);
}

}  // namespace streambench::testing
