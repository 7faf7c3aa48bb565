// MessageExchange: the message-level work of one stream (or one call) of a named method, apart
// from any transport: it renders each request's bytes from the template, remembers the intended
// send times so a paired response is timed from its request's (the k-th response answers the k-th
// request), and checks each response's bytes (parsed only when `expect.fields` or `correlate`
// needs the message, so the plain path only counts bytes). The gRPC driver
// (bench/drivers/any_service_driver.cc) is a thin reactor around it; another engine can reuse it.
// With `pairing: correlated` a response is timed from the intended send of the request whose
// correlation value it carries, whatever the order they come in (the first answer of a request
// only; a duplicate is counted, not timed).
// Accounting: a response that does not parse counts as corrupted (integrity); one naming a
// correlation value no request of the stream sent counts as corrupted too; with `correlate`, a
// request never answered is lost and duplicated / reordered answers are counted; without it, a
// paired stream that ended OK owes one response per request (the missing are lost).
// Requests from a `request.feed` take their lines from the run's one cursor (RequestFeed::Take),
// shared by every exchange of the run. With `feed_order: once` the feed runs out: TryNextRequest
// then returns false and sends nothing, and the driver stops the slot's writes (half-closes the
// stream, starts no new call); feed_exhausted() says so before a call is started.
// Thread-safety: none; one exchange belongs to one stream, whose reactor serialises its use
// (writes one at a time, reads one at a time, but a write may run while a read completes: the two
// sides touch disjoint state, except the pairing FIFO, a single-producer single-consumer ring,
// and the correlator with the correlated intended times, behind a mutex).
#pragma once

#include <google/protobuf/message.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "bench/methods/resolved_method.h"
#include "bench/methods/response_check.h"
#include "bench/stats/integrity.h"

namespace streambench::methods {

class MessageExchange {
 public:
  // At most this many requests wait for their answer per stream; beyond, a request's intended
  // time is not remembered (its answer is still counted, without a latency sample).
  static constexpr size_t kMaxPending = 4096;

  // `stream_index`: the slot's index in the run; `call_index`: this call's number in the run;
  // `seed`: the scenario's seed (random placeholders are drawn from it, per stream).
  MessageExchange(std::shared_ptr<const ResolvedMethod> method, uint64_t stream_index,
                  uint64_t call_index, uint64_t seed);

  // The call's metadata, rendered for this call.
  std::vector<std::pair<std::string, std::string>> RenderMetadata(int64_t now_unix_ns);

  // The next request (its seq is requests() before the call) into *out; `intended_ns` is kept
  // for the response that answers it when responses pair with requests.
  // Past the end of a `once` feed it leaves *out empty (the empty message): a driver that drives
  // such a feed asks TryNextRequest instead.
  void NextRequest(int64_t intended_ns, int64_t now_unix_ns, std::string* out);
  // The same, or false (nothing taken, nothing remembered, *out untouched) when a `once` feed is
  // used up.
  [[nodiscard]] bool TryNextRequest(int64_t intended_ns, int64_t now_unix_ns, std::string* out);
  // A `once` feed has handed out its last line (to this stream or another): no request is left.
  bool feed_exhausted() const { return method_->feed != nullptr && method_->feed->exhausted(); }

  // What one response was.
  struct ResponseOutcome {
    std::optional<int64_t> intended_ns;  // paired or correlated: its request's intended send
    bool check_failed = false;           // failed `expect.fields`
    // `pairing: correlated`: the response is the first answer of one of the stream's requests
    // (a closed loop sends the next request for it; a duplicate, unmatched or unparsable
    // response answers none).
    bool first_answer = false;
  };
  // One response: `bytes` is its serialized form, or nullptr when !parses_responses() (the
  // caller then need not flatten the transport's buffer).
  ResponseOutcome OnResponse(const std::string* bytes);

  // The stream ended (`ok`: with status OK): its integrity counts so far, and lost requests.
  stats::IntegrityCounts Finish(bool ok);

  bool parses_responses() const { return method_->parses_responses(); }
  uint64_t requests() const { return requests_; }
  uint64_t responses() const { return responses_; }

 private:
  bool Pairs() const;
  bool PairsByCorrelation() const;

  const std::shared_ptr<const ResolvedMethod> method_;
  const uint64_t stream_index_;
  const uint64_t call_index_;
  std::mt19937_64 rng_;
  std::unique_ptr<google::protobuf::Message> response_;  // reused for every parse
  std::unique_ptr<google::protobuf::Message> request_;   // with `correlate`: the request sent
  // The correlator (and, with `pairing: correlated`, the intended send time of request seq at
  // correlated_intended_ns_[seq % kMaxPending], kAnswered once timed) is shared by both sides.
  std::mutex correlation_mutex_;
  std::optional<StreamCorrelator> correlator_;
  std::vector<int64_t> correlated_intended_ns_;
  uint64_t correlated_sent_ = 0;   // requests recorded in correlated_intended_ns_
  stats::IntegrityCounts counts_;  // corrupted: unparsable or unmatched responses
  // Pairing ring: intended send times of requests not yet answered (producer: NextRequest,
  // consumer: OnResponse).
  std::vector<int64_t> pending_;
  std::atomic<uint64_t> pending_head_{0};  // next to pop
  std::atomic<uint64_t> pending_tail_{0};  // next to push
  uint64_t requests_ = 0;
  uint64_t responses_ = 0;
};

}  // namespace streambench::methods
