// Application-level flow control (Behavior.app_flow_control): the AppFlowQueue policies with
// explicit times, and over a real loopback server a client that reads slowly: with DROP the
// server drops, counts and reports what it dropped (dropped_before, seq gaps); with BLOCK nothing
// is dropped because the producer waits for the writer.
#include "server/app_flow_control.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/server/server_test_support.h"

namespace streambench {
namespace {

using testing::MakeRequest;
using testing::MetricValue;
using testing::PayloadValid;

constexpr int64_t kMs = 1'000'000;

v1::AppFlowControl Config(uint32_t queue, v1::AppFlowControl::Policy policy, uint64_t interval_us) {
  v1::AppFlowControl config;
  config.set_queue_capacity_messages(queue);
  config.set_policy(policy);
  config.set_producer_interval_us(interval_us);
  return config;
}

TEST(AppFlowQueueTest, ProducesOnAbsoluteScheduleUpToTheTotal) {
  AppFlowQueue q(Config(10, v1::AppFlowControl::BLOCK, 1000), 5);
  q.Start(100 * kMs);
  EXPECT_EQ(q.ProduceDue(99 * kMs), 0u);
  EXPECT_EQ(q.depth(), 0u);
  q.ProduceDue(102 * kMs);  // due at 100, 101, 102
  EXPECT_EQ(q.depth(), 3u);
  EXPECT_EQ(q.NextDueNs(), 103 * kMs);
  q.ProduceDue(200 * kMs);
  EXPECT_EQ(q.produced(), 5u);
  EXPECT_TRUE(q.ProducerFinished());
  EXPECT_EQ(q.NextDueNs(), -1);
  for (uint64_t seq = 0; seq < 5; ++seq) {
    const AppFlowQueue::Item item = q.Pop(200 * kMs);
    EXPECT_EQ(item.seq, seq);
    EXPECT_EQ(item.dropped_before, 0u);
  }
  EXPECT_TRUE(q.Empty());
}

TEST(AppFlowQueueTest, BlockPausesTheProducerUntilTheWriterTakesOne) {
  AppFlowQueue q(Config(2, v1::AppFlowControl::BLOCK, 1000), 0);
  q.Start(0);
  q.ProduceDue(10 * kMs);  // 11 are due; only 2 fit
  EXPECT_EQ(q.depth(), 2u);
  EXPECT_TRUE(q.blocked());
  EXPECT_EQ(q.NextDueNs(), -1) << "a blocked producer has nothing scheduled";
  EXPECT_EQ(q.dropped(), 0u);
  // The writer takes one at 50 ms: the waiting response is due now, the next 1 ms later.
  EXPECT_EQ(q.Pop(50 * kMs).seq, 0u);
  EXPECT_FALSE(q.blocked());
  EXPECT_EQ(q.blocked_ns(), 40 * kMs);  // from the ProduceDue at 10 ms that found it full
  EXPECT_EQ(q.NextDueNs(), 50 * kMs);
  q.ProduceDue(50 * kMs);
  EXPECT_EQ(q.depth(), 2u);
  EXPECT_EQ(q.NextDueNs(), 51 * kMs);
  // The producer was slowed: 3 produced by 50 ms instead of 51.
  EXPECT_EQ(q.produced(), 3u);
  EXPECT_EQ(q.Pop(50 * kMs).seq, 1u);
  EXPECT_EQ(q.Pop(50 * kMs).seq, 2u);
}

TEST(AppFlowQueueTest, DropDiscardsTheOldestAndReportsTheGap) {
  AppFlowQueue q(Config(2, v1::AppFlowControl::DROP, 1000), 6);
  q.Start(0);
  EXPECT_EQ(q.ProduceDue(5 * kMs), 4u);  // seqs 0..5 produced; 0..3 dropped
  EXPECT_FALSE(q.blocked());
  EXPECT_TRUE(q.ProducerFinished());
  EXPECT_EQ(q.dropped(), 4u);
  AppFlowQueue::Item item = q.Pop(5 * kMs);
  EXPECT_EQ(item.seq, 4u);
  EXPECT_EQ(item.dropped_before, 4u);
  item = q.Pop(5 * kMs);
  EXPECT_EQ(item.seq, 5u);
  EXPECT_EQ(item.dropped_before, 0u);
}

TEST(AppFlowQueueTest, StopEndsAnUnlimitedProducer) {
  AppFlowQueue q(Config(4, v1::AppFlowControl::BLOCK, 0), 0);
  q.Start(0);
  q.ProduceDue(0);  // interval 0: fills the queue at once, then blocks
  EXPECT_EQ(q.depth(), 4u);
  EXPECT_FALSE(q.ProducerFinished());
  q.Stop();
  EXPECT_TRUE(q.ProducerFinished());
  EXPECT_EQ(q.NextDueNs(), -1);
}

TEST(AppFlowQueueTest, ValidationRefusesResponseIntervalAndHugeQueues) {
  BehaviorCaps caps;
  v1::Behavior behavior;
  EXPECT_TRUE(ValidateAppFlowControl(behavior, caps).ok()) << "off";
  *behavior.mutable_app_flow_control() = Config(8, v1::AppFlowControl::DROP, 100);
  EXPECT_TRUE(ValidateAppFlowControl(behavior, caps).ok());
  behavior.set_response_interval_us(5);
  EXPECT_EQ(ValidateAppFlowControl(behavior, caps).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  behavior.set_response_interval_us(0);
  behavior.mutable_app_flow_control()->set_queue_capacity_messages(kMaxAppFlowQueueMessages + 1);
  EXPECT_EQ(ValidateAppFlowControl(behavior, caps).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// A client that reads one response every 20 ms from a server producing one every 1 ms into a
// queue of 4, with 64 KiB responses and a 64 KiB window without BDP probing, so HTTP/2 flow
// control holds the writer back.
struct SlowReadOutcome {
  grpc::Status status;
  uint64_t received = 0;
  uint64_t reported_dropped = 0;
  bool seqs_increase = true;
  bool gaps_match_reports = true;
  bool payloads_valid = true;
};

constexpr uint64_t kCount = 60;
constexpr uint32_t kSizeBytes = 64 * 1024;

SlowReadOutcome ReadSlowly(const std::string& address, v1::AppFlowControl::Policy policy) {
  TransportSettings transport;
  transport.bdp_probe = false;
  transport.stream_window_bytes = 64 * 1024;
  auto stub = testing::MakeStub(address, transport);
  v1::Behavior behavior;
  behavior.set_response_count(kCount);
  behavior.set_response_size_bytes(kSizeBytes);
  *behavior.mutable_app_flow_control() = Config(4, policy, 1000);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto reader = stub->ServerStream(&context, MakeRequest(0, 0, behavior));
  SlowReadOutcome out;
  v1::Response response;
  uint64_t next_seq = 0;
  while (reader->Read(&response)) {
    ++out.received;
    out.reported_dropped += response.dropped_before();
    out.seqs_increase = out.seqs_increase && response.seq() >= next_seq;
    out.gaps_match_reports =
        out.gaps_match_reports && response.seq() - next_seq == response.dropped_before();
    out.payloads_valid = out.payloads_valid && PayloadValid(response, kSizeBytes);
    next_seq = response.seq() + 1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  out.status = reader->Finish();
  return out;
}

TEST(AppFlowControlServerTest, DropWithASlowReaderDropsCountsAndReportsInStream) {
  auto server = testing::StartServer();
  ASSERT_NE(server, nullptr);
  const SlowReadOutcome out = ReadSlowly(server->address(), v1::AppFlowControl::DROP);
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  EXPECT_GT(out.reported_dropped, 0u) << "a 20x slower reader must make the server drop";
  EXPECT_EQ(out.received + out.reported_dropped, kCount) << "every response sent or reported";
  EXPECT_TRUE(out.seqs_increase);
  EXPECT_TRUE(out.gaps_match_reports);
  EXPECT_TRUE(out.payloads_valid);
  EXPECT_EQ(MetricValue(server->metrics(), "streambench_server_app_dropped_messages_total",
                        "/streambench.v1.StreamBench/ServerStream"),
            static_cast<double>(out.reported_dropped));
}

TEST(AppFlowControlServerTest, BlockWithASlowReaderDropsNothingAndSlowsTheProducer) {
  auto server = testing::StartServer();
  ASSERT_NE(server, nullptr);
  const SlowReadOutcome out = ReadSlowly(server->address(), v1::AppFlowControl::BLOCK);
  ASSERT_TRUE(out.status.ok()) << out.status.error_message();
  // The same reader that made DROP drop gets every response: the producer waited.
  EXPECT_EQ(out.received, kCount);
  EXPECT_EQ(out.reported_dropped, 0u);
  EXPECT_TRUE(out.gaps_match_reports);
  EXPECT_TRUE(out.payloads_valid);
  EXPECT_EQ(MetricValue(server->metrics(), "streambench_server_app_dropped_messages_total",
                        "/streambench.v1.StreamBench/ServerStream"),
            0.0);
  // The queue was full when the producer wanted to add more: depth 4 was observed.
  EXPECT_GE(MetricValue(server->metrics(), "streambench_server_send_queue_depth_messages",
                        "/streambench.v1.StreamBench/ServerStream"),
            1.0);
}

TEST(AppFlowControlServerTest, BidiIndependentUnlimitedEndsWhenTheClientHalfCloses) {
  auto server = testing::StartServer();
  ASSERT_NE(server, nullptr);
  auto stub = testing::MakeStub(server->address());
  v1::Behavior behavior;
  behavior.set_bidi_mode(v1::Behavior::INDEPENDENT);
  behavior.set_response_count(0);
  behavior.set_response_size_bytes(100);
  *behavior.mutable_app_flow_control() = Config(8, v1::AppFlowControl::DROP, 1000);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto stream = stub->Bidi(&context);
  ASSERT_TRUE(stream->Write(MakeRequest(0, 10, behavior)));
  v1::Response response;
  uint64_t received = 0, dropped = 0;
  for (; received < 20 && stream->Read(&response); ++received) dropped += response.dropped_before();
  ASSERT_EQ(received, 20u);
  ASSERT_TRUE(stream->WritesDone());
  while (stream->Read(&response)) dropped += response.dropped_before();
  const grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(dropped, MetricValue(server->metrics(), "streambench_server_app_dropped_messages_total",
                                 "/streambench.v1.StreamBench/Bidi"));
}

}  // namespace
}  // namespace streambench
