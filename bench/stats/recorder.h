// Recorders: where the generator's hot path writes what it measures. Each thread that records
// (gRPC callback threads, worker threads) gets its own Recorder from a RecorderRegistry, so
// recording takes no lock; snapshots merge all of them.
// Thread-safety: a Recorder is written by its own thread only; RecorderRegistry::ForCurrentThread
// and TakeSnapshot are safe to call from any thread at any time.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "bench/stats/histogram.h"
#include "bench/stats/integrity.h"
#include "common/status_names.h"

namespace streambench::stats {

// Which latency a value is.
enum class Latency : int {
  kMessage = 0,    // per message: bidi request->echo; server_stream each message (from the
                   // call's intended start); client_stream write completion; unary = the call
  kCall,           // per call / stream: intended start -> final status
  kFirstMessage,   // server_stream / bidi: intended start -> first response
  kFinalResponse,  // client_stream: half-close -> final response
  kWriteBlocked,   // start of a write -> its completion (flow-control backpressure)
  kScheduleLag,    // actual send - intended send (open loop)
  // Streams the server sends on its own (server_stream, bidi independent, subscriptions,
  // downloads): receive time of one message -> receive time of the next in the same stream. The
  // first gap starts at the first message (the wait for it is kFirstMessage), so a stream of n
  // messages gives n - 1 gaps; a stall shows as one large gap. Recorded by StreamArrivals.
  kMessageGap,
  kFirstWriteToResponse,  // client_stream: first write's intended send -> final response
  kCount
};
constexpr int kLatencyKindCount = static_cast<int>(Latency::kCount);
// Every kind, in the recorder's order (message latency first): loops over the kinds use this list
// rather than counting through the enum with casts.
constexpr std::array<Latency, kLatencyKindCount> kLatencyKinds = {
    Latency::kMessage,      Latency::kCall,
    Latency::kFirstMessage, Latency::kFinalResponse,
    Latency::kWriteBlocked, Latency::kScheduleLag,
    Latency::kMessageGap,   Latency::kFirstWriteToResponse};
const char* LatencyName(Latency kind);  // "message", "call", "first_message", ...

// gRPC status codes 0..16: calls are counted in arrays indexed like the shared name table.
constexpr int kStatusCodeCount = ::streambench::kStatusCodeCount;

// Counters, cumulative since the registry was created.
struct Counters {
  uint64_t messages_sent = 0;
  uint64_t messages_received = 0;
  uint64_t bytes_sent = 0;      // payload bytes
  uint64_t bytes_received = 0;  // payload bytes
  uint64_t calls_started = 0;
  std::array<uint64_t, kStatusCodeCount> calls_by_code{};  // finished calls by final status
  IntegrityCounts integrity;
  // Workloads: file transfers whose SHA-256 the client verified / found wrong.
  uint64_t transfers_verified = 0;
  uint64_t transfers_failed = 0;
  // Messages the server's application-level flow control dropped and reported in the stream
  // (Response.dropped_before): skipped on purpose, so not lost.
  uint64_t server_dropped = 0;
  // Streams that finished without receiving a message (not in Snapshot::messages_per_stream).
  uint64_t streams_without_messages = 0;
  // Responses of a named method (any service) that failed the scenario's `response.expect.fields`.
  uint64_t response_check_failures = 0;
  uint64_t CallsFinished() const;
};

// Everything recorded up to one moment, merged over threads.
struct Snapshot {
  int64_t taken_at_ns = 0;  // Clock::NowNs() when taken
  std::array<LogLinearHistogram, kLatencyKindCount> latency;
  Counters counters;
  // Send-queue depth of a stream at each enqueue (operations waiting behind the write in flight,
  // the new one included, so >= 1), as plain counts in the histogram's value domain.
  LogLinearHistogram send_queue_depth;
  // Messages each finished receiving stream got (StreamArrivals::Close), as plain counts in the
  // histogram's value domain (exact below 256, within 1% above); streams that got none are
  // counted in counters.streams_without_messages instead, since the histogram cannot hold 0.
  LogLinearHistogram messages_per_stream;
  const LogLinearHistogram& Get(Latency kind) const { return latency[static_cast<int>(kind)]; }
  // this = this - earlier, field-wise (for the measured phase after warm-up, and intervals).
  void Subtract(const Snapshot& earlier);
};

// Cache-line aligned so two threads' recorders never share a line (no false sharing).
class alignas(64) Recorder {
 public:
  void RecordLatencyNs(Latency kind, int64_t value_ns) {
    latency_[static_cast<int>(kind)].Record(value_ns);
  }
  void AddSent(uint64_t messages, uint64_t bytes);
  void AddReceived(uint64_t messages, uint64_t bytes);
  void AddCallStarted();
  void AddCallFinished(int status_code);  // codes outside 0..16 count as UNKNOWN (2)
  void AddIntegrity(const IntegrityCounts& counts);
  void AddTransfer(bool verified) { Bump(verified ? transfers_verified_ : transfers_failed_, 1); }
  void AddServerDropped(uint64_t messages) { Bump(server_dropped_, messages); }
  void AddResponseCheckFailure() { Bump(response_check_failures_, 1); }
  // One enqueue onto a stream's send queue that left `depth` operations waiting (>= 1).
  void RecordSendQueueDepth(uint64_t depth) {
    send_queue_depth_.Record(static_cast<int64_t>(depth));
  }
  // A receiving stream finished having received `messages` (see Snapshot::messages_per_stream).
  void RecordStreamMessages(uint64_t messages) {
    if (messages == 0) {
      Bump(streams_without_messages_, 1);
    } else {
      messages_per_stream_.Record(static_cast<int64_t>(messages));
    }
  }

