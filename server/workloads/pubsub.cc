// PublishStream and Subscribe reactors of the Workloads service (unary Publish is in
// workloads_service.cc).
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/integrity_faults.h"
#include "server/workloads/outbox.h"
#include "server/workloads/reactors.h"

namespace streambench::workloads {
namespace {

// Client-streaming publish: each event read is fanned out before the next read, so a publisher's
// events reach every subscriber in the order it wrote them.
class PublishStreamReactor final
    : public WorkloadReactor<PublishStreamReactor, grpc::ServerReadReactor<v1::PublishRequest>> {
 public:
  PublishStreamReactor(LiveCalls& live_calls, ServerMetrics::Method& metrics, TopicHub& hub,
                       v1::PublishStreamSummary* response)
      : LifecycleReactor(metrics, live_calls), hub_(hub), response_(response) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    // The hub is called without mu_: its sinks take their own locks (order: topic, then sink).
    // The read path alone touches publishers_ until the call is over.
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
    publishers_.emplace(request_.event().topic(), request_.event().publisher_id());
    StartRead(&request_);
  }

 private:
  friend LifecycleReactor;  // calls BeforeDelete

  // However the call ended, its events are all fanned out: the subscribers learn that none of
  // its publishers' events follows (a held one need not wait for a successor).
  void BeforeDelete() {
    for (const auto& [topic, publisher_id] : publishers_)
      hub_.PublisherFinished(topic, publisher_id);
  }

