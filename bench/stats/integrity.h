// StreamIntegrity: per-stream accounting of what arrived versus what was sent, from sequence
// numbers and payload checksums. One instance per receiving stream.
// Thread-safety: not thread-safe; the stream's receive path owns it.
#pragma once

#include <cstdint>

namespace streambench::stats {

struct IntegrityCounts {
  uint64_t lost = 0;        // sequence numbers never received by the end of the stream
  uint64_t duplicated = 0;  // a sequence number received more than once
  uint64_t reordered = 0;   // received after a higher sequence number
  uint64_t corrupted = 0;   // payload checksum mismatch
  uint64_t Total() const { return lost + duplicated + reordered + corrupted; }
  IntegrityCounts& operator+=(const IntegrityCounts& o) {
    lost += o.lost;
    duplicated += o.duplicated;
    reordered += o.reordered;
    corrupted += o.corrupted;
    return *this;
  }
};

class StreamIntegrity {
 public:
  // Sequence numbers are expected to start at 0 and increase by 1.
  StreamIntegrity();

  // Accounts one received message. `checksum_ok` = the payload matched its CRC-32C. Returns false
  // when the message was not in order (duplicate, reordered) or corrupted. Allocation-free.
  bool OnMessage(uint64_t seq, bool checksum_ok);

  // At the end of the stream: `expected_count` messages were sent by the peer (when known, e.g.
  // response_count, or the number the client sent for echo); missing ones are counted as lost.
  // Without an expected count, only gaps below the highest received seq count as lost.
  // Only the first Finish* call of a stream counts; later ones do nothing.
  // Limits of the fixed window: a message more than kWindow below the highest seq seen cannot be
  // told from a duplicate and is counted as duplicated (if it was really missing until then it
  // also stays counted as lost). A corrupted message still counts as received for its seq.
  // Messages with seq >= expected_count are counted in received() but are not an error here.
  void Finish(uint64_t expected_count);
  void FinishUnknownCount();

  uint64_t received() const { return received_; }
  const IntegrityCounts& counts() const { return counts_; }
  static constexpr int window_size() { return kWindow; }

 private:
  // Tracks which of the last kWindow sequence numbers below next_expected_ arrived, to tell a
  // late (reordered) message from a duplicate without per-message allocation.
  static constexpr int kWindow = 1024;
  uint64_t next_expected_ = 0;  // one past the highest seq seen
  uint64_t received_ = 0;
  uint64_t unique_received_ = 0;
  uint64_t seen_bits_[kWindow / 64] = {};
  IntegrityCounts counts_;
  bool finished_ = false;

  bool Seen(uint64_t seq) const {
    return (seen_bits_[(seq / 64) % (kWindow / 64)] >> (seq % 64)) & 1;
  }
  void SetSeen(uint64_t seq) {
    seen_bits_[(seq / 64) % (kWindow / 64)] |= uint64_t{1} << (seq % 64);
  }
  void ClearSeen(uint64_t seq) {
    seen_bits_[(seq / 64) % (kWindow / 64)] &= ~(uint64_t{1} << (seq % 64));
  }
};

}  // namespace streambench::stats