  // Adds this recorder's state into `snapshot` (called by the registry from another thread).
  void MergeInto(Snapshot& snapshot) const;

 private:
  // Single-writer counters: relaxed load+store, readable from other threads.
  static void Bump(std::atomic<uint64_t>& c, uint64_t by) {
    c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
  }
  std::array<LogLinearHistogram, kLatencyKindCount> latency_;
  std::atomic<uint64_t> messages_sent_{0}, messages_received_{0}, bytes_sent_{0},
      bytes_received_{0}, calls_started_{0};
  std::array<std::atomic<uint64_t>, kStatusCodeCount> calls_by_code_{};
  std::atomic<uint64_t> lost_{0}, duplicated_{0}, reordered_{0}, corrupted_{0};
  std::atomic<uint64_t> transfers_verified_{0}, transfers_failed_{0};
  std::atomic<uint64_t> server_dropped_{0};
  std::atomic<uint64_t> response_check_failures_{0};
  LogLinearHistogram send_queue_depth_;
  std::atomic<uint64_t> streams_without_messages_{0};
  LogLinearHistogram messages_per_stream_;
};

class RecorderRegistry {
 public:
  RecorderRegistry();
  ~RecorderRegistry();
  RecorderRegistry(const RecorderRegistry&) = delete;
  RecorderRegistry& operator=(const RecorderRegistry&) = delete;

  // The calling thread's recorder in this registry; created (under a mutex) on the thread's first
  // call, then found through a thread-local cache without locking.
  // Call it in each callback instead of keeping the reference in a reactor: gRPC runs one
  // reactor's callbacks on different threads, and a Recorder must have a single writer. The
  // cache holds the 4 registries a thread used last (~1.3 ns on a hit, bench/RESULTS.md).
  Recorder& ForCurrentThread();

  // Merges every thread's recorder. `now_ns` is stored as taken_at_ns. Takes the mutex (never
  // blocks recording, only a thread's first ForCurrentThread); cost ~ recorders x 10 x 4608 loads.
  Snapshot TakeSnapshot(int64_t now_ns) const;
  // The same into an existing snapshot, reusing its histograms' storage (10 x 36 KiB): for the
  // once-a-second live snapshots of long runs, which would otherwise allocate and free that much
  // every second on the controller's thread and leave the allocator's arenas fragmented.
  void TakeSnapshotInto(int64_t now_ns, Snapshot* out) const;

  // Number of recorders created so far (one per recording thread), for tests and diagnostics.
  size_t RecorderCount() const;

  // Lifetime: the registry must outlive every thread's use of the Recorder& it returned; a new
  // registry (even at the same address) never hands out an old registry's recorder, because
  // each registry has a process-unique id.

 private:
  Recorder& ForCurrentThreadSlow();

  const uint64_t id_;  // distinguishes registries in the thread-local cache; never reused
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Recorder>> recorders_;
  std::vector<std::pair<std::thread::id, Recorder*>> owners_;  // which thread owns which
};

}  // namespace streambench::stats
