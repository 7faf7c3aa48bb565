// Client cancellation: the server must release every stream (reactors
// deleted, alarms cancelled, active_streams back to 0) and keep serving.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "server/streambench_service.h"
#include "tests/server/server_test_support.h"

namespace streambench {
namespace {

using testing::MakeRequest;
using testing::MetricValue;

double Active(ReferenceServer& server, const char* method) {
  return MetricValue(server.metrics(), "streambench_server_active_streams", method);
}

TEST(StreamBenchLifecycleTest, CancelMidServerStreamReleasesTheStream) {
  auto server = testing::StartServer();
  ASSERT_NE(server, nullptr);
  auto stub = testing::MakeStub(server->address());
  v1::Behavior behavior;
  behavior.set_response_count(1'000'000);
  behavior.set_response_interval_us(1000);
  grpc::ClientContext context;
  auto reader = stub->ServerStream(&context, MakeRequest(0, 0, behavior));
  v1::Response response;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(Active(*server, StreamBenchService::kServerStreamMethod), 1);
  context.TryCancel();
  EXPECT_EQ(testing::DrainAndFinish(*reader, &response).error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(testing::WaitFor([&] {
    return Active(*server, StreamBenchService::kServerStreamMethod) == 0 &&
           server->streambench_service().live_calls().count() == 0;
  }));
  EXPECT_EQ(MetricValue(server->metrics(), "streambench_server_calls_total",
                        StreamBenchService::kServerStreamMethod, "code", "CANCELLED"),
            1);
}

// A thousand streams, each parked in a different state (waiting on a pacing alarm, a read stall,
// a delayed echo, a blocked write), cancelled at once: every reactor must go.
TEST(StreamBenchLifecycleTest, AThousandCancelledStreamsLeaveNothingBehind) {
  auto server = testing::StartServer();
  ASSERT_NE(server, nullptr);
  auto stub = testing::MakeStub(server->address());
  constexpr int kPerKind = 250;  // 1000 streams on one connection

  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<v1::Response>>> server_streams;
  std::vector<std::unique_ptr<grpc::ClientWriter<v1::Request>>> client_streams;
  std::vector<std::unique_ptr<grpc::ClientReaderWriter<v1::Request, v1::Response>>> bidis;
  std::vector<v1::ClientStreamSummary> summaries(kPerKind);

  v1::Behavior paced;                 // waits on its pacing alarm most of the time
  paced.set_response_count(100'000);  // 100000 * 20 ms stays within the 1 h cap
  paced.set_response_interval_us(20'000);
  v1::Behavior stalled;  // the server stops reading for a minute
  stalled.mutable_read_stall()->set_duration_us(60'000'000);
  v1::Behavior delayed_echo;  // echoes wait 60 s on an alarm
  delayed_echo.set_response_delay_us(60'000'000);
  v1::Behavior flood;  // independent stream the client never reads: writes block
  flood.set_bidi_mode(v1::Behavior::INDEPENDENT);
  flood.set_response_size_bytes(16 * 1024);

  for (int i = 0; i < kPerKind; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    server_streams.push_back(stub->ServerStream(contexts.back().get(), MakeRequest(0, 0, paced)));
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    client_streams.push_back(stub->ClientStream(contexts.back().get(), &summaries[i]));
    ASSERT_TRUE(client_streams.back()->Write(MakeRequest(0, 100, stalled)));
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    bidis.push_back(stub->Bidi(contexts.back().get()));
    ASSERT_TRUE(bidis.back()->Write(MakeRequest(0, 100, delayed_echo)));
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    bidis.push_back(stub->Bidi(contexts.back().get()));
    ASSERT_TRUE(bidis.back()->Write(MakeRequest(0, 100, flood)));
  }
  ASSERT_TRUE(testing::WaitFor([&] {
    return Active(*server, StreamBenchService::kServerStreamMethod) == kPerKind &&
           Active(*server, StreamBenchService::kClientStreamMethod) == kPerKind &&
           Active(*server, StreamBenchService::kBidiMethod) == 2 * kPerKind;
  })) << Active(*server, StreamBenchService::kServerStreamMethod)
      << " " << Active(*server, StreamBenchService::kClientStreamMethod) << " "
      << Active(*server, StreamBenchService::kBidiMethod);
  EXPECT_EQ(server->streambench_service().live_calls().count(), 4 * kPerKind);

  for (auto& context : contexts) context->TryCancel();
  for (auto& s : server_streams) EXPECT_EQ(s->Finish().error_code(), grpc::StatusCode::CANCELLED);
  for (auto& s : client_streams) EXPECT_EQ(s->Finish().error_code(), grpc::StatusCode::CANCELLED);
  for (auto& s : bidis) EXPECT_EQ(s->Finish().error_code(), grpc::StatusCode::CANCELLED);

  EXPECT_TRUE(
      testing::WaitFor([&] { return server->streambench_service().live_calls().count() == 0; }));
  EXPECT_EQ(Active(*server, StreamBenchService::kServerStreamMethod), 0);
  EXPECT_EQ(Active(*server, StreamBenchService::kClientStreamMethod), 0);
  EXPECT_EQ(Active(*server, StreamBenchService::kBidiMethod), 0);

  // And the server still serves.
  grpc::ClientContext context;
  v1::Response response;
  EXPECT_TRUE(stub->Unary(&context, MakeRequest(0, 1), &response).ok());
}

}  // namespace
}  // namespace streambench
