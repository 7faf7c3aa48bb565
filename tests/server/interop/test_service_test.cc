// The standard gRPC interop cases (doc/interop-test-descriptions.md in grpc/grpc), with the sizes
// and values they prescribe, run by a real gRPC client against StandardTestService on a loopback
// port; plus metadata echo, half duplex, caps and cleanup after cancellation.
#include "server/interop/test_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/behavior_caps.h"
#include "grpc/testing/empty.pb.h"
#include "grpc/testing/messages.pb.h"
#include "grpc/testing/test.grpc.pb.h"
#include "server/server_metrics.h"
#include "tests/server/interop/interop_server_fixture.h"

namespace streambench::testing {
namespace {

using grpc::testing::Empty;
using grpc::testing::StreamingInputCallRequest;
using grpc::testing::StreamingInputCallResponse;
using grpc::testing::StreamingOutputCallRequest;
using grpc::testing::StreamingOutputCallResponse;
using grpc::testing::TestService;

constexpr char kFullDuplexMethod[] = "/grpc.testing.TestService/FullDuplexCall";
constexpr char kStreamingOutputMethod[] = "/grpc.testing.TestService/StreamingOutputCall";
constexpr char kStreamingInputMethod[] = "/grpc.testing.TestService/StreamingInputCall";

// The sizes the interop descriptions prescribe.
const std::vector<int> kStreamingInputSizes = {27182, 8, 1828, 45904};
const std::vector<int> kStreamingOutputSizes = {31415, 9, 2653, 58979};
constexpr char kSpecialStatusMessage[] =
    "\t\ntest with whitespace\r\nand Unicode BMP \xE2\x98\xBA and non-BMP \xF0\x9F\x98\x88\t\n";
constexpr char kEchoInitialValue[] = "test_initial_metadata_value";
const std::string kEchoTrailingValue("\xab\xab\xab", 3);

std::string Zeros(int size_bytes) { return std::string(static_cast<size_t>(size_bytes), '\0'); }

// True when `payload` is `size_bytes` zero bytes of type COMPRESSABLE.
::testing::AssertionResult IsZeroPayload(const grpc::testing::Payload& payload, int size_bytes) {
  if (payload.type() != grpc::testing::COMPRESSABLE) {
    return ::testing::AssertionFailure() << "payload type " << payload.type();
  }
  if (payload.body() != Zeros(size_bytes)) {
    return ::testing::AssertionFailure()
           << "payload of " << payload.body().size() << " bytes, want " << size_bytes << " zeros";
  }
  return ::testing::AssertionSuccess();
}

// Reads one response per entry of `sizes_bytes`, each a zero payload of that size, then the end of
// the stream and an OK status. `Stream` reads StreamingOutputCallResponse.
template <typename Stream>
void ExpectZeroPayloadsThenOk(Stream& stream, const std::vector<int>& sizes_bytes) {
  StreamingOutputCallResponse response;
  for (int size : sizes_bytes) {
    ASSERT_TRUE(stream.Read(&response));
    EXPECT_TRUE(IsZeroPayload(response.payload(), size));
  }
  EXPECT_FALSE(stream.Read(&response));
  grpc::Status status = stream.Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
}

std::string MetadataValue(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                          const std::string& key) {
  auto it = metadata.find(key);
  if (it == metadata.end()) return "<absent>";
  return std::string(it->second.data(), it->second.size());
}

class InteropTestServiceTest : public InteropServerTest {
 protected:
  void SetUp() override {
    InteropServerTest::SetUp();
    stub_ = TestService::NewStub(channel_);
  }

  StreamingOutputCallRequest OutputRequest(int response_size, int payload_size,
                                           int interval_us = 0) {
    StreamingOutputCallRequest request;
    auto* parameters = request.add_response_parameters();
    parameters->set_size(response_size);
    parameters->set_interval_us(interval_us);
    request.mutable_payload()->set_body(Zeros(payload_size));
    return request;
  }

