// TopicHub: the publish/subscribe fan-out of the Workloads service. A topic keeps its subscribers
// (each with an event-type filter) and the last kRetainedEvents events, so a subscriber can ask to
// start from a past time and miss nothing published since. Publishing assigns the topic's next
// sequence number and hands the event to every matching subscriber while holding the topic's lock,
// so every subscriber sees a topic's events in one order.
// Topics are created on first use and kept (with their retained events) for the hub's life, up
// to kMaxTopics; subscribers are removed when their call ends.
// Thread-safety: thread-safe. Sinks are called with the topic's lock held and must not call back.
#pragma once

#include <grpcpp/support/status.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/workloads/recipient.h"
#include "streambench/v1/workloads.pb.h"

namespace streambench::workloads {

// Where a subscriber's events go (the Subscribe reactor).
class EventSink : public Recipient<v1::Event> {
 public:
  // The call that published as `publisher_id` on the topic ended (a PublishStream, or each unary
  // Publish): none of its events follows those already delivered. Called like Deliver.
  virtual void PublisherFinished(uint32_t publisher_id) = 0;
};

class TopicHub {
 public:
  static constexpr size_t kRetainedEvents = 4096;
  static constexpr size_t kMaxTopics = 10000;
  static constexpr size_t kMaxTopicNameBytes = 256;

  struct Topic;
  // A registered subscription; pass back to Unsubscribe.
  struct Subscription {
    std::shared_ptr<Topic> topic;
    EventSink* sink = nullptr;
  };

  // Registers `sink` on `topic` for events whose type is in `event_types` (empty = all), first
  // delivering the retained events published at or after `start_time_ns` (0 = none).
  // INVALID_ARGUMENT for a bad topic name, RESOURCE_EXHAUSTED past kMaxTopics.
  grpc::Status Subscribe(const std::string& topic, const std::vector<std::string>& event_types,
                         int64_t start_time_ns, EventSink* sink, Subscription* out);
  // After it returns, `subscription.sink` is never called again.
  void Unsubscribe(const Subscription& subscription);

  // Fans `event` out; sets its topic_seq. *topic_seq / *subscribers: what it got and how many
  // subscribers it was handed to.
  grpc::Status Publish(v1::Event event, uint64_t* topic_seq, uint32_t* subscribers);
  // Tells every subscriber of `topic` that the call that published as `publisher_id` ended,
  // after the events it published (nothing when the topic does not exist).
  void PublisherFinished(const std::string& topic, uint32_t publisher_id);

  size_t topic_count() const;
  size_t subscriber_count() const;  // over every topic

 private:
  std::shared_ptr<Topic> FindOrCreate(const std::string& name, grpc::Status* status);

  mutable std::mutex mu_;  // guards topics_ (not the topics' contents)
  std::map<std::string, std::shared_ptr<Topic>> topics_;
};

struct TopicHub::Topic {
  struct Entry {
    EventSink* sink;
    std::vector<std::string> event_types;  // empty = all
    bool Wants(const std::string& type) const;
  };
  std::mutex mu;
  uint64_t next_seq = 0;
  std::deque<std::shared_ptr<const v1::Event>> retained;
  std::vector<Entry> subscribers;
};

}  // namespace streambench::workloads
