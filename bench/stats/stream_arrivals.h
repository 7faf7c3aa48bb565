// StreamArrivals: the receive side of one stream whose server sends on its own (server_stream,
// bidi independent, subscriptions, downloads). A driver feeds it each message's receive time and
// closes it when the stream ends; it records the gap between consecutive messages
// (Latency::kMessageGap) and, at the close, the messages the stream got
// (Snapshot::messages_per_stream). The first gap starts at the first message: the wait for the
// first message is the driver's Latency::kFirstMessage, timed from the stream's own start, so a
// first-response delay shows there and not as a gap.
// Header-only: per message it is one comparison and at most one histogram record.
// Thread-safety: none of its own, none needed: a stream's reads complete one at a time (gRPC
// orders each OnReadDone before the next read starts, and OnDone after the last), so Arrived and
// Close never overlap. Pass the calling thread's recorder each time (RecorderRegistry::
// ForCurrentThread): gRPC runs one stream's callbacks on different threads.
#pragma once

#include <cstdint>

#include "bench/stats/recorder.h"

namespace streambench::stats {

class StreamArrivals {
 public:
  // A message of the stream arrived at `now_ns` (any monotonic clock, the same for every call).
  // From the second message on, records the time since the previous arrival. Returns true for
  // the stream's first message.
  bool Arrived(Recorder& rec, int64_t now_ns) {
    const bool first = received_ == 0;
    if (!first) rec.RecordLatencyNs(Latency::kMessageGap, now_ns - last_arrival_ns_);
    last_arrival_ns_ = now_ns;
    ++received_;
    return first;
  }

  // The stream ended, whatever its status (a stream cut short counts as short): records how many
  // messages it received. Call once, after the last Arrived.
  void Close(Recorder& rec) const { rec.RecordStreamMessages(received_); }

  // Messages received so far.
  uint64_t received() const { return received_; }

 private:
  uint64_t received_ = 0;
  int64_t last_arrival_ns_ = 0;  // receive time of the latest message
};

}  // namespace streambench::stats
