// TopicHub and ChatRooms without gRPC: fan-out order, filters, replay from a start time, limits,
// and that rooms and subscriptions leave nothing behind.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "server/workloads/chat_rooms.h"
#include "server/workloads/topic_hub.h"

namespace streambench::workloads {
namespace {

// Keeps a copy of every message delivered to it.
template <typename Message, typename Base = Recipient<Message>>
class RecordingRecipient : public Base {
 public:
  void Deliver(const std::shared_ptr<const Message>& message) override {
    received.push_back(*message);
  }
  std::vector<Message> received;
};
using RecordingMember = RecordingRecipient<v1::ChatServerMessage>;
// Also keeps the publisher ids it was told finished, after the events delivered before.
class RecordingSink final : public RecordingRecipient<v1::Event, EventSink> {
 public:
  void PublisherFinished(uint32_t publisher_id) override {
    finished.emplace_back(received.size(), publisher_id);
  }
  std::vector<std::pair<size_t, uint32_t>> finished;  // (events received before, publisher_id)
};

v1::Event MakeEvent(const std::string& topic, const std::string& type, int64_t time_ns) {
  v1::Event e;
  e.set_topic(topic);
  e.set_event_type(type);
  e.set_publish_time_ns(time_ns);
  return e;
}

TEST(WorkloadsTopicHubTest, PublisherFinishedReachesTheTopicsSubscribersAfterItsEvents) {
  TopicHub hub;
  RecordingSink on_t, on_u;
  TopicHub::Subscription s1, s2;
  ASSERT_TRUE(hub.Subscribe("t", {}, 0, &on_t, &s1).ok());
  ASSERT_TRUE(hub.Subscribe("u", {}, 0, &on_u, &s2).ok());
  uint64_t seq = 0;
  uint32_t subscribers = 0;
  ASSERT_TRUE(hub.Publish(MakeEvent("t", "a", 1), &seq, &subscribers).ok());
  hub.PublisherFinished("t", 7);
  hub.PublisherFinished("nowhere", 8);  // no such topic: nothing, and none is created
  EXPECT_EQ(on_t.finished, (std::vector<std::pair<size_t, uint32_t>>{{1, 7}}));
  EXPECT_TRUE(on_u.finished.empty());
  EXPECT_EQ(hub.topic_count(), 2u);
  hub.Unsubscribe(s1);
  hub.Unsubscribe(s2);
}

TEST(WorkloadsTopicHubTest, FansOutInOrderWithFilters) {
  TopicHub hub;
  RecordingSink all, only_b, other_topic;
  TopicHub::Subscription s1, s2, s3;
  ASSERT_TRUE(hub.Subscribe("t", {}, 0, &all, &s1).ok());
  ASSERT_TRUE(hub.Subscribe("t", {"b"}, 0, &only_b, &s2).ok());
  ASSERT_TRUE(hub.Subscribe("u", {}, 0, &other_topic, &s3).ok());
  uint64_t seq = 0;
  uint32_t subscribers = 0;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(hub.Publish(MakeEvent("t", i % 2 ? "b" : "a", 100 + i), &seq, &subscribers).ok());
    EXPECT_EQ(seq, static_cast<uint64_t>(i));
    EXPECT_EQ(subscribers, i % 2 ? 2u : 1u);
  }
  ASSERT_EQ(all.received.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(all.received[i].topic_seq(), static_cast<uint64_t>(i));
  ASSERT_EQ(only_b.received.size(), 5u);
  for (const auto& e : only_b.received) EXPECT_EQ(e.event_type(), "b");
  EXPECT_TRUE(other_topic.received.empty());
  EXPECT_EQ(hub.subscriber_count(), 3u);
  hub.Unsubscribe(s1);
  hub.Unsubscribe(s2);
  hub.Unsubscribe(s3);
  EXPECT_EQ(hub.subscriber_count(), 0u);
  ASSERT_TRUE(hub.Publish(MakeEvent("t", "a", 200), &seq, &subscribers).ok());
  EXPECT_EQ(subscribers, 0u);
  EXPECT_EQ(all.received.size(), 10u);
}

TEST(WorkloadsTopicHubTest, ReplaysRetainedEventsFromTheStartTime) {
  TopicHub hub;
  uint64_t seq = 0;
  uint32_t subscribers = 0;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(hub.Publish(MakeEvent("t", "a", 1000 + i), &seq, &subscribers).ok());
  }
  RecordingSink late, live_only;
  TopicHub::Subscription s1, s2;
  ASSERT_TRUE(hub.Subscribe("t", {}, 1002, &late, &s1).ok());
  ASSERT_TRUE(hub.Subscribe("t", {}, 0, &live_only, &s2).ok());
  ASSERT_TRUE(hub.Publish(MakeEvent("t", "a", 2000), &seq, &subscribers).ok());
  ASSERT_EQ(late.received.size(), 4u);  // 1002, 1003, 1004 replayed, then the live one
  EXPECT_EQ(late.received[0].topic_seq(), 2u);
  EXPECT_EQ(late.received[3].topic_seq(), 5u);
  ASSERT_EQ(live_only.received.size(), 1u);
  EXPECT_EQ(live_only.received[0].topic_seq(), 5u);
}

TEST(WorkloadsTopicHubTest, RejectsBadTopicNames) {
  TopicHub hub;
  RecordingSink sink;
  TopicHub::Subscription s;
  EXPECT_EQ(hub.Subscribe("", {}, 0, &sink, &s).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  uint64_t seq = 0;
  uint32_t n = 0;
  EXPECT_EQ(hub.Publish(MakeEvent(std::string(300, 'x'), "a", 1), &seq, &n).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(hub.topic_count(), 0u);
}

TEST(WorkloadsChatRoomsTest, BroadcastsToOthersAndErasesEmptyRooms) {
  ChatRooms rooms;
  RecordingMember a, b, c;
  ChatRooms::Membership ma, mb, mc;
  ASSERT_TRUE(rooms.Join("r", "a", &a, &ma).ok());
  ASSERT_TRUE(rooms.Join("r", "b", &b, &mb).ok());
  EXPECT_EQ(rooms.Join("r", "b", &c, &mc).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  ASSERT_TRUE(rooms.Join("r", "c", &c, &mc).ok());
  // a saw joins of a, b, c; b saw b, c; c saw c.
  EXPECT_EQ(a.received.size(), 3u);
  EXPECT_EQ(b.received.size(), 2u);
  EXPECT_EQ(c.received.size(), 1u);
  EXPECT_EQ(c.received[0].joined().members(), 3u);

  auto text = std::make_shared<v1::ChatServerMessage>();
  text->set_sender("a");
  text->mutable_text()->set_text("hi");
  rooms.Broadcast(ma, text);
  EXPECT_EQ(a.received.size(), 3u);  // not to the sender
  ASSERT_EQ(b.received.size(), 3u);
  EXPECT_EQ(b.received.back().text().text(), "hi");
  ASSERT_EQ(c.received.size(), 2u);

  rooms.Leave(ma);
  EXPECT_EQ(b.received.back().left().members(), 2u);
  EXPECT_EQ(b.received.back().sender(), "a");
  rooms.Leave(mb);
  EXPECT_EQ(rooms.room_count(), 1u);
  rooms.Leave(mc);
  EXPECT_EQ(rooms.room_count(), 0u);
  EXPECT_EQ(rooms.member_count(), 0u);
  EXPECT_EQ(c.received.back().left().members(), 1u);  // saw b leave, not its own leave
}

}  // namespace
}  // namespace streambench::workloads
