// streambench.v1.StreamBench over a real loopback server: every mode, metadata echo, bad
// behaviour requests, transport limits and the server's metrics.
#include "server/streambench_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/crc32c.h"
#include "tests/server/server_test_support.h"

namespace streambench {
namespace {

using ::testing::HasSubstr;
using testing::MakeRequest;
using testing::MetricValue;
using testing::PayloadValid;

int64_t RealtimeNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class StreamBenchServiceTest : public testing::ServerStubTest<v1::StreamBench> {
 protected:
  // The server's metric `name` for the Bidi method, of the sample whose `label` is `value`.
  double BidiMetric(const std::string& name, const std::string& label, const std::string& value) {
    return MetricValue(server_->metrics(), name, StreamBenchService::kBidiMethod, label, value);
  }
};

// A bidi behaviour in INDEPENDENT mode (responses paced on their own, not echoes).
v1::Behavior IndependentBehavior() {
  v1::Behavior behavior;
  behavior.set_bidi_mode(v1::Behavior::INDEPENDENT);
  return behavior;
}

TEST_F(StreamBenchServiceTest, UnaryAnswersWithEchoedTimesPayloadAndChecksum) {
  v1::Behavior behavior;
  behavior.set_response_size_bytes(1000);
  const v1::Request request = MakeRequest(7, 300, behavior);
  grpc::ClientContext context;
  v1::Response response;
  const int64_t before_ns = RealtimeNs();
  grpc::Status status = stub_->Unary(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.seq(), 0u);
  EXPECT_EQ(response.request_seq(), 7u);
  EXPECT_EQ(response.client_send_time_ns(), request.client_send_time_ns());
  EXPECT_EQ(response.intended_send_time_ns(), request.intended_send_time_ns());
  EXPECT_GE(response.server_send_time_ns(), before_ns);
  EXPECT_LE(response.server_send_time_ns(), RealtimeNs());
  EXPECT_TRUE(PayloadValid(response, 1000));
}

TEST_F(StreamBenchServiceTest, ServerStreamSendsCountResponsesInSequence) {
  v1::Behavior behavior;
  behavior.set_response_size_bytes(100);
  behavior.set_response_count(50);
  const v1::Request request = MakeRequest(0, 10, behavior);
  grpc::ClientContext context;
  auto reader = stub_->ServerStream(&context, request);
  v1::Response response;
  uint64_t n = 0;
  while (reader->Read(&response)) {
    EXPECT_EQ(response.seq(), n);
    EXPECT_EQ(response.client_send_time_ns(), request.client_send_time_ns());
    EXPECT_EQ(response.intended_send_time_ns(), request.intended_send_time_ns());
    EXPECT_TRUE(PayloadValid(response, 100));
    ++n;
  }
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(n, 50u);
}

TEST_F(StreamBenchServiceTest, ServerStreamPacesFirstDelayAndInterval) {
  v1::Behavior behavior;
  behavior.set_response_count(5);
  behavior.set_first_response_delay_us(50'000);
  behavior.set_response_interval_us(20'000);
  grpc::ClientContext context;
  const auto start = std::chrono::steady_clock::now();
  auto reader = stub_->ServerStream(&context, MakeRequest(0, 0, behavior));
  v1::Response response;
  std::vector<std::chrono::steady_clock::duration> arrivals;
  while (reader->Read(&response)) arrivals.push_back(std::chrono::steady_clock::now() - start);
  ASSERT_TRUE(reader->Finish().ok());
  ASSERT_EQ(arrivals.size(), 5u);
  // Lower bounds only: a slow machine can be late, never early.
  EXPECT_GE(arrivals[0], std::chrono::milliseconds(50));
  EXPECT_GE(arrivals[4], std::chrono::milliseconds(50 + 4 * 20));
}

TEST_F(StreamBenchServiceTest, ServerStreamWithZeroCountFinishesOk) {
  grpc::ClientContext context;
  auto reader = stub_->ServerStream(&context, MakeRequest(0, 0));
  v1::Response response;
  EXPECT_FALSE(reader->Read(&response));
  EXPECT_TRUE(reader->Finish().ok());
}

TEST_F(StreamBenchServiceTest, ClientStreamSummarisesWhatArrived) {
  v1::Behavior behavior;
  grpc::ClientContext context;
  v1::ClientStreamSummary summary;
  auto writer = stub_->ClientStream(&context, &summary);
  uint64_t bytes = 0;
  for (uint64_t seq = 0; seq < 40; ++seq) {
    ASSERT_TRUE(writer->Write(MakeRequest(seq, 100 + seq, behavior)));
    bytes += 100 + seq;
  }
  ASSERT_TRUE(writer->WritesDone());
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(summary.messages_received(), 40u);
  EXPECT_EQ(summary.payload_bytes_received(), bytes);
  EXPECT_EQ(summary.checksum_errors(), 0u);
  EXPECT_EQ(summary.sequence_errors(), 0u);
  EXPECT_TRUE(summary.all_valid());
  EXPECT_EQ(summary.last_client_send_time_ns(), MakeRequest(39, 0).client_send_time_ns());
  EXPECT_EQ(summary.last_intended_send_time_ns(), MakeRequest(39, 0).intended_send_time_ns());
  EXPECT_GT(summary.server_send_time_ns(), 0);
}

TEST_F(StreamBenchServiceTest, ClientStreamCountsCorruptedAndOutOfOrderMessages) {
  grpc::ClientContext context;
  v1::ClientStreamSummary summary;
  auto writer = stub_->ClientStream(&context, &summary);
  ASSERT_TRUE(writer->Write(MakeRequest(0, 64)));
  v1::Request corrupted = MakeRequest(1, 64);
  corrupted.mutable_payload()->at(3) ^= 0x40;
  ASSERT_TRUE(writer->Write(corrupted));
  ASSERT_TRUE(writer->Write(MakeRequest(5, 64)));  // gap: 2..4 lost
  ASSERT_TRUE(writer->Write(MakeRequest(6, 64)));
  ASSERT_TRUE(writer->WritesDone());
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(summary.messages_received(), 4u);
  EXPECT_EQ(summary.checksum_errors(), 1u);
  EXPECT_EQ(summary.sequence_errors(), 1u);
  EXPECT_FALSE(summary.all_valid());
  EXPECT_EQ(MetricValue(server_->metrics(), "streambench_server_integrity_errors_total",
                        StreamBenchService::kClientStreamMethod, "kind", "checksum"),
            1);
}

TEST_F(StreamBenchServiceTest, ClientStreamResponseDelayWaitsAfterHalfClose) {
  v1::Behavior behavior;
  behavior.set_response_delay_us(80'000);
  grpc::ClientContext context;
  v1::ClientStreamSummary summary;
  auto writer = stub_->ClientStream(&context, &summary);
  ASSERT_TRUE(writer->Write(MakeRequest(0, 10, behavior)));
  const auto half_close = std::chrono::steady_clock::now();
  ASSERT_TRUE(writer->WritesDone());
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_GE(std::chrono::steady_clock::now() - half_close, std::chrono::milliseconds(80));
  EXPECT_EQ(summary.messages_received(), 1u);
}

TEST_F(StreamBenchServiceTest, BidiEchoAnswersEveryRequestInOrder) {
  grpc::ClientContext context;
  auto stream = stub_->Bidi(&context);
  v1::Behavior behavior;  // response_size_bytes 0: same size as the request
  for (uint64_t seq = 0; seq < 30; ++seq) {
    const v1::Request request = MakeRequest(seq, 10 * seq, behavior);
    ASSERT_TRUE(stream->Write(request));
    v1::Response response;
    ASSERT_TRUE(stream->Read(&response));
    EXPECT_EQ(response.seq(), seq);
    EXPECT_EQ(response.request_seq(), seq);
    EXPECT_EQ(response.client_send_time_ns(), request.client_send_time_ns());
    EXPECT_EQ(response.intended_send_time_ns(), request.intended_send_time_ns());
    EXPECT_EQ(response.payload(), request.payload());  // an echo of the request's bytes
    EXPECT_TRUE(PayloadValid(response, 10 * seq));
  }
  ASSERT_TRUE(stream->WritesDone());
  v1::Response extra;
  EXPECT_FALSE(stream->Read(&extra));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(StreamBenchServiceTest, BidiEchoWithFixedResponseSizeAndPipelinedRequests) {
  grpc::ClientContext context;
  auto stream = stub_->Bidi(&context);
  v1::Behavior behavior;
  behavior.set_response_size_bytes(200);
  // Pipelined: all requests first, then all responses (more than the server's echo queue, so
  // reading pauses and resumes on the server).
  constexpr uint64_t kCount = 100;
  for (uint64_t seq = 0; seq < kCount; ++seq) {
    ASSERT_TRUE(stream->Write(MakeRequest(seq, 50, behavior)));
  }
  ASSERT_TRUE(stream->WritesDone());
  v1::Response response;
  uint64_t n = 0;
  while (stream->Read(&response)) {
    EXPECT_EQ(response.request_seq(), n);
    EXPECT_TRUE(PayloadValid(response, 200));
    ++n;
  }
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(n, kCount);
}

TEST_F(StreamBenchServiceTest, BidiEchoAnswersACorruptedRequestAndCountsIt) {
  grpc::ClientContext context;
  auto stream = stub_->Bidi(&context);
  v1::Request corrupted = MakeRequest(0, 32);
  corrupted.set_payload_crc32c(corrupted.payload_crc32c() + 1);
  ASSERT_TRUE(stream->Write(corrupted));
  v1::Response response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.request_seq(), 0u);
  EXPECT_TRUE(PayloadValid(response, 32));  // the response itself is sound
  ASSERT_TRUE(stream->WritesDone());
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(BidiMetric("streambench_server_integrity_errors_total", "kind", "checksum"), 1);
}

TEST_F(StreamBenchServiceTest, BidiIndependentStreamsCountWhileReading) {
  grpc::ClientContext context;
  auto stream = stub_->Bidi(&context);
  v1::Behavior behavior = IndependentBehavior();
  behavior.set_response_count(20);
  behavior.set_response_size_bytes(64);
  for (uint64_t seq = 0; seq < 5; ++seq) {
    ASSERT_TRUE(stream->Write(MakeRequest(seq, 10, behavior)));
  }
  v1::Response response;
  uint64_t n = 0;
  // All 20 arrive although the client sent only 5 and has not half-closed.
  while (n < 20 && stream->Read(&response)) {
    EXPECT_EQ(response.seq(), n);
    EXPECT_EQ(response.client_send_time_ns(), MakeRequest(0, 0).client_send_time_ns());
    EXPECT_TRUE(PayloadValid(response, 64));
    ++n;
  }
  EXPECT_EQ(n, 20u);
  ASSERT_TRUE(stream->WritesDone());  // the call ends only when both sides are done
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(BidiMetric("streambench_server_messages_total", "direction", "received"), 5);
}

TEST_F(StreamBenchServiceTest, BidiIndependentWithZeroCountStreamsUntilHalfClose) {
  grpc::ClientContext context;
  auto stream = stub_->Bidi(&context);
  v1::Behavior behavior = IndependentBehavior();
  behavior.set_response_interval_us(1000);
  ASSERT_TRUE(stream->Write(MakeRequest(0, 10, behavior)));
  v1::Response response;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(stream->Read(&response));
  ASSERT_TRUE(stream->WritesDone());
  int64_t after = 0;
  while (stream->Read(&response) && after < 100'000) ++after;  // bounded drain
  EXPECT_LT(after, 100'000);
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(StreamBenchServiceTest, EmptyBidiStreamFinishesOk) {
  grpc::ClientContext context;
  auto stream = stub_->Bidi(&context);
  ASSERT_TRUE(stream->WritesDone());
  v1::Response response;
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(StreamBenchServiceTest, EchoesTestMetadataInEveryMode) {
  auto add_metadata = [](grpc::ClientContext& context) {
    context.AddMetadata("x-grpc-test-echo-initial", "initial-value");
    context.AddMetadata("x-grpc-test-echo-trailing-bin", std::string("\x0a\x0b\x00\xff", 4));
  };
  auto check = [](const grpc::ClientContext& context) {
    auto initial = context.GetServerInitialMetadata().find("x-grpc-test-echo-initial");
    ASSERT_NE(initial, context.GetServerInitialMetadata().end());
    EXPECT_EQ(std::string(initial->second.data(), initial->second.size()), "initial-value");
    auto trailing = context.GetServerTrailingMetadata().find("x-grpc-test-echo-trailing-bin");
    ASSERT_NE(trailing, context.GetServerTrailingMetadata().end());
    EXPECT_EQ(std::string(trailing->second.data(), trailing->second.size()),
              std::string("\x0a\x0b\x00\xff", 4));
  };
  {
    grpc::ClientContext context;
    add_metadata(context);
    v1::Response response;
    ASSERT_TRUE(stub_->Unary(&context, MakeRequest(0, 1), &response).ok());
    check(context);
  }
  {
    grpc::ClientContext context;
    add_metadata(context);
    auto stream = stub_->Bidi(&context);
    ASSERT_TRUE(stream->Write(MakeRequest(0, 1)));
    v1::Response response;
    ASSERT_TRUE(stream->Read(&response));
    ASSERT_TRUE(stream->WritesDone());
    ASSERT_TRUE(stream->Finish().ok());
    check(context);
  }
}

TEST_F(StreamBenchServiceTest, BadBehaviourIsInvalidArgumentNamingTheFieldInEveryMode) {
  v1::Behavior too_big;
  too_big.set_response_size_bytes(32u << 20);
  v1::Behavior bad_probability;
  bad_probability.mutable_failure()->set_code(14);
  bad_probability.mutable_failure()->set_probability(2);
  v1::Behavior bad_code;
  bad_code.mutable_failure()->set_code(99);
  v1::Behavior too_long;
  too_long.set_response_count(1'000'000);
  too_long.set_response_interval_us(1'000'000);

  for (const auto& [behavior, field] : std::vector<std::pair<v1::Behavior, std::string>>{
           {too_big, "behavior.response_size_bytes"},
           {bad_probability, "behavior.failure.probability"},
           {bad_code, "behavior.failure.code"},
           {too_long, "behavior.response_count*response_interval_us"}}) {
    {
      grpc::ClientContext context;
      v1::Response response;
      grpc::Status s = stub_->Unary(&context, MakeRequest(0, 1, behavior), &response);
      EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
      EXPECT_THAT(s.error_message(), HasSubstr(field));
    }
    {
      grpc::ClientContext context;
      auto reader = stub_->ServerStream(&context, MakeRequest(0, 1, behavior));
      v1::Response response;
      EXPECT_FALSE(reader->Read(&response));
      grpc::Status s = reader->Finish();
      EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
      EXPECT_THAT(s.error_message(), HasSubstr(field));
    }
    {
      grpc::ClientContext context;
      v1::ClientStreamSummary summary;
      auto writer = stub_->ClientStream(&context, &summary);
      writer->Write(MakeRequest(0, 1, behavior));
      writer->WritesDone();
      grpc::Status s = writer->Finish();
      EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
      EXPECT_THAT(s.error_message(), HasSubstr(field));
    }
    {
      grpc::ClientContext context;
      auto stream = stub_->Bidi(&context);
      stream->Write(MakeRequest(0, 1, behavior));
      stream->WritesDone();
      v1::Response response;
      EXPECT_FALSE(stream->Read(&response));
      grpc::Status s = stream->Finish();
      EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
      EXPECT_THAT(s.error_message(), HasSubstr(field));
    }
  }
  EXPECT_EQ(BidiMetric("streambench_server_calls_total", "code", "INVALID_ARGUMENT"), 4);
}

TEST(StreamBenchTransportTest, MaxReceiveMessageSizeRefusesBiggerRequests) {
  ServerOptions options;
  options.transport.max_receive_message_bytes = 1024;
  auto server = testing::StartServer(options);
  ASSERT_NE(server, nullptr);
  auto stub = testing::MakeStub(server->address());
  v1::Response response;
  {
    grpc::ClientContext context;
    EXPECT_TRUE(stub->Unary(&context, MakeRequest(0, 512), &response).ok());
  }
  grpc::ClientContext context;
  grpc::Status s = stub->Unary(&context, MakeRequest(0, 4096), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST(StreamBenchTransportTest, ResponseBeyondMaxSendMessageIsRefusedUpFront) {
  ServerOptions options;
  options.transport.max_send_message_bytes = 4096;
  auto server = testing::StartServer(options);
  ASSERT_NE(server, nullptr);
  auto stub = testing::MakeStub(server->address());
  v1::Behavior behavior;
  behavior.set_response_size_bytes(8192);
  grpc::ClientContext context;
  v1::Response response;
  grpc::Status s = stub->Unary(&context, MakeRequest(0, 1, behavior), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("--max-send-message"));
}

TEST(StreamBenchMetricsTest, ScrapedMetricsCountCallsMessagesAndWrites) {
  ServerOptions options;
  options.metrics_port = 0;
  auto server = testing::StartServer(options);
  ASSERT_NE(server, nullptr);
  ASSERT_GT(server->metrics_port(), 0);
  auto stub = testing::MakeStub(server->address());
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext context;
    v1::Response response;
    v1::Behavior behavior;
    behavior.set_response_size_bytes(100);
    ASSERT_TRUE(stub->Unary(&context, MakeRequest(0, 10, behavior), &response).ok());
  }
  {
    v1::Behavior behavior;
    behavior.set_response_count(4);
    behavior.set_response_size_bytes(10);
    grpc::ClientContext context;
    auto reader = stub->ServerStream(&context, MakeRequest(0, 0, behavior));
    v1::Response response;
    ASSERT_TRUE(testing::DrainAndFinish(*reader, &response).ok());
  }
  // The server records a call's end just before its status reaches the client.
  ASSERT_TRUE(testing::WaitFor([&] {
    return MetricValue(server->metrics(), "streambench_server_active_streams",
                       StreamBenchService::kServerStreamMethod) == 0;
  }));
  const std::string text = testing::ScrapeMetrics(server->metrics_port());
  const std::string unary = "method=\"/streambench.v1.StreamBench/Unary\"";
  const std::string stream = "method=\"/streambench.v1.StreamBench/ServerStream\"";
  EXPECT_THAT(text, HasSubstr("streambench_server_calls_total{code=\"OK\"," + unary + "} 3"));
  EXPECT_THAT(text, HasSubstr("streambench_server_calls_started_total{" + unary + "} 3"));
  EXPECT_THAT(
      text, HasSubstr("streambench_server_messages_total{direction=\"received\"," + unary + "} 3"));
  EXPECT_THAT(text, HasSubstr("streambench_server_payload_bytes_total{direction=\"sent\"," + unary +
                              "} 300"));
  EXPECT_THAT(text,
              HasSubstr("streambench_server_messages_total{direction=\"sent\"," + stream + "} 4"));
  EXPECT_THAT(text, HasSubstr("streambench_server_active_streams{" + stream + "} 0"));
  EXPECT_THAT(text, HasSubstr("streambench_server_write_blocked_seconds_count{" + stream + "} 4"));
  EXPECT_THAT(text, HasSubstr("process_cpu_seconds_total "));
  EXPECT_THAT(text, HasSubstr("process_resident_memory_bytes "));
}

}  // namespace
}  // namespace streambench
