#include "bench/stats/recorder.h"

#include <thread>

namespace streambench::stats {
namespace {

// Registry ids come from a process-wide counter and are never reused, so a thread-local cache
// entry of a destroyed registry can never match a new registry allocated at the same address.
std::atomic<uint64_t> g_next_registry_id{1};

// The calling thread's recorder for the registries it used most recently. Entry 0 is the most
// recent (the fast path checks only it); a thread alternating between a few registries (e.g. the
// previous variant's and the current one) stays lock-free. Id 0 marks an empty entry.
struct CacheEntry {
  uint64_t registry_id = 0;
  Recorder* recorder = nullptr;
};
constexpr int kCacheEntries = 4;
thread_local CacheEntry t_cache[kCacheEntries];

uint64_t Sub(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

// The kinds list is indexed like the recorder's arrays: a kind added to the enum but not to the
// list (or out of order) fails here rather than being silently left out of every report.
constexpr bool KindsListFollowsTheEnum() {
  for (int i = 0; i < kLatencyKindCount; ++i) {
    if (static_cast<int>(kLatencyKinds[i]) != i) return false;
  }
  return true;
}
static_assert(KindsListFollowsTheEnum(), "kLatencyKinds must list every Latency in enum order");

}  // namespace

const char* LatencyName(Latency kind) {
  switch (kind) {
    case Latency::kMessage:
      return "message";
    case Latency::kCall:
      return "call";
    case Latency::kFirstMessage:
      return "first_message";
    case Latency::kFinalResponse:
      return "final_response";
    case Latency::kWriteBlocked:
      return "write_blocked";
    case Latency::kScheduleLag:
      return "schedule_lag";
    case Latency::kMessageGap:
      return "message_gap";
    case Latency::kFirstWriteToResponse:
      return "first_write_to_response";
    case Latency::kCount:
      break;
  }
  return "unknown";
}

uint64_t Counters::CallsFinished() const {
  uint64_t total = 0;
  for (uint64_t c : calls_by_code) total += c;
  return total;
}

void Snapshot::Subtract(const Snapshot& earlier) {
  for (size_t i = 0; i < latency.size(); ++i) latency[i].Subtract(earlier.latency[i]);
  Counters& c = counters;
  const Counters& e = earlier.counters;
  c.messages_sent = Sub(c.messages_sent, e.messages_sent);
  c.messages_received = Sub(c.messages_received, e.messages_received);
  c.bytes_sent = Sub(c.bytes_sent, e.bytes_sent);
  c.bytes_received = Sub(c.bytes_received, e.bytes_received);
  c.calls_started = Sub(c.calls_started, e.calls_started);
  for (size_t i = 0; i < c.calls_by_code.size(); ++i) {
    c.calls_by_code[i] = Sub(c.calls_by_code[i], e.calls_by_code[i]);
  }
  c.integrity.lost = Sub(c.integrity.lost, e.integrity.lost);
  c.integrity.duplicated = Sub(c.integrity.duplicated, e.integrity.duplicated);
  c.integrity.reordered = Sub(c.integrity.reordered, e.integrity.reordered);
  c.integrity.corrupted = Sub(c.integrity.corrupted, e.integrity.corrupted);
  c.transfers_verified = Sub(c.transfers_verified, e.transfers_verified);
  c.transfers_failed = Sub(c.transfers_failed, e.transfers_failed);
  c.server_dropped = Sub(c.server_dropped, e.server_dropped);
  c.response_check_failures = Sub(c.response_check_failures, e.response_check_failures);
  send_queue_depth.Subtract(earlier.send_queue_depth);
  c.streams_without_messages = Sub(c.streams_without_messages, e.streams_without_messages);
  messages_per_stream.Subtract(earlier.messages_per_stream);
}

void Recorder::AddSent(uint64_t messages, uint64_t bytes) {
  Bump(messages_sent_, messages);
  Bump(bytes_sent_, bytes);
}

void Recorder::AddReceived(uint64_t messages, uint64_t bytes) {
  Bump(messages_received_, messages);
  Bump(bytes_received_, bytes);
}

void Recorder::AddCallStarted() { Bump(calls_started_, 1); }

void Recorder::AddCallFinished(int status_code) {
  Bump(calls_by_code_[StatusCodeOrUnknown(status_code)], 1);
}

void Recorder::AddIntegrity(const IntegrityCounts& counts) {
  Bump(lost_, counts.lost);
  Bump(duplicated_, counts.duplicated);
  Bump(reordered_, counts.reordered);
  Bump(corrupted_, counts.corrupted);
}

void Recorder::MergeInto(Snapshot& snapshot) const {
  for (size_t i = 0; i < latency_.size(); ++i) snapshot.latency[i].Merge(latency_[i]);
  Counters& c = snapshot.counters;
  auto get = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  c.messages_sent += get(messages_sent_);
  c.messages_received += get(messages_received_);
  c.bytes_sent += get(bytes_sent_);
  c.bytes_received += get(bytes_received_);
  c.calls_started += get(calls_started_);
  for (size_t i = 0; i < calls_by_code_.size(); ++i) c.calls_by_code[i] += get(calls_by_code_[i]);
  c.integrity.lost += get(lost_);
  c.integrity.duplicated += get(duplicated_);
  c.integrity.reordered += get(reordered_);
  c.integrity.corrupted += get(corrupted_);
  c.transfers_verified += get(transfers_verified_);
  c.transfers_failed += get(transfers_failed_);
  c.server_dropped += get(server_dropped_);
  c.response_check_failures += get(response_check_failures_);
  snapshot.send_queue_depth.Merge(send_queue_depth_);
  c.streams_without_messages += get(streams_without_messages_);
  snapshot.messages_per_stream.Merge(messages_per_stream_);
}

RecorderRegistry::RecorderRegistry()
    : id_(g_next_registry_id.fetch_add(1, std::memory_order_relaxed)) {}

RecorderRegistry::~RecorderRegistry() = default;

Recorder& RecorderRegistry::ForCurrentThread() {
  if (t_cache[0].registry_id == id_) return *t_cache[0].recorder;
  return ForCurrentThreadSlow();
}

Recorder& RecorderRegistry::ForCurrentThreadSlow() {
  // Another cached registry: move this one to the front.
  for (int i = 1; i < kCacheEntries; ++i) {
    if (t_cache[i].registry_id == id_) {
      const CacheEntry hit = t_cache[i];
      for (int j = i; j > 0; --j) t_cache[j] = t_cache[j - 1];
      t_cache[0] = hit;
      return *hit.recorder;
    }
  }
  // Not cached: find or create this thread's recorder under the mutex. Keyed by thread id so a
  // thread evicted from its cache gets the same recorder back; a new thread that reuses a dead
  // thread's id takes over its recorder, which is fine (the dead thread writes no more).
  Recorder* recorder = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const std::thread::id me = std::this_thread::get_id();
    for (const auto& [owner, r] : owners_) {
      if (owner == me) {
        recorder = r;
        break;
      }
    }
    if (recorder == nullptr) {
      recorders_.push_back(std::make_unique<Recorder>());
      recorder = recorders_.back().get();
      owners_.emplace_back(me, recorder);
    }
  }
  for (int j = kCacheEntries - 1; j > 0; --j) t_cache[j] = t_cache[j - 1];
  t_cache[0] = CacheEntry{id_, recorder};
  return *recorder;
}

Snapshot RecorderRegistry::TakeSnapshot(int64_t now_ns) const {
  Snapshot snapshot;
  TakeSnapshotInto(now_ns, &snapshot);
  return snapshot;
}

void RecorderRegistry::TakeSnapshotInto(int64_t now_ns, Snapshot* out) const {
  for (LogLinearHistogram& h : out->latency) h.Reset();
  out->send_queue_depth.Reset();
  out->messages_per_stream.Reset();
  out->counters = Counters{};
  out->taken_at_ns = now_ns;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& recorder : recorders_) recorder->MergeInto(*out);
}

size_t RecorderRegistry::RecorderCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return recorders_.size();
}

}  // namespace streambench::stats
