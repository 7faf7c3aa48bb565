// AppFlowQueue: application-level flow control for one server stream (Behavior.app_flow_control,
// see proto/streambench/v1/streambench.proto). A producer makes one response every
// producer_interval_us (on absolute due times, so it does not drift) into a bounded queue of
// response sequence numbers; the stream's writer pops them one write at a time, as fast as HTTP/2
// flow control lets its writes complete. When the producer finds the queue full:
//   BLOCK: it pauses (the response waits in the producer) until the writer pops one; its schedule
//          then restarts from that moment, so a slow consumer slows the producer (backpressure).
//   DROP:  the oldest queued response is discarded and the new one queued, so the newest data
//          always goes out; the next response written reports the gap in dropped_before.
// Plain logic without gRPC or clocks of its own (times are passed in), so the policies are unit
// tested directly; the reactors in streambench_service.cc drive it.
// Thread-safety: not thread-safe; the owning reactor calls it under its mutex.
#pragma once

#include <grpcpp/support/status.h>

#include <cstdint>
#include <deque>

#include "common/behavior_caps.h"
#include "streambench/v1/streambench.pb.h"

namespace streambench {

// Largest queue a request may ask for (the queue holds 8-byte sequence numbers, not payloads).
inline constexpr uint32_t kMaxAppFlowQueueMessages = 1'000'000;

// INVALID_ARGUMENT when app_flow_control asks for too much (queue, interval beyond the caps) or is
// combined with response_interval_us; OK otherwise (also when it is off).
grpc::Status ValidateAppFlowControl(const v1::Behavior& behavior, const BehaviorCaps& caps);

class AppFlowQueue {
 public:
  // `total_responses`: how many to produce in all, dropped ones included; 0 = until Stop().
  AppFlowQueue(const v1::AppFlowControl& config, uint64_t total_responses);

  // The producer's first response is due at `first_due_ns`.
  void Start(int64_t first_due_ns);

  // Produces every response due at `now_ns` (at most kMaxBatch per call, so a zero interval
  // cannot monopolise a thread). Returns the number dropped by this call.
  uint64_t ProduceDue(int64_t now_ns);

  // When ProduceDue should run next; -1 when the producer is blocked or finished.
  int64_t NextDueNs() const;

  struct Item {
    uint64_t seq = 0;             // the response's sequence number
    uint64_t dropped_before = 0;  // responses dropped since the previous popped one
  };
  bool Empty() const { return queue_.empty(); }
  // Takes the oldest queued response for writing (requires !Empty()). A blocked producer is
  // released: its waiting response becomes due at `now_ns`.
  Item Pop(int64_t now_ns);

  // Ends production (bidi whose client half-closed): nothing more is produced.
  void Stop();

  // No response will be produced any more (all produced, or stopped).
  bool ProducerFinished() const { return stopped_ || (total_ > 0 && produced_ >= total_); }
  bool blocked() const { return blocked_; }
  size_t depth() const { return queue_.size(); }
  uint64_t produced() const { return produced_; }  // dropped ones included
  uint64_t dropped() const { return dropped_; }
  // Time the producer spent blocked on a full queue, in nanoseconds (BLOCK).
  int64_t blocked_ns() const { return blocked_ns_; }

  static constexpr int kMaxBatch = 256;

 private:
  const uint32_t capacity_;
  const bool drop_;
  const int64_t interval_ns_;
  const uint64_t total_;
  bool stopped_ = false;
  std::deque<uint64_t> queue_;
  uint64_t produced_ = 0;
  uint64_t dropped_ = 0;
  uint64_t next_unwritten_seq_ = 0;  // one past the last popped seq
  int64_t next_due_ns_ = 0;
  bool blocked_ = false;
  int64_t blocked_since_ns_ = 0;
  int64_t blocked_ns_ = 0;
};

}  // namespace streambench
