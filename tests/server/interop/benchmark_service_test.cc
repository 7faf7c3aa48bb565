// Every method of StandardBenchmarkService (gRPC's qps server semantics), driven by a real gRPC
// client over loopback: sizes, ping-pong, client and server streaming, both ways, cancellation by
// the client, the response-count cap, bad response_size, metadata echo and metrics.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "grpc/testing/benchmark_service.grpc.pb.h"
#include "grpc/testing/messages.pb.h"
#include "tests/server/interop/interop_server_fixture.h"

namespace streambench::testing {
namespace {

using grpc::testing::BenchmarkService;

constexpr char kFromServerMethod[] = "/grpc.testing.BenchmarkService/StreamingFromServer";
constexpr char kBothWaysMethod[] = "/grpc.testing.BenchmarkService/StreamingBothWays";

SimpleRequest Request(int response_size, int payload_size = 0) {
  SimpleRequest request;
  request.set_response_size(response_size);
  request.mutable_payload()->set_body(std::string(static_cast<size_t>(payload_size), '\0'));
  return request;
}

bool IsZeros(const std::string& body, int size_bytes) {
  return body == std::string(static_cast<size_t>(size_bytes), '\0');
}

class InteropBenchmarkServiceTest : public InteropServerTest {
 protected:
  void SetUp() override {
    InteropServerTest::SetUp();
    stub_ = BenchmarkService::NewStub(channel_);
  }

