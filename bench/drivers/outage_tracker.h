// OutageTracker: finds the periods of a run in which the target could not be reached: every
// channel of the run failing with connection errors and no call succeeding. Each channel is
// tracked on its own: it goes down at its first call that fails with a connection error (see
// IsConnectionFailure) and comes back up at the first success of a call or stream that STARTED
// after it went down (calls already in flight when the server went away prove nothing: a
// draining server can still finish old calls while refusing new ones). An outage is the time all
// channels are down at once; it begins when the last one went down and ends when any comes back.
// Tracking channels separately keeps one channel that reconnects later than the others (each
// has its own gRPC reconnect backoff) from showing up as a string of tiny outages.
// Fed by the drivers from gRPC callback threads; read by the run controller at the end of a run.
// Thread-safety: thread-safe. OnSuccess is on every call's completion path, so when its channel
// is up it costs one atomic load.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "common/clock.h"

namespace grpc {
class Status;
}  // namespace grpc

namespace streambench::engines {
class Channel;
}  // namespace streambench::engines

namespace streambench::drivers {

// One outage, in Clock time.
struct OutageRecord {
  int64_t start_ns = 0;       // when the last channel went down
  int64_t end_ns = 0;         // the first later success; 0 while still open
  uint64_t failed_calls = 0;  // calls / streams failed with a connection error: those of every
                              // channel's current down period when it began, and all during it
};

class OutageTracker {
 public:
  explicit OutageTracker(const Clock& clock) : clock_(clock) {}

  // The index to report `channel`'s calls under (the same channel gets the same index).
  int RegisterChannel(const engines::Channel* channel);

  // A call or stream on channel `index` ended with a connection error.
  void OnConnectionFailure(int index);
  // A call or stream on channel `index`, started at `call_start_ns`, succeeded (finished OK, or
  // got a write or message through).
  void OnSuccess(int index, int64_t call_start_ns) {
    if (index < 0 || static_cast<size_t>(index) >= kMaxChannels) return;
    if (!down_[index].load(std::memory_order_acquire)) return;
    MarkUp(index, call_start_ns);
  }

  // Every outage so far, oldest first; an open one has end_ns == 0.
  std::vector<OutageRecord> Outages() const;

  // Channels beyond this many are not tracked (their calls never open or close an outage).
  static constexpr size_t kMaxChannels = 10000;

 private:
  struct ChannelState {
    const engines::Channel* channel = nullptr;
    int64_t down_since_ns = 0;  // valid while down
    uint64_t failures = 0;      // connection failures in the current down period
  };
  void MarkUp(int index, int64_t call_start_ns);

  const Clock& clock_;
  std::atomic<bool> down_[kMaxChannels] = {};  // per channel; written under mu_
  mutable std::mutex mu_;
  std::vector<ChannelState> channels_;  // guarded by mu_
  size_t down_count_ = 0;               // guarded by mu_
  bool open_ = false;                   // an outage is open (the last of outages_); mu_
  std::vector<OutageRecord> outages_;   // guarded by mu_
};

// True when `status` says the call could not reach the server: UNAVAILABLE while `channel` is not
// connected. An UNAVAILABLE returned by a server that is up (e.g. injected by a scenario's
// behaviour) leaves the channel connected and is an ordinary failed call, not an outage.
bool IsConnectionFailure(const grpc::Status& status, const engines::Channel* channel);

}  // namespace streambench::drivers
