#include "bench/link/link_direction.h"

#include <algorithm>
#include <cstring>

namespace streambench::link {
namespace {

// The ring starts at this size (or buffer_bytes if smaller) and doubles as needed.
constexpr size_t kInitialRingBytes = 16 * 1024;

}  // namespace

LinkDirection::LinkDirection(const Params& params, const Clock& clock)
    : params_(params), clock_(clock), random_(params.seed) {}

int64_t LinkDirection::SerializationNs(uint64_t size_bytes) {
  if (params_.bandwidth_bits_per_s == 0) return 0;
  // bits x 1e9 overflows 64 bits for multi-gigabyte chunks; 128 bits cannot.
  const unsigned __int128 numerator =
      static_cast<unsigned __int128>(size_bytes) * 8u * 1'000'000'000u + serialization_remainder_;
  serialization_remainder_ = static_cast<uint64_t>(numerator % params_.bandwidth_bits_per_s);
  return static_cast<int64_t>(numerator / params_.bandwidth_bits_per_s);
}

void LinkDirection::Reserve(uint64_t more_bytes) {
  const uint64_t needed = held_bytes_ + more_bytes;
  if (needed <= ring_.size()) return;
  uint64_t capacity = std::max<uint64_t>(ring_.size(), kInitialRingBytes);
  while (capacity < needed) capacity *= 2;
  capacity = std::min<uint64_t>(capacity, params_.buffer_bytes);
  std::vector<char> grown(capacity);
  // Copy the held bytes, oldest first, to the start of the new ring.
  const size_t first = std::min<size_t>(held_bytes_, ring_.size() - head_);
  if (first > 0) std::memcpy(grown.data(), ring_.data() + head_, first);
  if (held_bytes_ > first) std::memcpy(grown.data() + first, ring_.data(), held_bytes_ - first);
  ring_.swap(grown);
  head_ = 0;
}

int64_t LinkDirection::Push(const char* data, size_t size_bytes) {
  const uint64_t taken = std::min<uint64_t>(size_bytes, WritableBytes());
  if (taken == 0) return -1;
  Reserve(taken);
  const size_t tail = (head_ + held_bytes_) % ring_.size();
  const size_t first = std::min<size_t>(taken, ring_.size() - tail);
  std::memcpy(ring_.data() + tail, data, first);
  if (taken > first) std::memcpy(ring_.data(), data + first, taken - first);

  const int64_t arrival_ns = clock_.NowNs();
  // The link sends one chunk at a time: this one starts once it has arrived and the link is free.
  const int64_t start_ns = any_pushed_ ? std::max(arrival_ns, link_free_ns_) : arrival_ns;
  link_free_ns_ = start_ns + SerializationNs(taken);
  int64_t delivery_ns = link_free_ns_ + params_.one_way_delay_ns;
  if (params_.jitter_ns > 0) {
    delivery_ns += std::uniform_int_distribution<int64_t>(0, params_.jitter_ns)(random_);
  }
  // Jitter must not reorder: a chunk leaves no earlier than the one ahead of it.
  if (any_pushed_) delivery_ns = std::max(delivery_ns, last_delivery_ns_);
  last_delivery_ns_ = delivery_ns;
  any_pushed_ = true;

  chunks_.push_back(Chunk{taken, delivery_ns});
  held_bytes_ += taken;
  pushed_bytes_ += taken;
  max_held_bytes_ = std::max(max_held_bytes_, held_bytes_);
  return delivery_ns;
}

void LinkDirection::SetBandwidth(uint64_t bits_per_s) {
  params_.bandwidth_bits_per_s = bits_per_s;
  serialization_remainder_ = 0;
  if (chunks_.empty()) return;
  const int64_t now_ns = clock_.NowNs();
  link_free_ns_ = now_ns;
  for (Chunk& chunk : chunks_) {
    link_free_ns_ += SerializationNs(chunk.size_bytes);
    // In order: each chunk's serialization starts when the one ahead of it ends.
    chunk.delivery_ns = std::max(link_free_ns_ + params_.one_way_delay_ns, now_ns);
  }
  last_delivery_ns_ = chunks_.back().delivery_ns;
}

int64_t LinkDirection::NextDeliveryNs() const {
  return chunks_.empty() ? -1 : chunks_.front().delivery_ns;
}

LinkDirection::Span LinkDirection::Due() const {
  if (chunks_.empty()) return {};
  const int64_t now_ns = clock_.NowNs();
  const uint64_t contiguous = ring_.size() - head_;
  uint64_t due = 0;
  for (const Chunk& chunk : chunks_) {
    if (chunk.delivery_ns > now_ns || due >= contiguous) break;
    due += chunk.size_bytes;
  }
  due = std::min(due, contiguous);
  if (due == 0) return {};
  return Span{ring_.data() + head_, static_cast<size_t>(due)};
}

void LinkDirection::Consume(size_t size_bytes) {
  uint64_t left = std::min<uint64_t>(size_bytes, held_bytes_);
  held_bytes_ -= left;
  delivered_bytes_ += left;
  head_ = held_bytes_ == 0 ? 0 : (head_ + left) % ring_.size();
  while (left > 0 && !chunks_.empty()) {
    Chunk& front = chunks_.front();
    const uint64_t take = std::min(left, front.size_bytes);
    front.size_bytes -= take;
    left -= take;
    if (front.size_bytes == 0) chunks_.pop_front();
  }
}

}  // namespace streambench::link
