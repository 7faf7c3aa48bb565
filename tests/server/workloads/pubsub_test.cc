// Publish / PublishStream / Subscribe over a real loopback server: every subscriber of a topic
// gets every matching event exactly once and in order, heartbeats when idle, slow subscribers
// lose events with an in-stream count, and a cancelled subscription leaves nothing behind.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "server/workloads/workloads_service.h"
#include "tests/server/server_test_support.h"
#include "tests/server/workloads/workloads_test_support.h"

namespace streambench {
namespace {

v1::PublishRequest Publication(const std::string& topic, const std::string& type,
                               uint32_t publisher, uint64_t seq, size_t payload_bytes = 8) {
  v1::PublishRequest request;
  v1::Event* e = request.mutable_event();
  e->set_topic(topic);
  e->set_event_type(type);
  e->set_publisher_id(publisher);
  e->set_publisher_seq(seq);
  e->set_publish_time_ns(1);
  e->set_payload(std::string(payload_bytes, 'p'));
  return request;
}

class PubSubTest : public testing::WorkloadsServiceTest {
 protected:
  bool WaitForSubscribers(size_t n) {
    return testing::WaitFor(
        [&] { return server_->workloads_service().topics().subscriber_count() == n; });
  }
};

struct Subscriber {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::SubscribeResponse>> reader;
  // publisher_seq per (publisher, type) in arrival order.
  std::map<std::pair<uint32_t, std::string>, std::vector<uint64_t>> seen;
  size_t events = 0;
};

TEST_F(PubSubTest, EverySubscriberGetsEveryMatchingEventOnceInOrder) {
  constexpr int kPerPublisher = 300;
  std::vector<std::unique_ptr<Subscriber>> subs;
  auto subscribe = [&](const std::string& topic, std::vector<std::string> types) {
    auto s = std::make_unique<Subscriber>();
    v1::SubscribeRequest request;
    request.set_topic(topic);
    for (auto& t : types) request.add_event_types(t);
    s->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    s->reader = stub_->Subscribe(&s->context, request);
    subs.push_back(std::move(s));
  };
  subscribe("t", {});
  subscribe("t", {});
  subscribe("t", {"b"});
  subscribe("other", {});
  ASSERT_TRUE(WaitForSubscribers(4));

  // Two publishers on concurrent client streams, alternating types a and b.
  std::vector<std::thread> publishers;
  for (uint32_t p = 0; p < 2; ++p) {
    publishers.emplace_back([&, p] {
      grpc::ClientContext context;
      v1::PublishStreamSummary summary;
      auto writer = stub_->PublishStream(&context, &summary);
      uint64_t seq[2] = {0, 0};
      for (int i = 0; i < kPerPublisher; ++i) {
        const int type = i % 2;
        writer->Write(Publication("t", type ? "b" : "a", p, seq[type]++));
      }
      writer->WritesDone();
      EXPECT_TRUE(writer->Finish().ok());
      EXPECT_EQ(summary.events_accepted(), static_cast<uint64_t>(kPerPublisher));
    });
  }
  for (auto& t : publishers) t.join();

  const size_t expected[] = {2 * kPerPublisher, 2 * kPerPublisher, kPerPublisher};
  for (int i = 0; i < 3; ++i) {
    Subscriber& s = *subs[i];
    v1::SubscribeResponse message;
    uint64_t last_topic_seq = 0;
    while (s.events < expected[i] && s.reader->Read(&message)) {
      if (!message.has_event()) continue;
      const v1::Event& e = message.event();
      if (s.events > 0) {
        EXPECT_GT(e.topic_seq(), last_topic_seq);
      }
      last_topic_seq = e.topic_seq();
      s.seen[{e.publisher_id(), e.event_type()}].push_back(e.publisher_seq());
      EXPECT_EQ(message.dropped_events(), 0u);
      ++s.events;
    }
    ASSERT_EQ(s.events, expected[i]) << "subscriber " << i;
    for (const auto& [key, seqs] : s.seen) {
      ASSERT_EQ(seqs.size(), static_cast<size_t>(kPerPublisher / 2)) << "subscriber " << i;
      for (size_t k = 0; k < seqs.size(); ++k) EXPECT_EQ(seqs[k], k);
      if (i == 2) {
        EXPECT_EQ(key.second, "b");
      }
    }
    EXPECT_EQ(s.seen.size(), i == 2 ? 2u : 4u);
  }
  for (auto& s : subs) s->context.TryCancel();
  for (auto& s : subs) {
    v1::SubscribeResponse message;
    while (s->reader->Read(&message)) {
      // the other-topic subscriber only ever gets heartbeats
      if (s.get() == subs[3].get()) {
        EXPECT_FALSE(message.has_event());
      }
    }
    EXPECT_EQ(s->reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
}

TEST_F(PubSubTest, UnaryPublishReportsSeqAndSubscribers) {
  grpc::ClientContext sub_context;
  v1::SubscribeRequest request;
  request.set_topic("u");
  auto reader = stub_->Subscribe(&sub_context, request);
  ASSERT_TRUE(WaitForSubscribers(1));
  for (uint64_t i = 0; i < 3; ++i) {
    grpc::ClientContext context;
    v1::PublishResponse response;
    ASSERT_TRUE(stub_->Publish(&context, Publication("u", "x", 0, i), &response).ok());
    EXPECT_EQ(response.topic_seq(), i);
    EXPECT_EQ(response.subscribers(), 1u);
  }
  v1::SubscribeResponse message;
  for (uint64_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(reader->Read(&message));
    EXPECT_EQ(message.event().topic_seq(), i);
  }
  sub_context.TryCancel();
  testing::DrainAndFinish(*reader, &message);
}

TEST_F(PubSubTest, StartTimeReplaysEventsPublishedBeforeTheSubscription) {
  for (int64_t t = 100; t < 110; ++t) {
    v1::PublishRequest p = Publication("r", "x", 0, t - 100);
    p.mutable_event()->set_publish_time_ns(t);
    grpc::ClientContext context;
    v1::PublishResponse response;
    ASSERT_TRUE(stub_->Publish(&context, p, &response).ok());
  }
  grpc::ClientContext context;
  v1::SubscribeRequest request;
  request.set_topic("r");
  request.set_start_time_ns(105);
  auto reader = stub_->Subscribe(&context, request);
  v1::SubscribeResponse message;
  for (uint64_t seq = 5; seq < 10; ++seq) {
    ASSERT_TRUE(reader->Read(&message));
    EXPECT_EQ(message.event().publisher_seq(), seq);
  }
  context.TryCancel();
  testing::DrainAndFinish(*reader, &message);
}

TEST_F(PubSubTest, IdleSubscriptionGetsHeartbeats) {
  grpc::ClientContext context;
  v1::SubscribeRequest request;
  request.set_topic("quiet");
  request.set_heartbeat_interval_ms(20);
  auto reader = stub_->Subscribe(&context, request);
  v1::SubscribeResponse message;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(reader->Read(&message));
    EXPECT_TRUE(message.has_heartbeat());
    EXPECT_GT(message.heartbeat().server_time_ns(), 0);
  }
  context.TryCancel();
  EXPECT_EQ(testing::DrainAndFinish(*reader, &message).error_code(), grpc::StatusCode::CANCELLED);
}

// Integrity faults (reorder every 2nd event): a held event waits for its successor however long
// the publisher pauses, and goes out, in order and uncounted, once the publisher's stream ends.
// A subscriber without faults on the same topic shows the pause: two of its heartbeats (20 ms
// each) come between the held event and the next one.
TEST_F(PubSubTest, HeldEventWaitsForItsSuccessorOrItsPublishersEnd) {
  v1::SubscribeRequest request;
  request.set_topic("held");
  request.set_heartbeat_interval_ms(20);
  // Deadlines only so that a broken server fails the test instead of hanging it.
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(30);
  grpc::ClientContext control_context;
  control_context.set_deadline(deadline);
  auto control = stub_->Subscribe(&control_context, request);
  request.mutable_integrity_faults()->mutable_reorder()->set_every_nth(2);
  grpc::ClientContext faulted_context;
  faulted_context.set_deadline(deadline);
  auto faulted = stub_->Subscribe(&faulted_context, request);
  ASSERT_TRUE(WaitForSubscribers(2));
  grpc::ClientContext pub_context;
  v1::PublishStreamSummary summary;
  auto writer = stub_->PublishStream(&pub_context, &summary);
  v1::SubscribeResponse message;
  // Reads `reader` up to its next event; the publisher_seq, or -1 when the stream ended.
  auto next_event = [&](grpc::ClientReader<v1::SubscribeResponse>& reader) -> int64_t {
    while (reader.Read(&message)) {
      if (message.has_event()) return static_cast<int64_t>(message.event().publisher_seq());
    }
    return -1;
  };
  ASSERT_TRUE(writer->Write(Publication("held", "x", 3, 0)));
  ASSERT_TRUE(writer->Write(Publication("held", "x", 3, 1)));  // the faulted one's 2nd: held
  EXPECT_EQ(next_event(*control), 0);
  EXPECT_EQ(next_event(*control), 1);
  for (int heartbeats = 0; heartbeats < 2;) {
    ASSERT_TRUE(control->Read(&message));
    heartbeats += message.has_heartbeat();
  }
  ASSERT_TRUE(writer->Write(Publication("held", "x", 3, 2)));  // 3rd: 1 goes out behind it
  ASSERT_TRUE(writer->Write(Publication("held", "x", 3, 3)));  // 4th: held, the stream's last
  ASSERT_TRUE(writer->WritesDone());
  ASSERT_TRUE(writer->Finish().ok());
  std::vector<int64_t> seqs;
  for (int i = 0; i < 4; ++i) seqs.push_back(next_event(*faulted));
  EXPECT_EQ(seqs, (std::vector<int64_t>{0, 2, 1, 3}));
  EXPECT_EQ(
      testing::MetricValue(server_->metrics(), "streambench_server_injected_integrity_faults_total",
                           WorkloadsService::kSubscribeMethod, "kind", "reorder"),
      1.0);
  for (auto* context : {&control_context, &faulted_context}) context->TryCancel();
  testing::DrainAndFinish(*control, &message);
  testing::DrainAndFinish(*faulted, &message);
}

// A subscriber that does not read: its queue (4 events) fills once flow control stops the writes,
// and further events are dropped and counted. Every event is either delivered or counted.
TEST_F(PubSubTest, SlowSubscriberLosesEventsWithACount) {
  grpc::ClientContext context;
  v1::SubscribeRequest request;
  request.set_topic("slow");
  request.set_max_queued_events(4);
  request.set_heartbeat_interval_ms(60'000);
  auto reader = stub_->Subscribe(&context, request);
  ASSERT_TRUE(WaitForSubscribers(1));
  constexpr uint64_t kEvents = 1500;  // 1500 x 64 KiB = 94 MiB, far beyond any window
  {
    grpc::ClientContext pub_context;
    v1::PublishStreamSummary summary;
    auto writer = stub_->PublishStream(&pub_context, &summary);
    for (uint64_t i = 0; i < kEvents; ++i) {
      ASSERT_TRUE(writer->Write(Publication("slow", "x", 0, i, 64 * 1024)));
    }
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
  }
  uint64_t received = 0, dropped = 0, last_seq = 0;
  v1::SubscribeResponse message;
  while (received + dropped < kEvents && reader->Read(&message)) {
    ASSERT_TRUE(message.has_event());
    if (received > 0) {
      EXPECT_GT(message.event().publisher_seq(), last_seq);
    }
    last_seq = message.event().publisher_seq();
    ++received;
    dropped = message.dropped_events();
  }
  EXPECT_GT(dropped, 0u);
  EXPECT_EQ(received + dropped, kEvents);
  context.TryCancel();
  testing::DrainAndFinish(*reader, &message);
}

TEST_F(PubSubTest, CancelledSubscriptionsLeaveNothingBehind) {
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<v1::SubscribeResponse>>> readers;
  for (int i = 0; i < 50; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    v1::SubscribeRequest request;
    request.set_topic("c" + std::to_string(i % 5));
    readers.push_back(stub_->Subscribe(contexts.back().get(), request));
  }
  ASSERT_TRUE(WaitForSubscribers(50));
  EXPECT_EQ(testing::MetricValue(server_->metrics(), "streambench_server_active_streams",
                                 WorkloadsService::kSubscribeMethod),
            50);
  for (auto& c : contexts) c->TryCancel();
  for (auto& r : readers) EXPECT_EQ(r->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(WaitForSubscribers(0));
  EXPECT_TRUE(testing::WaitFor([&] {
    return testing::MetricValue(server_->metrics(), "streambench_server_active_streams",
                                WorkloadsService::kSubscribeMethod) == 0;
  }));
}

TEST_F(PubSubTest, BadTopicIsInvalid) {
  grpc::ClientContext context;
  v1::SubscribeRequest request;  // empty topic
  auto reader = stub_->Subscribe(&context, request);
  v1::SubscribeResponse message;
  EXPECT_FALSE(reader->Read(&message));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  grpc::ClientContext pub_context;
  v1::PublishResponse response;
  EXPECT_EQ(stub_->Publish(&pub_context, Publication("", "x", 0, 0), &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace streambench