  TopicHub& hub_;
  v1::PublishStreamSummary* const response_;
  v1::PublishRequest request_;
  uint64_t accepted_ = 0;
  std::set<std::pair<std::string, uint32_t>> publishers_;  // (topic, publisher_id) it published as
};

// How the integrity faults' outbox corrupts, duplicates and orders a subscriber's events. Each
// (publisher, event type) numbers its events, so that pair is a sequence.
struct EventFaultTraits {
  static void Corrupt(v1::SubscribeResponse& r) { CorruptPayloadOrChecksum(*r.mutable_event()); }
  static void MarkDuplicate(v1::SubscribeResponse&) {}
  static bool SameSequence(const v1::SubscribeResponse& a, const v1::SubscribeResponse& b) {
    return a.event().publisher_id() == b.event().publisher_id() &&
           a.event().event_type() == b.event().event_type();
  }
};

// A subscriber: a bounded queue of events filled by the hub and drained by one write at a time;
// a heartbeat after heartbeat_interval without a write. With integrity faults, the events taken
// from the queue go through the faults' outbox, which is written from.
class SubscribeReactor final
    : public WorkloadReactor<SubscribeReactor, grpc::ServerWriteReactor<v1::SubscribeResponse>>,
      public EventSink {
 public:
  SubscribeReactor(LiveCalls& live_calls, ServerMetrics::Method& metrics, TopicHub& hub,
                   std::atomic<uint64_t>& faulted_streams, const v1::SubscribeRequest& request)
      : LifecycleReactor(metrics, live_calls),
        hub_(hub),
        outbox_(request.max_queued_events() == 0 ? kDefaultQueuedEvents
                                                 : request.max_queued_events()) {
    heartbeat_ns_ = static_cast<int64_t>(request.heartbeat_interval_ms() == 0
                                             ? kDefaultHeartbeatMs
                                             : request.heartbeat_interval_ms()) *
                    1'000'000;
    if (request.max_queued_events() > kMaxQueuedEvents) {
      std::lock_guard<std::mutex> lock(mu_);
      FinishLocked(grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT,
          "subscribe: max_queued_events must be at most " + std::to_string(kMaxQueuedEvents)));
      return;
    }
    const grpc::Status faults_status =
        ValidateIntegrityFaults(request.integrity_faults(), "subscribe: integrity_faults");
    if (!faults_status.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      FinishLocked(faults_status);
      return;
    }
    if (IntegrityFaultsEnabled(request.integrity_faults())) {
      faults_.emplace(request.integrity_faults(), faulted_streams.fetch_add(1) + 1, metrics);
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
    if (!finished_) ArmInLocked(kHeartbeatAlarm, heartbeat_ns_);
  }

  void Deliver(const std::shared_ptr<const v1::Event>& event) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_ || !outbox_.Offer(event)) return;
    ++queued_;
    if (!write_in_flight_) WriteNextLocked();
  }

  void PublisherFinished(uint32_t publisher_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!faults_) return;
    finished_at_[publisher_id] = queued_;
    if (!finished_ && !write_in_flight_ && faults_->holding()) WriteNextLocked();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!WriteDoneLocked(ok) || finished_) return;
    last_write_ns_ = SteadyNowNs();
    if (writing_from_faults_) faults_->pop();
    writing_from_faults_ = false;
    if (!outbox_.empty() || (faults_ && !faults_->empty())) WriteNextLocked();
  }

 private:
  friend LifecycleReactor;  // calls BeforeDelete and OnAlarmLocked
  static constexpr int kHeartbeatAlarm = 0;

  void BeforeDelete() { hub_.Unsubscribe(subscription_); }

  void OnAlarmLocked(int /*slot*/) {
    const int64_t idle_ns = SteadyNowNs() - last_write_ns_;
    if (!write_in_flight_ && outbox_.empty() && (!faults_ || faults_->empty()) &&
        idle_ns >= heartbeat_ns_) {
      // No heartbeat while an event is held (it waits for a successor or its publisher's end): a
      // heartbeat means that everything queued before it was sent.
      if (!faults_ || !faults_->holding()) {
        response_.Clear();
        response_.mutable_heartbeat()->set_server_time_ns(SteadyNowNs());
        response_.set_dropped_events(outbox_.dropped());
        StartWriteLocked(&response_);
      }
      ArmInLocked(kHeartbeatAlarm, heartbeat_ns_);
      return;
    }
    // Busy, or written recently: look again one interval after the last write.
    ArmInLocked(kHeartbeatAlarm, write_in_flight_ ? heartbeat_ns_ : heartbeat_ns_ - idle_ns);
  }

  void WriteNextLocked() {
    if (faults_) {
      while (faults_->empty() && !outbox_.empty()) {
        v1::SubscribeResponse next;
        *next.mutable_event() = *outbox_.Take();
        next.set_dropped_events(outbox_.dropped());
        ++taken_;
        if (faults_->Offer(std::move(next)) == IntegrityFault::kReorder) held_number_ = taken_;
      }
      if (faults_->empty() && faults_->holding() && HeldPublisherFinishedLocked()) {
        faults_->Flush();  // no successor can come: it goes out in order, uncounted
      }
      if (faults_->empty()) return;  // dropped, or held back for the next event
      metrics_.MessageSent(faults_->front().event().payload().size());
      writing_from_faults_ = true;
      StartWriteLocked(&faults_->front());
      return;
    }
    response_.Clear();
    *response_.mutable_event() = *outbox_.Take();
    response_.set_dropped_events(outbox_.dropped());
    metrics_.MessageSent(response_.event().payload().size());
    StartWriteLocked(&response_);
  }

  // The held event was queued before its publisher's call finished: none of that publisher's
  // events can follow it.
  bool HeldPublisherFinishedLocked() const {
    auto it = finished_at_.find(faults_->held().event().publisher_id());
    return it != finished_at_.end() && it->second >= held_number_;
  }

  TopicHub& hub_;
  TopicHub::Subscription subscription_;
  int64_t heartbeat_ns_ = 0;
  Outbox<v1::Event> outbox_;
  int64_t last_write_ns_ = 0;
  v1::SubscribeResponse response_;  // heartbeats, and events without integrity faults
  std::optional<FaultedOutbox<v1::SubscribeResponse, EventFaultTraits>> faults_;
  bool writing_from_faults_ = false;  // the write in flight is faults_->front()
  // Events are numbered from 1 in queue order (the queue is FIFO: the n-th queued is the n-th
  // taken), to tell whether a held event was queued before its publisher's call finished.
  uint64_t queued_ = 0;       // events queued so far
  uint64_t taken_ = 0;        // events taken from the queue so far (with integrity faults)
  uint64_t held_number_ = 0;  // the held event's number
  std::map<uint32_t, uint64_t> finished_at_;  // publisher_id -> queued_ when its call finished
};

}  // namespace

grpc::ServerReadReactor<v1::PublishRequest>* NewPublishStreamReactor(
    LiveCalls& live_calls, ServerMetrics::Method& metrics, TopicHub& hub,
    v1::PublishStreamSummary* response) {
  return new PublishStreamReactor(live_calls, metrics, hub, response);
}

grpc::ServerWriteReactor<v1::SubscribeResponse>* NewSubscribeReactor(
    LiveCalls& live_calls, ServerMetrics::Method& metrics, TopicHub& hub,
    std::atomic<uint64_t>& faulted_streams, const v1::SubscribeRequest& request) {
  return new SubscribeReactor(live_calls, metrics, hub, faulted_streams, request);
}

}  // namespace streambench::workloads
