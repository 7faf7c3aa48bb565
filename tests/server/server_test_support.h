// Helpers for the reference server's integration tests: start a ReferenceServer on an ephemeral
// loopback port, build requests with valid payloads and checksums, read metrics (from the
// registry or by scraping /metrics over HTTP), and wait for a condition with a bounded timeout.
// Thread-safety: plain functions; use from test threads.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "server/reference_server.h"
#include "streambench/v1/streambench.grpc.pb.h"

namespace streambench::testing {

// Starts a server on 127.0.0.1:0 (ADD_FAILURE and nullptr on error).
std::unique_ptr<ReferenceServer> StartServer(ServerOptions options = {});

std::unique_ptr<v1::StreamBench::Stub> MakeStub(const std::string& address,
                                                const TransportSettings& transport = {});

// A request with `payload_bytes` of payload, its CRC-32C and the given seq and behaviour.
v1::Request MakeRequest(uint64_t seq, size_t payload_bytes, const v1::Behavior& behavior = {});

// True when `response` carries a payload of `size_bytes` whose checksum is right.
bool PayloadValid(const v1::Response& response, size_t size_bytes);

// Polls `condition` every 5 ms until it holds or `timeout` passes; returns its last value.
bool WaitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The value of the sample of metric family `name` whose labels include method=`method` and, if
// given, `label`=`value` (counters and gauges; histogram: its sample count). NaN if absent.
double MetricValue(ServerMetrics& metrics, const std::string& name, const std::string& method,
                   const std::string& label = "", const std::string& value = "");

// The body of GET http://127.0.0.1:port/metrics (empty on error), through a plain socket.
std::string ScrapeMetrics(int port);

}  // namespace streambench::testing
