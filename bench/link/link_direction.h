// LinkDirection: the scheduling core of one direction of an emulated link, without sockets.
// Bytes read from the sender are pushed in as chunks; each chunk gets a delivery time from
//   serialization: it starts when both it has arrived and the link is free, and takes
//                  size x 8 / bandwidth (the link is then busy until it ends),
//   propagation:   + the one-way delay,
//   jitter:        + a uniformly random extra in [0, jitter], raised if needed so a chunk is never
//                  delivered before the chunk ahead of it (bytes are never reordered).
// Bytes stay held (counted against buffer_bytes) until the receiver has taken them, so a slow
// receiver fills the buffer and WritableBytes() drops to 0: the caller then stops reading from
// the sender, which is how backpressure travels back. The clock is injected so tests can use a
// FakeClock. Storage is one byte ring per direction, grown by doubling up to buffer_bytes (not
// allocated up front, so an idle connection with a large buffer costs little).
// Thread-safety: not thread-safe; one event-loop thread owns each instance.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include "common/clock.h"

namespace streambench::link {

class LinkDirection {
 public:
  struct Params {
    int64_t one_way_delay_ns = 0;
    uint64_t bandwidth_bits_per_s = 0;  // 0 = unlimited
    int64_t jitter_ns = 0;              // extra delay per chunk, uniform in [0, jitter_ns]
    uint64_t buffer_bytes = 64 * 1024;  // bound on held bytes; must be > 0
    uint64_t seed = 1;                  // jitter's random numbers
  };

  // A contiguous run of bytes that are due for delivery now.
  struct Span {
    const char* data = nullptr;
    size_t size_bytes = 0;
  };

  LinkDirection(const Params& params, const Clock& clock);

  LinkDirection(const LinkDirection&) = delete;
  LinkDirection& operator=(const LinkDirection&) = delete;

  // How many more bytes may be pushed now (buffer_bytes minus held bytes).
  uint64_t WritableBytes() const { return params_.buffer_bytes - held_bytes_; }

  // Takes `size_bytes` (1 ... WritableBytes()) bytes that arrived from the sender at
  // clock.NowNs() as one chunk and returns their delivery time (clock nanoseconds). Pushing more
  // than WritableBytes() is a caller bug: only WritableBytes() are taken. Returns -1 when
  // nothing was taken (size 0 or buffer full).
  int64_t Push(const char* data, size_t size_bytes);

  // Delivery time of the oldest held chunk; -1 when nothing is held.
  int64_t NextDeliveryNs() const;

  // The bytes due at clock.NowNs() that are contiguous in storage (from the oldest on; may be
  // fewer than all due bytes when the ring wraps: call again after Consume). Empty when none.
  Span Due() const;

  // Marks the first `size_bytes` bytes of Due() as delivered (the receiver took them).
  void Consume(size_t size_bytes);

  uint64_t held_bytes() const { return held_bytes_; }
  uint64_t max_held_bytes() const { return max_held_bytes_; }
  uint64_t pushed_bytes() const { return pushed_bytes_; }
  uint64_t delivered_bytes() const { return delivered_bytes_; }
  bool empty() const { return held_bytes_ == 0; }
  // Bytes of storage currently allocated (grows by doubling, never beyond buffer_bytes).
  size_t capacity_bytes() const { return ring_.size(); }
  const Params& params() const { return params_; }
  // The bandwidth from now on; 0 = unlimited. The held chunks are sent again from now at the new
  // rate (as a link's queue drains at whatever rate the link has when it gets there), so a
  // collapse slows what was queued and a recovery frees it.
  void SetBandwidth(uint64_t bits_per_s);

 private:
  struct Chunk {
    uint64_t size_bytes;  // bytes of this chunk still held
    int64_t delivery_ns;  // when they may be handed to the receiver
  };

  // Serialization time of `size_bytes` at the configured bandwidth, carrying the sub-nanosecond
  // remainder between chunks so long transfers do not drift.
  int64_t SerializationNs(uint64_t size_bytes);
  // Makes room for `more_bytes` more held bytes in the ring (keeps the held bytes in order).
  void Reserve(uint64_t more_bytes);

  Params params_;  // bandwidth_bits_per_s changes with SetBandwidth
  const Clock& clock_;
  std::mt19937_64 random_;

  std::vector<char> ring_;    // held bytes, oldest at head_
  size_t head_ = 0;           // index of the oldest held byte
  std::deque<Chunk> chunks_;  // held chunks in arrival (= delivery) order

  int64_t link_free_ns_ = 0;              // when serialization of the last chunk ends
  uint64_t serialization_remainder_ = 0;  // of bits x 1e9 / bandwidth, carried over
  int64_t last_delivery_ns_ = 0;          // delivery time of the newest chunk (no reordering)
  bool any_pushed_ = false;

  uint64_t held_bytes_ = 0;
  uint64_t max_held_bytes_ = 0;
  uint64_t pushed_bytes_ = 0;
  uint64_t delivered_bytes_ = 0;
};

}  // namespace streambench::link