  std::unique_ptr<BenchmarkService::Stub> stub_;
};

TEST_F(InteropBenchmarkServiceTest, UnaryCallAnswersResponseSizeBytes) {
  auto context = Context();
  SimpleResponse response;
  grpc::Status status = stub_->UnaryCall(context.get(), Request(1000, 50), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(IsZeros(response.payload().body(), 1000));
  EXPECT_EQ(MetricValue("streambench_server_calls_total",
                        {{"method", "/grpc.testing.BenchmarkService/UnaryCall"}, {"code", "OK"}}),
            1);
}

TEST_F(InteropBenchmarkServiceTest, UnaryCallEchoesMetadata) {
  auto context = Context();
  context->AddMetadata("x-grpc-test-echo-initial", "hello");
  context->AddMetadata("x-grpc-test-echo-trailing-bin", std::string("\x01\x02", 2));
  SimpleResponse response;
  ASSERT_TRUE(stub_->UnaryCall(context.get(), Request(0), &response).ok());
  auto initial = context->GetServerInitialMetadata().find("x-grpc-test-echo-initial");
  ASSERT_NE(initial, context->GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(initial->second.data(), initial->second.size()), "hello");
  auto trailing = context->GetServerTrailingMetadata().find("x-grpc-test-echo-trailing-bin");
  ASSERT_NE(trailing, context->GetServerTrailingMetadata().end());
  EXPECT_EQ(std::string(trailing->second.data(), trailing->second.size()),
            std::string("\x01\x02", 2));
}

TEST_F(InteropBenchmarkServiceTest, StreamingCallIsPingPong) {
  const std::vector<int> sizes = {1, 0, 4096, 100000, 7};
  auto context = Context();
  auto stream = stub_->StreamingCall(context.get());
  SimpleResponse response;
  for (int size : sizes) {
    ASSERT_TRUE(stream->Write(Request(size, 10)));
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_TRUE(IsZeros(response.payload().body(), size));
  }
  ASSERT_TRUE(stream->WritesDone());
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(MetricValue("streambench_server_messages_total",
                        {{"method", "/grpc.testing.BenchmarkService/StreamingCall"},
                         {"direction", "received"}}),
            sizes.size());
  EXPECT_EQ(MetricValue("streambench_server_messages_total",
                        {{"method", "/grpc.testing.BenchmarkService/StreamingCall"},
                         {"direction", "sent"}}),
            sizes.size());
}

TEST_F(InteropBenchmarkServiceTest, StreamingFromClientAnswersOnceAfterHalfClose) {
  auto context = Context();
  SimpleResponse response;
  auto writer = stub_->StreamingFromClient(context.get(), &response);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(writer->Write(Request(i == 19 ? 77 : 5, 1000)));
  ASSERT_TRUE(writer->WritesDone());
  grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(IsZeros(response.payload().body(), 77));
  EXPECT_EQ(MetricValue("streambench_server_payload_bytes_total",
                        {{"method", "/grpc.testing.BenchmarkService/StreamingFromClient"},
                         {"direction", "received"}}),
            20 * 1000);
}

TEST_F(InteropBenchmarkServiceTest, StreamingFromServerStreamsUntilClientCancels) {
  auto context = Context();
  // Responses large enough that HTTP/2 flow control, not the response-count cap, stops the server
  // before the client cancels.
  constexpr int kResponseBytes = 32 << 10;
  auto reader = stub_->StreamingFromServer(context.get(), Request(kResponseBytes));
  SimpleResponse response;
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(reader->Read(&response));
    EXPECT_TRUE(IsZeros(response.payload().body(), kResponseBytes));
  }
  context->TryCancel();
  int drained = 0;  // responses already in flight; bounded by the response-count cap
  while (reader->Read(&response)) ++drained;
  EXPECT_LT(drained, static_cast<int>(kMaxResponseCount));
  EXPECT_EQ(reader->Finish().error_code(), StatusCode::CANCELLED);
  // The vanished client leaves nothing behind on the server.
  ExpectCancelledCallCleanedUp(kFromServerMethod);
}

TEST_F(InteropBenchmarkServiceTest, StreamingFromServerStopsAtResponseCountCap) {
  auto context = Context();
  auto reader = stub_->StreamingFromServer(context.get(), Request(1));
  SimpleResponse response;
  uint64_t received = 0;
  while (reader->Read(&response)) ++received;
  grpc::Status status = reader->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(received, kMaxResponseCount);
}

TEST_F(InteropBenchmarkServiceTest, StreamingBothWaysEndsWhenClientHalfCloses) {
  auto context = Context();
  auto stream = stub_->StreamingBothWays(context.get());
  // Responses large enough that HTTP/2 flow control, not the response-count cap, holds the server
  // back while this client is busy writing.
  constexpr int kResponseBytes = 32 << 10;
  ASSERT_TRUE(stream->Write(Request(kResponseBytes, 8)));
  SimpleResponse response;
  // The server streams on its own: many responses for one request.
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_TRUE(IsZeros(response.payload().body(), kResponseBytes));
  }
  // Requests after the first are read and discarded while responses keep coming.
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(stream->Write(Request(kResponseBytes, 8)));
  ASSERT_TRUE(stream->WritesDone());
  uint64_t drained = 0;
  while (stream->Read(&response)) ++drained;
  EXPECT_LT(drained, kMaxResponseCount);
  grpc::Status status = stream->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(WaitForNoActiveStreams(kBothWaysMethod));
  EXPECT_EQ(MetricValue("streambench_server_messages_total",
                        {{"method", kBothWaysMethod}, {"direction", "received"}}),
            6);
}

TEST_F(InteropBenchmarkServiceTest, StreamingBothWaysCancelledByClient) {
  auto context = Context();
  auto stream = stub_->StreamingBothWays(context.get());
  ASSERT_TRUE(stream->Write(Request(10)));
  SimpleResponse response;
  ASSERT_TRUE(stream->Read(&response));
  context->TryCancel();
  EXPECT_EQ(testing::DrainAndFinish(*stream, &response).error_code(), StatusCode::CANCELLED);
  EXPECT_TRUE(WaitForNoActiveStreams(kBothWaysMethod));
}

TEST_F(InteropBenchmarkServiceTest, BadResponseSizeIsInvalidArgumentNamingTheField) {
  for (int size : {-1, static_cast<int>(kMaxResponseBytes) + 1}) {
    SCOPED_TRACE(size);
    {
      auto context = Context();
      SimpleResponse response;
      grpc::Status status = stub_->UnaryCall(context.get(), Request(size), &response);
      EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
      EXPECT_NE(status.error_message().find("response_size"), std::string::npos)
          << status.error_message();
    }
    {
      auto context = Context();
      auto reader = stub_->StreamingFromServer(context.get(), Request(size));
      SimpleResponse response;
      EXPECT_FALSE(reader->Read(&response));
      grpc::Status status = reader->Finish();
      EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
      EXPECT_NE(status.error_message().find("response_size"), std::string::npos);
    }
    for (auto open_bidi :
         {&BenchmarkService::Stub::StreamingCall, &BenchmarkService::Stub::StreamingBothWays}) {
      auto context = Context();
      auto stream = ((*stub_).*open_bidi)(context.get());
      ASSERT_TRUE(stream->Write(Request(size)));
      SimpleResponse response;
      EXPECT_FALSE(stream->Read(&response));
      EXPECT_EQ(stream->Finish().error_code(), StatusCode::INVALID_ARGUMENT);
    }
    {
      auto context = Context();
      SimpleResponse response;
      auto writer = stub_->StreamingFromClient(context.get(), &response);
      writer->Write(Request(size));
      writer->WritesDone();
      EXPECT_EQ(writer->Finish().error_code(), StatusCode::INVALID_ARGUMENT);
    }
  }
}

}  // namespace
}  // namespace streambench::testing
