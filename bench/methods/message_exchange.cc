#include "bench/methods/message_exchange.h"

namespace streambench::methods {

MessageExchange::MessageExchange(std::shared_ptr<const ResolvedMethod> method,
                                 uint64_t stream_index, uint64_t call_index, uint64_t seed)
    : method_(std::move(method)),
      stream_index_(stream_index),
      call_index_(call_index),
      rng_(seed ^ (stream_index * 0x9E3779B97F4A7C15ull) ^ (call_index << 32)) {
  if (method_->parses_responses()) response_.reset(method_->response_prototype->New());
  if (method_->correlate_response) {
    correlator_.emplace();
    request_.reset(method_->request_prototype->New());
  }
  if (Pairs()) pending_.resize(kMaxPending);
  if (PairsByCorrelation()) correlated_intended_ns_.resize(kMaxPending);
}

namespace {
// A correlated request already timed by an earlier answer.
constexpr int64_t kAnswered = INT64_MIN;
}  // namespace

bool MessageExchange::PairsByCorrelation() const {
  return method_->shape == CallShape::kBidi &&
         method_->pairing == scenario::ResponsePairing::kCorrelated && correlator_.has_value();
}

bool MessageExchange::Pairs() const {
  return method_->shape == CallShape::kBidi &&
         method_->pairing == scenario::ResponsePairing::kOnePerRequest;
}

std::vector<std::pair<std::string, std::string>> MessageExchange::RenderMetadata(
    int64_t now_unix_ns) {
  TemplateContext context;
  context.stream = stream_index_;
  context.call = call_index_;
  context.now_unix_ns = now_unix_ns;
  context.rng = &rng_;
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(method_->metadata.size());
  for (const auto& [name, value] : method_->metadata) {
    std::string text;
    value.Render(context, &text);
    out.emplace_back(name, std::move(text));
  }
  return out;
}

void MessageExchange::NextRequest(int64_t intended_ns, int64_t now_unix_ns, std::string* out) {
  if (!TryNextRequest(intended_ns, now_unix_ns, out)) out->clear();
}

bool MessageExchange::TryNextRequest(int64_t intended_ns, int64_t now_unix_ns, std::string* out) {
  std::optional<size_t> line;
  if (method_->feed != nullptr) {
    line = method_->feed->Take();
    if (!line) return false;
  }
  TemplateContext context;
  context.seq = requests_;
  context.stream = stream_index_;
  context.call = call_index_;
  context.now_unix_ns = now_unix_ns;
  context.rng = &rng_;
  if (line) {
    method_->feed->Render(*line, context, out);
  } else {
    method_->request->Render(context, out);
  }
  if (correlator_) {
    // The correlation value is read from the request as sent: its bytes parsed into one message
    // the stream reuses, cheaper than building each request as a message (ParseFromString
    // clears it first).
    request_->ParseFromString(*out);
    const std::string value = method_->correlate_request->ReadText(*request_);
    std::lock_guard<std::mutex> lock(correlation_mutex_);
    correlator_->OnRequestSent(value, requests_);
    if (PairsByCorrelation()) {
      correlated_intended_ns_[requests_ % kMaxPending] = intended_ns;
      correlated_sent_ = requests_ + 1;
    }
  }
  if (Pairs()) {
    const uint64_t tail = pending_tail_.load(std::memory_order_relaxed);
    if (tail - pending_head_.load(std::memory_order_acquire) < kMaxPending) {
      pending_[tail % kMaxPending] = intended_ns;
      pending_tail_.store(tail + 1, std::memory_order_release);
    }
  }
  ++requests_;
  return true;
}

MessageExchange::ResponseOutcome MessageExchange::OnResponse(const std::string* bytes) {
  ResponseOutcome outcome;
  ++responses_;
  if (Pairs()) {
    const uint64_t head = pending_head_.load(std::memory_order_relaxed);
    if (head != pending_tail_.load(std::memory_order_acquire)) {
      outcome.intended_ns = pending_[head % kMaxPending];
      pending_head_.store(head + 1, std::memory_order_release);
    }
  }
  if (bytes == nullptr || response_ == nullptr) return outcome;
  if (!response_->ParseFromString(*bytes)) {  // clears the message first
    ++counts_.corrupted;
    return outcome;
  }
  if (method_->assertions && !method_->assertions->Check(*response_).empty()) {
    outcome.check_failed = true;
  }
  if (correlator_) {
    const std::string value = method_->correlate_response->ReadText(*response_);
    std::lock_guard<std::mutex> lock(correlation_mutex_);
    uint64_t seq = 0;
    if (!correlator_->OnResponse(value, &seq)) {
      ++counts_.corrupted;
    } else if (PairsByCorrelation() && correlated_sent_ - seq <= kMaxPending) {
      // Still in the table (not overwritten by a request kMaxPending later).
      int64_t& intended = correlated_intended_ns_[seq % kMaxPending];
      if (intended != kAnswered) {
        outcome.intended_ns = std::exchange(intended, kAnswered);
        outcome.first_answer = true;
      }
    }
  }
  return outcome;
}

stats::IntegrityCounts MessageExchange::Finish(bool ok) {
  stats::IntegrityCounts counts = counts_;
  if (correlator_) {
    std::lock_guard<std::mutex> lock(correlation_mutex_);
    // Lost needs the stream to have ended normally: a cancelled or failed stream's unanswered
    // requests are accounted by its status.
    if (ok) correlator_->Finish(requests_);
    counts += correlator_->counts();
  } else if (ok && Pairs() && responses_ < requests_) {
    counts.lost += requests_ - responses_;
  }
  return counts;
}

}  // namespace streambench::methods
