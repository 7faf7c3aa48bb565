// Helpers for the reference server's integration tests: start a ReferenceServer on an ephemeral
// loopback port (alone, or as a fixture with a stub), build requests with valid payloads and
// checksums, read metrics (from the registry or by scraping /metrics over HTTP), and wait for a
// condition with a bounded timeout. Thread-safety: plain functions and a fixture; use from test
// threads.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <prometheus/metric_family.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "server/reference_server.h"
#include "streambench/v1/streambench.grpc.pb.h"

namespace streambench::testing {

// Starts a server on 127.0.0.1:0 (ADD_FAILURE and nullptr on error).
std::unique_ptr<ReferenceServer> StartServer(ServerOptions options = {});

// A channel to `address` on a connection of its own, so tests do not share HTTP/2 flow-control
// windows.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address,
                                           const TransportSettings& transport = {});

std::unique_ptr<v1::StreamBench::Stub> MakeStub(const std::string& address,
                                                const TransportSettings& transport = {});

// A request with `payload_bytes` of payload, its CRC-32C and the given seq and behaviour.
v1::Request MakeRequest(uint64_t seq, size_t payload_bytes, const v1::Behavior& behavior = {});

// Writes requests 0..count-1 of 10 payload bytes with `behavior` until the stream refuses one
// (the server may end the call early), then half-closes. `Stream` is a ClientWriter or
// ClientReaderWriter of v1::Request.
template <typename Stream>
void WriteRequestsThenHalfClose(Stream& stream, uint64_t count, const v1::Behavior& behavior) {
  for (uint64_t seq = 0; seq < count; ++seq) {
    if (!stream.Write(MakeRequest(seq, 10, behavior))) break;
  }
  stream.WritesDone();
}

// Reads (into `*scratch`, discarded) whatever `stream` still delivers, then finishes it.
template <typename Stream, typename Response>
grpc::Status DrainAndFinish(Stream& stream, Response* scratch) {
  while (stream.Read(scratch)) {
  }
  return stream.Finish();
}

// True when `response` carries a payload of `size_bytes` whose checksum is right.
bool PayloadValid(const v1::Response& response, size_t size_bytes);

// Polls `condition` every 5 ms until it holds or `timeout` passes; returns its last value.
bool WaitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The value of the first sample of `family` whose labels include every one of `labels` (counters
// and gauges; histogram: its sample count). NaN if there is none.
double SampleValue(const prometheus::MetricFamily& family,
                   const std::vector<prometheus::ClientMetric::Label>& labels);

// The same over the family `name` of everything `metrics` exports. NaN if absent.
double MetricValue(ServerMetrics& metrics, const std::string& name,
                   const std::vector<prometheus::ClientMetric::Label>& labels);

// The sample of family `name` whose labels include method=`method` and, if given,
// `label`=`value`. NaN if absent.
double MetricValue(ServerMetrics& metrics, const std::string& name, const std::string& method,
                   const std::string& label = "", const std::string& value = "");

// The body of GET http://127.0.0.1:port/metrics (empty on error), through a plain socket.
std::string ScrapeMetrics(int port);

// A fixture: a ReferenceServer on an ephemeral loopback port (default options) and a stub of
// `Service` (a generated gRPC service class) on a connection of its own.
template <typename Service>
class ServerStubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = StartServer();
    ASSERT_NE(server_, nullptr);
    stub_ = Service::NewStub(MakeChannel(server_->address()));
  }

  std::unique_ptr<ReferenceServer> server_;
  std::unique_ptr<typename Service::Stub> stub_;
};

}  // namespace streambench::testing