  std::unique_ptr<TestService::Stub> stub_;
};

TEST_F(InteropTestServiceTest, EmptyUnary) {
  auto context = Context();
  Empty response;
  grpc::Status status = stub_->EmptyCall(context.get(), Empty(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.ByteSizeLong(), 0u);
}

TEST_F(InteropTestServiceTest, LargeUnary) {
  SimpleRequest request;
  request.set_response_type(grpc::testing::COMPRESSABLE);
  request.set_response_size(314159);
  request.mutable_payload()->set_body(Zeros(271828));
  auto context = Context();
  SimpleResponse response;
  grpc::Status status = stub_->UnaryCall(context.get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(IsZeroPayload(response.payload(), 314159));
  EXPECT_EQ(MetricValue("streambench_server_calls_total",
                        {{"method", "/grpc.testing.TestService/UnaryCall"}, {"code", "OK"}}),
            1);
  EXPECT_EQ(
      MetricValue("streambench_server_payload_bytes_total",
                  {{"method", "/grpc.testing.TestService/UnaryCall"}, {"direction", "received"}}),
      271828);
  EXPECT_EQ(MetricValue("streambench_server_payload_bytes_total",
                        {{"method", "/grpc.testing.TestService/UnaryCall"}, {"direction", "sent"}}),
            314159);
}

TEST_F(InteropTestServiceTest, CacheableUnaryAnswersLikeUnary) {
  SimpleRequest request;
  request.set_response_size(17);
  auto context = Context();
  SimpleResponse response;
  grpc::Status status = stub_->CacheableUnaryCall(context.get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(IsZeroPayload(response.payload(), 17));
  EXPECT_EQ(MetadataValue(context->GetServerInitialMetadata(), "cache-control"),
            "max-age=60, public");
}

TEST_F(InteropTestServiceTest, ClientStreaming) {
  auto context = Context();
  StreamingInputCallResponse response;
  auto writer = stub_->StreamingInputCall(context.get(), &response);
  for (int size : kStreamingInputSizes) {
    StreamingInputCallRequest request;
    request.mutable_payload()->set_body(Zeros(size));
    ASSERT_TRUE(writer->Write(request));
  }
  ASSERT_TRUE(writer->WritesDone());
  grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.aggregated_payload_size(), 74922);
}

TEST_F(InteropTestServiceTest, ServerStreaming) {
  StreamingOutputCallRequest request;
  request.set_response_type(grpc::testing::COMPRESSABLE);
  for (int size : kStreamingOutputSizes) request.add_response_parameters()->set_size(size);
  auto context = Context();
  auto reader = stub_->StreamingOutputCall(context.get(), request);
  ExpectZeroPayloadsThenOk(*reader, kStreamingOutputSizes);
}

TEST_F(InteropTestServiceTest, ServerStreamingWaitsIntervalBeforeEachResponse) {
  constexpr int kIntervalUs = 30'000;
  StreamingOutputCallRequest request;
  for (int i = 0; i < 3; ++i) {
    auto* parameters = request.add_response_parameters();
    parameters->set_size(10 + i);
    parameters->set_interval_us(kIntervalUs);
  }
  const auto start = std::chrono::steady_clock::now();
  auto context = Context();
  auto reader = stub_->StreamingOutputCall(context.get(), request);
  StreamingOutputCallResponse response;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(reader->Read(&response));
    EXPECT_TRUE(IsZeroPayload(response.payload(), 10 + i));
  }
  EXPECT_FALSE(reader->Read(&response));
  ASSERT_TRUE(reader->Finish().ok());
  // A lower bound only: the server must have waited every interval, however fast the machine.
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::microseconds(3 * kIntervalUs));
}

TEST_F(InteropTestServiceTest, ServerStreamingEndsWithRequestedStatus) {
  StreamingOutputCallRequest request = OutputRequest(5, 0);
  request.mutable_response_status()->set_code(static_cast<int>(StatusCode::ABORTED));
  request.mutable_response_status()->set_message("aborted after one");
  auto context = Context();
  auto reader = stub_->StreamingOutputCall(context.get(), request);
  StreamingOutputCallResponse response;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_TRUE(IsZeroPayload(response.payload(), 5));
  EXPECT_FALSE(reader->Read(&response));
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), StatusCode::ABORTED);
  EXPECT_EQ(status.error_message(), "aborted after one");
}

