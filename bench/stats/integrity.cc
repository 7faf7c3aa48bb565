#include "bench/stats/integrity.h"

#include <cstring>

namespace streambench::stats {

StreamIntegrity::StreamIntegrity() = default;

bool StreamIntegrity::OnMessage(uint64_t seq, bool checksum_ok) {
  ++received_;
  if (!checksum_ok) ++counts_.corrupted;
  if (seq == next_expected_) {  // the common case: in order
    SetSeen(seq);
    ++next_expected_;
    ++unique_received_;
    return checksum_ok;
  }
  if (seq > next_expected_) {
    // A gap: the skipped seqs are not seen (yet). They count as lost unless they arrive later
    // (then reordered). Their window bits may still hold seqs kWindow older, so clear them.
    const uint64_t gap = seq - next_expected_;
    if (gap >= static_cast<uint64_t>(kWindow)) {
      std::memset(seen_bits_, 0, sizeof(seen_bits_));
    } else {
      for (uint64_t s = next_expected_; s < seq; ++s) ClearSeen(s);
    }
    SetSeen(seq);
    next_expected_ = seq + 1;
    ++unique_received_;
    return checksum_ok;
  }
  // seq < next_expected_: late or repeated.
  if (next_expected_ - seq > static_cast<uint64_t>(kWindow) || Seen(seq)) {
    ++counts_.duplicated;
    return false;
  }
  SetSeen(seq);
  ++unique_received_;
  ++counts_.reordered;
  return false;
}

void StreamIntegrity::Finish(uint64_t expected_count) {
  if (finished_) return;
  finished_ = true;
  const uint64_t span = expected_count > next_expected_ ? expected_count : next_expected_;
  counts_.lost += span > unique_received_ ? span - unique_received_ : 0;
}

void StreamIntegrity::FinishUnknownCount() { Finish(0); }

}  // namespace streambench::stats
