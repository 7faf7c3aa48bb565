#include "server/workloads/topic_hub.h"

#include <algorithm>

namespace streambench::workloads {

bool TopicHub::Topic::Entry::Wants(const std::string& type) const {
  return event_types.empty() ||
         std::find(event_types.begin(), event_types.end(), type) != event_types.end();
}

std::shared_ptr<TopicHub::Topic> TopicHub::FindOrCreate(const std::string& name,
                                                        grpc::Status* status) {
  if (name.empty() || name.size() > kMaxTopicNameBytes) {
    *status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                           "topic must be 1.." + std::to_string(kMaxTopicNameBytes) + " bytes");
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = topics_.find(name);
  if (it != topics_.end()) return it->second;
  if (topics_.size() >= kMaxTopics) {
    *status = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                           "the server has " + std::to_string(kMaxTopics) + " topics already");
    return nullptr;
  }
  auto topic = std::make_shared<Topic>();
  topics_.emplace(name, topic);
  return topic;
}

grpc::Status TopicHub::Subscribe(const std::string& topic_name,
                                 const std::vector<std::string>& event_types, int64_t start_time_ns,
                                 EventSink* sink, Subscription* out) {
  grpc::Status status;
  std::shared_ptr<Topic> topic = FindOrCreate(topic_name, &status);
  if (topic == nullptr) return status;
  std::lock_guard<std::mutex> lock(topic->mu);
  Topic::Entry entry{sink, event_types};
  // Replay and registration under one lock: no event can fall between the two.
  if (start_time_ns > 0) {
    for (const auto& event : topic->retained) {
      if (event->publish_time_ns() >= start_time_ns && entry.Wants(event->event_type())) {
        sink->Deliver(event);
      }
    }
  }
  topic->subscribers.push_back(std::move(entry));
  out->topic = std::move(topic);
  out->sink = sink;
  return grpc::Status::OK;
}

void TopicHub::Unsubscribe(const Subscription& subscription) {
  if (subscription.topic == nullptr) return;
  std::lock_guard<std::mutex> lock(subscription.topic->mu);
  auto& subs = subscription.topic->subscribers;
  subs.erase(std::remove_if(subs.begin(), subs.end(),
                            [&](const Topic::Entry& e) { return e.sink == subscription.sink; }),
             subs.end());
}

grpc::Status TopicHub::Publish(v1::Event event, uint64_t* topic_seq, uint32_t* subscribers) {
  grpc::Status status;
  std::shared_ptr<Topic> topic = FindOrCreate(event.topic(), &status);
  if (topic == nullptr) return status;
  std::lock_guard<std::mutex> lock(topic->mu);
  event.set_topic_seq(topic->next_seq++);
  auto shared = std::make_shared<const v1::Event>(std::move(event));
  topic->retained.push_back(shared);
  if (topic->retained.size() > kRetainedEvents) topic->retained.pop_front();
  uint32_t delivered = 0;
  for (const Topic::Entry& entry : topic->subscribers) {
    if (!entry.Wants(shared->event_type())) continue;
    entry.sink->Deliver(shared);
    ++delivered;
  }
  *topic_seq = shared->topic_seq();
  *subscribers = delivered;
  return grpc::Status::OK;
}

void TopicHub::PublisherFinished(const std::string& topic_name, uint32_t publisher_id) {
  std::shared_ptr<Topic> topic;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = topics_.find(topic_name);
    if (it == topics_.end()) return;
    topic = it->second;
  }
  std::lock_guard<std::mutex> lock(topic->mu);
  for (const Topic::Entry& entry : topic->subscribers) entry.sink->PublisherFinished(publisher_id);
}

size_t TopicHub::topic_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return topics_.size();
}

size_t TopicHub::subscriber_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t total = 0;
  for (const auto& [name, topic] : topics_) {
    std::lock_guard<std::mutex> topic_lock(topic->mu);
    total += topic->subscribers.size();
  }
  return total;
}

}  // namespace streambench::workloads
