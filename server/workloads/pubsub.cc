// PublishStream and Subscribe reactors of the Workloads service (unary Publish is in
// workloads_service.cc).
#include <deque>
#include <string>
#include <vector>

#include "server/workloads/reactor_base.h"
#include "server/workloads/reactors.h"

namespace streambench::workloads {
namespace {

// Client-streaming publish: each event read is fanned out before the next read, so a publisher's
// events reach every subscriber in the order it wrote them.
class PublishStreamReactor final
    : public WorkloadReactor<grpc::ServerReadReactor<v1::PublishRequest>> {
 public:
  PublishStreamReactor(WorkloadsService& service, ServerMetrics::Method& metrics, TopicHub& hub,
                       v1::PublishStreamSummary* response)
      : WorkloadReactor(service, metrics), hub_(hub), response_(response) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    // The hub is called without mu_: its sinks take their own locks (order: topic, then sink).
    if (!ok) {
      std::lock_guard<std::mutex> lock(mu_);
      response_->set_events_accepted(accepted_);
      FinishLocked(grpc::Status::OK);
      return;
    }
    metrics_.MessageReceived(request_.event().payload().size());
    uint64_t seq = 0;
    uint32_t subscribers = 0;
    const grpc::Status status = hub_.Publish(request_.event(), &seq, &subscribers);
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    if (!status.ok()) {
      FinishLocked(status);
      return;
    }
    ++accepted_;
    StartRead(&request_);
  }

 private:
  TopicHub& hub_;
  v1::PublishStreamSummary* const response_;
  v1::PublishRequest request_;
  uint64_t accepted_ = 0;
};

// A subscriber: a bounded queue of events filled by the hub and drained by one write at a time;
// a heartbeat after heartbeat_interval without a write.
class SubscribeReactor final
    : public WorkloadReactor<grpc::ServerWriteReactor<v1::SubscribeResponse>>,
      public EventSink {
 public:
  SubscribeReactor(WorkloadsService& service, ServerMetrics::Method& metrics, TopicHub& hub,
                   const v1::SubscribeRequest& request)
      : WorkloadReactor(service, metrics), hub_(hub) {
    heartbeat_ns_ = static_cast<int64_t>(request.heartbeat_interval_ms() == 0
                                             ? kDefaultHeartbeatMs
                                             : request.heartbeat_interval_ms()) *
                    1'000'000;
    max_queued_ =
        request.max_queued_events() == 0 ? kDefaultQueuedEvents : request.max_queued_events();
    if (request.max_queued_events() > kMaxQueuedEvents) {
      std::lock_guard<std::mutex> lock(mu_);
      FinishLocked(grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT,
          "subscribe: max_queued_events must be at most " + std::to_string(kMaxQueuedEvents)));
      return;
    }
    last_write_ns_ = SteadyNowNs();
    const std::vector<std::string> types(request.event_types().begin(),
                                         request.event_types().end());
    // Not under mu_: the replay calls Deliver, which takes it.
    const grpc::Status status =
        hub_.Subscribe(request.topic(), types, request.start_time_ns(), this, &subscription_);
    std::lock_guard<std::mutex> lock(mu_);
    if (!status.ok()) {
      FinishLocked(status);
      return;
    }
    if (!finished_) ArmAlarmLocked(heartbeat_ns_);
  }

  void Deliver(const std::shared_ptr<const v1::Event>& event) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    if (queue_.size() >= max_queued_) {
      ++dropped_;
      return;
    }
    queue_.push_back(event);
    if (!writing_) WriteNextLocked();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    writing_ = false;
    if (finished_) return;
    if (!ok) {
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "subscribe: write failed"));
      return;
    }
    last_write_ns_ = SteadyNowNs();
    if (!queue_.empty()) WriteNextLocked();
  }

 private:
  void BeforeDelete() override { hub_.Unsubscribe(subscription_); }

  void OnAlarmLocked() override {
    const int64_t idle_ns = SteadyNowNs() - last_write_ns_;
    if (!writing_ && queue_.empty() && idle_ns >= heartbeat_ns_) {
      response_.Clear();
      response_.mutable_heartbeat()->set_server_time_ns(SteadyNowNs());
      response_.set_dropped_events(dropped_);
      writing_ = true;
      StartWrite(&response_);
      ArmAlarmLocked(heartbeat_ns_);
      return;
    }
    // Busy, or written recently: look again one interval after the last write.
    ArmAlarmLocked(writing_ ? heartbeat_ns_ : heartbeat_ns_ - idle_ns);
  }

  void WriteNextLocked() {
    response_.Clear();
    *response_.mutable_event() = *queue_.front();
    queue_.pop_front();
    response_.set_dropped_events(dropped_);
    metrics_.MessageSent(response_.event().payload().size());
    writing_ = true;
    StartWrite(&response_);
  }

  TopicHub& hub_;
  TopicHub::Subscription subscription_;
  int64_t heartbeat_ns_ = 0;
  size_t max_queued_ = kDefaultQueuedEvents;
  std::deque<std::shared_ptr<const v1::Event>> queue_;
  uint64_t dropped_ = 0;
  bool writing_ = false;
  int64_t last_write_ns_ = 0;
  v1::SubscribeResponse response_;
};

}  // namespace

grpc::ServerReadReactor<v1::PublishRequest>* NewPublishStreamReactor(
    WorkloadsService& service, ServerMetrics::Method& metrics, TopicHub& hub,
    v1::PublishStreamSummary* response) {
  return new PublishStreamReactor(service, metrics, hub, response);
}

grpc::ServerWriteReactor<v1::SubscribeResponse>* NewSubscribeReactor(
    WorkloadsService& service, ServerMetrics::Method& metrics, TopicHub& hub,
    const v1::SubscribeRequest& request) {
  return new SubscribeReactor(service, metrics, hub, request);
}

}  // namespace streambench::workloads