TEST_F(InteropTestServiceTest, PingPong) {
  auto context = Context();
  auto stream = stub_->FullDuplexCall(context.get());
  StreamingOutputCallResponse response;
  for (size_t i = 0; i < kStreamingOutputSizes.size(); ++i) {
    ASSERT_TRUE(stream->Write(OutputRequest(kStreamingOutputSizes[i], kStreamingInputSizes[i])));
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_TRUE(IsZeroPayload(response.payload(), kStreamingOutputSizes[i]));
  }
  ASSERT_TRUE(stream->WritesDone());
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
}

TEST_F(InteropTestServiceTest, EmptyStream) {
  auto context = Context();
  auto stream = stub_->FullDuplexCall(context.get());
  ASSERT_TRUE(stream->WritesDone());
  StreamingOutputCallResponse response;
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
}

TEST_F(InteropTestServiceTest, CancelAfterBegin) {
  auto context = Context();
  StreamingInputCallResponse response;
  auto writer = stub_->StreamingInputCall(context.get(), &response);
  context->TryCancel();
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), StatusCode::CANCELLED);
  EXPECT_TRUE(WaitForNoActiveStreams(kStreamingInputMethod));
}

TEST_F(InteropTestServiceTest, CancelAfterFirstResponse) {
  auto context = Context();
  auto stream = stub_->FullDuplexCall(context.get());
  ASSERT_TRUE(stream->Write(OutputRequest(31415, 27182)));
  StreamingOutputCallResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_TRUE(IsZeroPayload(response.payload(), 31415));
  context->TryCancel();
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), StatusCode::CANCELLED);
  // The server's reactor for the vanished call is gone.
  EXPECT_TRUE(WaitForNoActiveStreams(kFullDuplexMethod));
}

TEST_F(InteropTestServiceTest, TimeoutOnSleepingServer) {
  auto context = Context(std::chrono::milliseconds(1));
  auto stream = stub_->FullDuplexCall(context.get());
  StreamingOutputCallRequest request;
  request.mutable_payload()->set_body(Zeros(27182));
  stream->Write(request);  // may already fail: the deadline is 1 ms
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), StatusCode::DEADLINE_EXCEEDED) << status.error_message();
  EXPECT_TRUE(WaitForNoActiveStreams(kFullDuplexMethod));
}

TEST_F(InteropTestServiceTest, StatusCodeAndMessageUnary) {
  SimpleRequest request;
  request.mutable_response_status()->set_code(2);
  request.mutable_response_status()->set_message("test status message");
  auto context = Context();
  SimpleResponse response;
  grpc::Status status = stub_->UnaryCall(context.get(), request, &response);
  EXPECT_EQ(status.error_code(), StatusCode::UNKNOWN);
  EXPECT_EQ(status.error_message(), "test status message");
}

TEST_F(InteropTestServiceTest, StatusCodeAndMessageFullDuplex) {
  StreamingOutputCallRequest request;
  request.mutable_response_status()->set_code(2);
  request.mutable_response_status()->set_message("test status message");
  auto context = Context();
  auto stream = stub_->FullDuplexCall(context.get());
  ASSERT_TRUE(stream->Write(request));
  stream->WritesDone();
  StreamingOutputCallResponse response;
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), StatusCode::UNKNOWN);
  EXPECT_EQ(status.error_message(), "test status message");
}

TEST_F(InteropTestServiceTest, SpecialStatusMessage) {
  SimpleRequest request;
  request.mutable_response_status()->set_code(2);
  request.mutable_response_status()->set_message(kSpecialStatusMessage);
  auto context = Context();
  SimpleResponse response;
  grpc::Status status = stub_->UnaryCall(context.get(), request, &response);
  EXPECT_EQ(status.error_code(), StatusCode::UNKNOWN);
  EXPECT_EQ(status.error_message(), kSpecialStatusMessage);
}

