// StreamWriteSide: the write-side bookkeeping of one driver stream (bidi, client_stream). A
// stream has at most one write in flight (the slot's pump token), so one set of fields describes
// it: Started() records the write as it starts, Acked() when OnWriteDone reports it went out. It
// also counts the writes started (the next write's index: its sequence number and size key
// offset) and the writes acknowledged (what an echo stream is owed).
// Internal to the drivers module; header-only so the per-message calls inline (no virtual call,
// no allocation).
// Thread-safety: none of its own, none needed. Started() runs under the slot's pump token and
// Acked() in that write's OnWriteDone, before StreamSlot::WriteCompleted releases the token, so
// calls never overlap and each sees the fields the previous one wrote (the token's release and
// acquire order them). Read the counts from OnDone, after the last write completed.
#pragma once

#include <cstddef>
#include <cstdint>

#include "bench/drivers/driver.h"
#include "bench/stats/recorder.h"

namespace streambench::drivers {

class StreamWriteSide {
 public:
  // `write_is_message`: each completed write is the stream's message (client_stream), so its
  // latency from the intended send time is recorded as Latency::kMessage; otherwise the message
  // latency belongs to the read side (bidi).
  explicit StreamWriteSide(bool write_is_message) : write_is_message_(write_is_message) {}

  // Index of the next write, from 0 (its sequence number; the stream's key base + this is its
  // size and payload key).
  uint64_t started() const { return started_; }
  // Writes acknowledged by OnWriteDone(ok = true).
  uint64_t acked() const { return acked_; }
  // Intended send time of the write in flight (or the last one).
  int64_t intended_ns() const { return intended_ns_; }
  // Intended send time of the stream's first write (0 before it started).
  int64_t first_intended_ns() const { return first_intended_ns_; }

  // From SlotStream::Write with the request filled (`bytes`: its payload), before StartWrite:
  // records how late the write starts (open loop only: closed loop sends at once) and remembers
  // the write for Acked().
  void Started(const DriverContext& dc, int64_t intended_ns, int64_t now_ns, size_t bytes) {
    if (dc.open_loop()) {
      dc.registry().ForCurrentThread().RecordLatencyNs(stats::Latency::kScheduleLag,
                                                       now_ns - intended_ns);
    }
    bytes_ = bytes;
    start_ns_ = now_ns;
    intended_ns_ = intended_ns;
    if (started_ == 0) first_intended_ns_ = intended_ns;
    ++started_;
  }

  // From OnWriteDone(true): the message and its bytes as sent, how long the write was blocked
  // (flow-control backpressure), and for client_stream the message latency. Counts the write as
  // acknowledged.
  void Acked(const DriverContext& dc) {
    const int64_t now_ns = dc.clock().NowNs();
    stats::Recorder& rec = dc.registry().ForCurrentThread();
    rec.AddSent(1, bytes_);
    rec.RecordLatencyNs(stats::Latency::kWriteBlocked, now_ns - start_ns_);
    if (write_is_message_) rec.RecordLatencyNs(stats::Latency::kMessage, now_ns - intended_ns_);
    ++acked_;
  }

 private:
  const bool write_is_message_;
  uint64_t started_ = 0;
  uint64_t acked_ = 0;
  size_t bytes_ = 0;               // payload bytes of the write in flight
  int64_t start_ns_ = 0;           // when the write in flight started (DriverContext clock)
  int64_t intended_ns_ = 0;        // its intended send time (= start in closed loop)
  int64_t first_intended_ns_ = 0;  // the first write's intended send time
};

}  // namespace streambench::drivers
