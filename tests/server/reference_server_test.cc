// ReferenceServer: starting on ephemeral ports, several servers per process, a taken port, the
// metrics endpoint, every registered service, and graceful shutdown.
#include <gmock/gmock.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "grpc/testing/benchmark_service.grpc.pb.h"
#include "grpc/testing/test.grpc.pb.h"
#include "server/streambench_service.h"
#include "tests/server/server_test_support.h"

namespace streambench {
namespace {

using ::testing::HasSubstr;
using testing::MakeRequest;
using ::testing::StartsWith;

TEST(ReferenceServerTest, StartsOnEphemeralLoopbackPort) {
  auto server = testing::StartServer();
  ASSERT_NE(server, nullptr);
  EXPECT_GT(server->port(), 0);
  EXPECT_EQ(server->address(), "127.0.0.1:" + std::to_string(server->port()));
  EXPECT_EQ(server->metrics_port(), 0);
  EXPECT_EQ(server->metrics_address(), "");
}

TEST(ReferenceServerTest, TwoServersInOneProcessServeIndependently) {
  auto a = testing::StartServer();
  auto b = testing::StartServer();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a->port(), b->port());
  for (ReferenceServer* server : {a.get(), b.get()}) {
    auto stub = testing::MakeStub(server->address());
    grpc::ClientContext context;
    v1::Response response;
    EXPECT_TRUE(stub->Unary(&context, MakeRequest(0, 1), &response).ok());
  }
  EXPECT_EQ(testing::MetricValue(a->metrics(), "streambench_server_calls_started_total",
                                 StreamBenchService::kUnaryMethod),
            1);
  EXPECT_EQ(testing::MetricValue(b->metrics(), "streambench_server_calls_started_total",
                                 StreamBenchService::kUnaryMethod),
            1);
}

TEST(ReferenceServerTest, TakenPortIsAClearError) {
  auto first = testing::StartServer();
  ASSERT_NE(first, nullptr);
  ServerOptions options;
  options.port = first->port();
  std::string error;
  EXPECT_EQ(ReferenceServer::Start(options, &error), nullptr);
  EXPECT_THAT(error, StartsWith("cannot listen on 127.0.0.1:" + std::to_string(first->port())));
}

TEST(ReferenceServerTest, APortIsSharedOnlyBetweenServersThatAskToShareIt) {
  ServerOptions sharing;
  sharing.reuse_port = true;
  auto first = testing::StartServer(sharing);
  ASSERT_NE(first, nullptr);
  sharing.port = first->port();
  auto second = testing::StartServer(sharing);
  ASSERT_NE(second, nullptr);
  ServerOptions exclusive;
  exclusive.port = first->port();
  std::string error;
  EXPECT_EQ(ReferenceServer::Start(exclusive, &error), nullptr) << "a server that did not ask";

  // The kernel spreads new connections over the sharing servers: 32 connections all landing on
  // one of two would be a 1 in 2^31 chance.
  constexpr int kConnections = 32;
  for (int i = 0; i < kConnections; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("streambench.test.connection", i);  // a distinct value: a connection of its own
    auto stub = v1::StreamBench::NewStub(
        grpc::CreateCustomChannel(first->address(), grpc::InsecureChannelCredentials(), args));
    grpc::ClientContext context;
    v1::Response response;
    ASSERT_TRUE(stub->Unary(&context, MakeRequest(0, 1), &response).ok());
  }
  const auto calls = [](ReferenceServer& server) {
    return testing::MetricValue(server.metrics(), "streambench_server_calls_started_total",
                                StreamBenchService::kUnaryMethod);
  };
  EXPECT_EQ(calls(*first) + calls(*second), kConnections);
  EXPECT_GT(calls(*first), 0);
  EXPECT_GT(calls(*second), 0);
}

TEST(ReferenceServerTest, TakenMetricsPortIsAClearError) {
  ServerOptions with_metrics;
  with_metrics.metrics_port = 0;
  auto first = testing::StartServer(with_metrics);
  ASSERT_NE(first, nullptr);
  ServerOptions options;
  options.metrics_port = first->metrics_port();
  std::string error;
  EXPECT_EQ(ReferenceServer::Start(options, &error), nullptr);
  EXPECT_THAT(error, HasSubstr("cannot serve metrics on 127.0.0.1:"));
}

TEST(ReferenceServerTest, RegistersTheStandardServicesToo) {
  auto server = testing::StartServer();
  ASSERT_NE(server, nullptr);
  auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  {
    auto stub = grpc::testing::TestService::NewStub(channel);
    grpc::ClientContext context;
    grpc::testing::Empty request, response;
    EXPECT_TRUE(stub->EmptyCall(&context, request, &response).ok());
  }
  {
    auto stub = grpc::testing::BenchmarkService::NewStub(channel);
    grpc::ClientContext context;
    grpc::testing::SimpleRequest request;
    request.set_response_size(10);
    grpc::testing::SimpleResponse response;
    EXPECT_TRUE(stub->UnaryCall(&context, request, &response).ok());
    EXPECT_EQ(response.payload().body().size(), 10u);
  }
}

TEST(ReferenceServerTest, ShutdownLetsShortCallsFinishAndCancelsLongOnes) {
  ServerOptions options;
  options.shutdown_grace_us = 300'000;
  auto server = testing::StartServer(options);
  ASSERT_NE(server, nullptr);
  auto stub = testing::MakeStub(server->address());

  // A call that needs 100 ms: within the grace period, so it completes.
  v1::Behavior short_delay;
  short_delay.set_response_delay_us(100'000);
  grpc::ClientContext short_context;
  v1::Response short_response;
  std::promise<grpc::Status> short_status;
  const v1::Request short_request = MakeRequest(0, 0, short_delay);
  stub->async()->Unary(&short_context, &short_request, &short_response,
                       [&short_status](grpc::Status s) { short_status.set_value(s); });

  // An endless stream: cancelled when the grace period is over.
  v1::Behavior endless;
  endless.set_response_count(100'000);  // 1000 s at 10 ms: within the 1 h cap
  endless.set_response_interval_us(10'000);
  grpc::ClientContext long_context;
  auto reader = stub->ServerStream(&long_context, MakeRequest(0, 0, endless));
  v1::Response response;
  ASSERT_TRUE(reader->Read(&response));
  ASSERT_TRUE(
      testing::WaitFor([&] { return server->streambench_service().live_calls().count() == 2; }));

  const auto start = std::chrono::steady_clock::now();
  server->Shutdown();
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(250));  // it did wait for the grace period
  EXPECT_LT(took, std::chrono::seconds(10));
  EXPECT_EQ(server->streambench_service().live_calls().count(), 0);

  EXPECT_TRUE(short_status.get_future().get().ok());
  int more = 0;
  while (reader->Read(&response) && more < 1000) ++more;
  EXPECT_FALSE(reader->Finish().ok());
  server->Shutdown();  // idempotent

  // New calls are refused once shut down.
  grpc::ClientContext late;
  late.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  EXPECT_FALSE(stub->Unary(&late, MakeRequest(0, 0), &response).ok());
}

TEST(ReferenceServerTest, IdleClientConnectionsDoNotHoldShutdownForTheGracePeriod) {
  ServerOptions options;
  options.shutdown_grace_us = 20'000'000;
  auto server = testing::StartServer(options);
  ASSERT_NE(server, nullptr);
  auto stub = testing::MakeStub(server->address());  // stays connected, idle
  grpc::ClientContext context;
  v1::Response response;
  ASSERT_TRUE(stub->Unary(&context, MakeRequest(0, 0), &response).ok());
  const auto start = std::chrono::steady_clock::now();
  server->Shutdown();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

}  // namespace
}  // namespace streambench