TEST_F(InteropTestServiceTest, CustomMetadataUnary) {
  SimpleRequest request;
  request.set_response_size(314159);
  request.mutable_payload()->set_body(Zeros(271828));
  auto context = Context();
  context->AddMetadata("x-grpc-test-echo-initial", kEchoInitialValue);
  context->AddMetadata("x-grpc-test-echo-trailing-bin", kEchoTrailingValue);
  SimpleResponse response;
  grpc::Status status = stub_->UnaryCall(context.get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(IsZeroPayload(response.payload(), 314159));
  EXPECT_EQ(MetadataValue(context->GetServerInitialMetadata(), "x-grpc-test-echo-initial"),
            kEchoInitialValue);
  EXPECT_EQ(MetadataValue(context->GetServerTrailingMetadata(), "x-grpc-test-echo-trailing-bin"),
            kEchoTrailingValue);
}

TEST_F(InteropTestServiceTest, CustomMetadataFullDuplex) {
  auto context = Context();
  context->AddMetadata("x-grpc-test-echo-initial", kEchoInitialValue);
  context->AddMetadata("x-grpc-test-echo-trailing-bin", kEchoTrailingValue);
  auto stream = stub_->FullDuplexCall(context.get());
  ASSERT_TRUE(stream->Write(OutputRequest(314159, 271828)));
  StreamingOutputCallResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_TRUE(IsZeroPayload(response.payload(), 314159));
  ASSERT_TRUE(stream->WritesDone());
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(MetadataValue(context->GetServerInitialMetadata(), "x-grpc-test-echo-initial"),
            kEchoInitialValue);
  EXPECT_EQ(MetadataValue(context->GetServerTrailingMetadata(), "x-grpc-test-echo-trailing-bin"),
            kEchoTrailingValue);
}

// Every method echoes the metadata, not only the two the custom_metadata case uses.
TEST_F(InteropTestServiceTest, MetadataEchoedByEveryMethod) {
  auto with_echo = [] {
    auto context = Context();
    context->AddMetadata("x-grpc-test-echo-initial", "v1");
    context->AddMetadata("x-grpc-test-echo-trailing-bin", std::string("\x00\xff", 2));
    return context;
  };
  auto expect_echo = [](grpc::ClientContext& context, const char* method) {
    EXPECT_EQ(MetadataValue(context.GetServerInitialMetadata(), "x-grpc-test-echo-initial"), "v1")
        << method;
    EXPECT_EQ(MetadataValue(context.GetServerTrailingMetadata(), "x-grpc-test-echo-trailing-bin"),
              std::string("\x00\xff", 2))
        << method;
  };
  {
    auto context = with_echo();
    Empty response;
    ASSERT_TRUE(stub_->EmptyCall(context.get(), Empty(), &response).ok());
    expect_echo(*context, "EmptyCall");
  }
  {
    auto context = with_echo();
    StreamingInputCallResponse response;
    auto writer = stub_->StreamingInputCall(context.get(), &response);
    ASSERT_TRUE(writer->WritesDone());
    ASSERT_TRUE(writer->Finish().ok());
    expect_echo(*context, "StreamingInputCall");
  }
  {
    auto context = with_echo();
    auto reader = stub_->StreamingOutputCall(context.get(), OutputRequest(3, 0));
    StreamingOutputCallResponse response;
    ASSERT_TRUE(testing::DrainAndFinish(*reader, &response).ok());
    expect_echo(*context, "StreamingOutputCall");
  }
  {
    auto context = with_echo();
    auto stream = stub_->HalfDuplexCall(context.get());
    ASSERT_TRUE(stream->WritesDone());
    StreamingOutputCallResponse response;
    EXPECT_FALSE(stream->Read(&response));
    ASSERT_TRUE(stream->Finish().ok());
    expect_echo(*context, "HalfDuplexCall");
  }
}

TEST_F(InteropTestServiceTest, UnimplementedMethod) {
  auto context = Context();
  Empty response;
  grpc::Status status = stub_->UnimplementedCall(context.get(), Empty(), &response);
  EXPECT_EQ(status.error_code(), StatusCode::UNIMPLEMENTED);
}

TEST_F(InteropTestServiceTest, UnimplementedService) {
  auto stub = grpc::testing::UnimplementedService::NewStub(channel_);
  auto context = Context();
  Empty response;
  grpc::Status status = stub->UnimplementedCall(context.get(), Empty(), &response);
  EXPECT_EQ(status.error_code(), StatusCode::UNIMPLEMENTED);
}

TEST_F(InteropTestServiceTest, HalfDuplexAnswersAfterHalfCloseInOrder) {
  const std::vector<int> sizes = {100, 1, 5000};
  auto context = Context();
  auto stream = stub_->HalfDuplexCall(context.get());
  for (int size : sizes) ASSERT_TRUE(stream->Write(OutputRequest(size, 10)));
  ASSERT_TRUE(stream->WritesDone());
  ExpectZeroPayloadsThenOk(*stream, sizes);
}

// The buffer cap is a parameter of StandardTestService (ReferenceServer keeps its 64 MiB
// default), so this test serves the service alone with a 1 MiB cap.
TEST_F(InteropTestServiceTest, HalfDuplexRefusesToBufferBeyondItsCap) {
  constexpr uint64_t kCapBytes = 1 << 20;
  ServerMetrics metrics(std::make_shared<prometheus::Registry>());
  StandardTestService service(metrics, BehaviorCaps{}, kCapBytes);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  ASSERT_NE(port, 0);
  auto stub = TestService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  {
    auto context = Context();
    auto stream = stub->HalfDuplexCall(context.get());
    // Three requests of 400 KiB exceed the 1 MiB cap; the server ends the call, so a later write
    // may fail.
    for (int i = 0; i < 3; ++i) {
      if (!stream->Write(OutputRequest(1, 400 << 10))) break;
    }
    stream->WritesDone();
    StreamingOutputCallResponse response;
    EXPECT_FALSE(stream->Read(&response));
    grpc::Status status = stream->Finish();
    EXPECT_EQ(status.error_code(), StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  }
  {
    // Just under the cap is served.
    auto context = Context();
    auto stream = stub->HalfDuplexCall(context.get());
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(stream->Write(OutputRequest(3, 400 << 10)));
    ASSERT_TRUE(stream->WritesDone());
    StreamingOutputCallResponse response;
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(stream->Read(&response));
    EXPECT_FALSE(stream->Read(&response));
    EXPECT_TRUE(stream->Finish().ok());
  }
  EXPECT_TRUE(WaitForActiveStreams(metrics, "/grpc.testing.TestService/HalfDuplexCall", 0));
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
}

TEST_F(InteropTestServiceTest, FullDuplexSendsEveryResponseParameterThenStatus) {
  StreamingOutputCallRequest request = OutputRequest(7, 0);
  request.add_response_parameters()->set_size(8);
  request.mutable_response_status()->set_code(static_cast<int>(StatusCode::FAILED_PRECONDITION));
  request.mutable_response_status()->set_message("after two");
  auto context = Context();
  auto stream = stub_->FullDuplexCall(context.get());
  ASSERT_TRUE(stream->Write(request));
  StreamingOutputCallResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_TRUE(IsZeroPayload(response.payload(), 7));
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_TRUE(IsZeroPayload(response.payload(), 8));
  EXPECT_FALSE(stream->Read(&response));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(), "after two");
}

// A client cancelling while the server waits on an interval's alarm: the alarm is cancelled and
// the call cleaned up long before the interval would have passed.
TEST_F(InteropTestServiceTest, CancelWhileServerWaitsOnInterval) {
  StreamingOutputCallRequest request = OutputRequest(1, 0, /*interval_us=*/50'000'000);
  auto context = Context(std::chrono::seconds(40));
  auto reader = stub_->StreamingOutputCall(context.get(), request);
  // The server sends nothing before the interval passes, so watch its gauge instead.
  ASSERT_TRUE(WaitForActiveStreams(kStreamingOutputMethod, 1));
  context->TryCancel();
  EXPECT_EQ(reader->Finish().error_code(), StatusCode::CANCELLED);
  ExpectCancelledCallCleanedUp(kStreamingOutputMethod);
}

// Many clients vanishing mid-stream at once (some waiting on an interval, some mid-exchange):
// every server reactor is finished and gone afterwards.
TEST_F(InteropTestServiceTest, ManyCancelledStreamsLeaveNothingBehind) {
  constexpr int kStreams = 40;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<StreamingOutputCallResponse>>> readers;
  std::vector<std::unique_ptr<
      grpc::ClientReaderWriter<StreamingOutputCallRequest, StreamingOutputCallResponse>>>
      duplexes;
  for (int i = 0; i < kStreams; ++i) {
    contexts.push_back(Context(std::chrono::seconds(40)));
    if (i % 2 == 0) {
      readers.push_back(stub_->StreamingOutputCall(
          contexts.back().get(), OutputRequest(1, 0, /*interval_us=*/50'000'000)));
    } else {
      duplexes.push_back(stub_->FullDuplexCall(contexts.back().get()));
      ASSERT_TRUE(duplexes.back()->Write(OutputRequest(1000, 10)));
      StreamingOutputCallResponse response;
      ASSERT_TRUE(duplexes.back()->Read(&response));
    }
  }
  ASSERT_TRUE(WaitForActiveStreams(kStreamingOutputMethod, kStreams / 2));
  ASSERT_TRUE(WaitForActiveStreams(kFullDuplexMethod, kStreams / 2));
  for (auto& context : contexts) context->TryCancel();
  for (auto& reader : readers) EXPECT_EQ(reader->Finish().error_code(), StatusCode::CANCELLED);
  for (auto& duplex : duplexes) EXPECT_EQ(duplex->Finish().error_code(), StatusCode::CANCELLED);
  EXPECT_TRUE(WaitForNoActiveStreams(kStreamingOutputMethod));
  EXPECT_TRUE(WaitForNoActiveStreams(kFullDuplexMethod));
}

// Server shutdown cancels a stream whose reactor waits on an alarm, and does not hang on it.
TEST_F(InteropTestServiceTest, ShutdownCancelsStreamWaitingOnInterval) {
  auto context = Context(std::chrono::seconds(40));
  auto reader =
      stub_->StreamingOutputCall(context.get(), OutputRequest(1, 0, /*interval_us=*/50'000'000));
  ASSERT_TRUE(WaitForActiveStreams(kStreamingOutputMethod, 1));
  server_->Shutdown();  // the fixture's grace period is 200 ms
  EXPECT_FALSE(reader->Finish().ok());
  EXPECT_TRUE(WaitForNoActiveStreams(kStreamingOutputMethod));
}

TEST_F(InteropTestServiceTest, RequestsBeyondCapsOrMalformedAreInvalidArgument) {
  {
    SimpleRequest request;
    request.set_response_size(-1);
    auto context = Context();
    SimpleResponse response;
    grpc::Status status = stub_->UnaryCall(context.get(), request, &response);
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("response_size"), std::string::npos)
        << status.error_message();
  }
  {
    SimpleRequest request;
    request.set_response_size(static_cast<int>(kMaxResponseBytes) + 1);
    auto context = Context();
    SimpleResponse response;
    grpc::Status status = stub_->UnaryCall(context.get(), request, &response);
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("response_size"), std::string::npos);
  }
  {
    StreamingOutputCallRequest request = OutputRequest(1, 0);
    request.add_response_parameters()->set_size(static_cast<int>(kMaxResponseBytes) + 1);
    auto context = Context();
    auto reader = stub_->StreamingOutputCall(context.get(), request);
    StreamingOutputCallResponse response;
    grpc::Status status = testing::DrainAndFinish(*reader, &response);
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("response_parameters[1].size"), std::string::npos)
        << status.error_message();
  }
  {
    auto context = Context();
    auto stream = stub_->FullDuplexCall(context.get());
    ASSERT_TRUE(stream->Write(OutputRequest(1, 0, /*interval_us=*/-5)));
    StreamingOutputCallResponse response;
    EXPECT_FALSE(stream->Read(&response));
    grpc::Status status = stream->Finish();
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("response_parameters[0].interval_us"), std::string::npos)
        << status.error_message();
  }
  {
    StreamingOutputCallRequest request;
    for (uint64_t i = 0; i <= kMaxResponseCount; ++i) request.add_response_parameters();
    auto context = Context();
    auto reader = stub_->StreamingOutputCall(context.get(), request);
    StreamingOutputCallResponse response;
    EXPECT_FALSE(reader->Read(&response));
    EXPECT_EQ(reader->Finish().error_code(), StatusCode::INVALID_ARGUMENT);
  }
}

}  // namespace
}  // namespace streambench::testing
