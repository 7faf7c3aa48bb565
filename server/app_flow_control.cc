#include "server/app_flow_control.h"

#include <algorithm>
#include <string>

namespace streambench {

grpc::Status ValidateAppFlowControl(const v1::Behavior& behavior, const BehaviorCaps& caps) {
  const v1::AppFlowControl& afc = behavior.app_flow_control();
  if (afc.queue_capacity_messages() == 0) return grpc::Status::OK;
  auto invalid = [](const std::string& message) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "behavior.app_flow_control." + message);
  };
  if (afc.queue_capacity_messages() > kMaxAppFlowQueueMessages) {
    return invalid("queue_capacity_messages=" + std::to_string(afc.queue_capacity_messages()) +
                   " exceeds " + std::to_string(kMaxAppFlowQueueMessages));
  }
  const uint64_t max_us =
      caps.max_duration_us > 0 ? static_cast<uint64_t>(caps.max_duration_us) : 0;
  if (afc.producer_interval_us() > max_us) {
    return invalid("producer_interval_us=" + std::to_string(afc.producer_interval_us()) +
                   " exceeds the server's cap of " + std::to_string(max_us) +
                   " us (--max-duration)");
  }
  if (afc.producer_interval_us() > 0 &&
      behavior.response_count() > max_us / afc.producer_interval_us()) {
    return invalid("producer_interval_us * response_count exceeds the server's cap of " +
                   std::to_string(max_us) + " us (--max-duration)");
  }
  if (behavior.response_interval_us() > 0) {
    return invalid("producer_interval_us replaces response_interval_us, which must be 0");
  }
  return grpc::Status::OK;
}

AppFlowQueue::AppFlowQueue(const v1::AppFlowControl& config, uint64_t total_responses)
    : capacity_(std::max<uint32_t>(1, config.queue_capacity_messages())),
      drop_(config.policy() == v1::AppFlowControl::DROP),
      interval_ns_(static_cast<int64_t>(config.producer_interval_us()) * 1000),
      total_(total_responses) {}

void AppFlowQueue::Start(int64_t first_due_ns) { next_due_ns_ = first_due_ns; }

uint64_t AppFlowQueue::ProduceDue(int64_t now_ns) {
  uint64_t dropped_now = 0;
  for (int n = 0; n < kMaxBatch && !blocked_ && !ProducerFinished() && next_due_ns_ <= now_ns;
       ++n) {
    if (queue_.size() >= capacity_) {
      if (!drop_) {
        blocked_ = true;  // the due response waits in the producer
        blocked_since_ns_ = now_ns;
        break;
      }
      queue_.pop_front();  // the oldest goes; its seq shows up as a gap in dropped_before
      ++dropped_;
      ++dropped_now;
    }
    queue_.push_back(produced_++);
    next_due_ns_ += interval_ns_;
  }
  return dropped_now;
}

int64_t AppFlowQueue::NextDueNs() const {
  if (blocked_ || ProducerFinished()) return -1;
  return next_due_ns_;
}

AppFlowQueue::Item AppFlowQueue::Pop(int64_t now_ns) {
  Item item;
  item.seq = queue_.front();
  queue_.pop_front();
  item.dropped_before = item.seq - next_unwritten_seq_;
  next_unwritten_seq_ = item.seq + 1;
  if (blocked_) {
    blocked_ = false;
    blocked_ns_ += now_ns - blocked_since_ns_;
    next_due_ns_ = now_ns;  // the waiting response goes in now; the schedule restarts from here
  }
  return item;
}

void AppFlowQueue::Stop() {
  stopped_ = true;
  blocked_ = false;
}

}  // namespace streambench
