#include "bench/drivers/outage_tracker.h"

#include <grpcpp/support/status.h>

#include <algorithm>

#include "bench/engines/engine.h"

namespace streambench::drivers {

int OutageTracker::RegisterChannel(const engines::Channel* channel) {
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < channels_.size(); ++i) {
    if (channels_[i].channel == channel) return static_cast<int>(i);
  }
  if (channels_.size() >= kMaxChannels) return -1;
  channels_.push_back(ChannelState{channel, 0, 0});
  return static_cast<int>(channels_.size() - 1);
}

void OutageTracker::OnConnectionFailure(int index) {
  if (index < 0 || static_cast<size_t>(index) >= kMaxChannels) return;
  const int64_t now = clock_.NowNs();
  std::lock_guard<std::mutex> lock(mu_);
  if (static_cast<size_t>(index) >= channels_.size()) return;
  ChannelState& ch = channels_[index];
  if (!down_[index].load(std::memory_order_relaxed)) {
    down_[index].store(true, std::memory_order_release);
    ch.down_since_ns = now;
    ch.failures = 0;
    ++down_count_;
  }
  ++ch.failures;
  if (open_) {
    ++outages_.back().failed_calls;
  } else if (down_count_ == channels_.size()) {
    OutageRecord record;
    record.start_ns = now;
    for (const ChannelState& c : channels_) record.failed_calls += c.failures;
    outages_.push_back(record);
    open_ = true;
  }
}

void OutageTracker::MarkUp(int index, int64_t call_start_ns) {
  const int64_t now = clock_.NowNs();
  std::lock_guard<std::mutex> lock(mu_);
  if (!down_[index].load(std::memory_order_relaxed)) return;
  if (call_start_ns < channels_[index].down_since_ns) return;  // began before: proves nothing
  down_[index].store(false, std::memory_order_release);
  --down_count_;
  if (open_) {
    outages_.back().end_ns = std::max(now, outages_.back().start_ns + 1);
    open_ = false;
  }
}

std::vector<OutageRecord> OutageTracker::Outages() const {
  std::lock_guard<std::mutex> lock(mu_);
  return outages_;
}

bool IsConnectionFailure(const grpc::Status& status, const engines::Channel* channel) {
  if (status.error_code() != grpc::StatusCode::UNAVAILABLE) return false;
  // Without a channel to ask, every UNAVAILABLE counts (conservative: backs off).
  if (channel == nullptr) return true;
  return !channel->connected();
}

}  // namespace streambench::drivers
