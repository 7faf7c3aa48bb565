// The any-service driver: a method the generator has no compiled stub for (scenario `method:`),
// moving bytes over the run's engine. The run's prepare phase resolves the method (by server
// reflection through the run's channel when the scenario asks for it); every message-level step
// (rendering requests, pairing, checking and correlating responses) is a MessageExchange
// (bench/methods/message_exchange.h), so the calls here only move bytes and record timings.
// Slots, streams, pacing, deadlines, cancellation and reconnects are the built-in drivers' own
// (CallSlot, StreamSlot, DriverCall, DriverStream).
// Per call shape:
//   unary          a unary call; the response is the message, timed from the intended start
//   server_stream  one request, every response counted and timed from the intended start (the
//                  first as first_message), the gaps between responses and how many came
//   client_stream  the slot's writes; the one response timed from the half-close and from the
//                  first write's intended send
//   bidi           one_per_request: each response timed from its request's intended send;
//                  correlated: each response timed from the intended send of the request it
//                  names (closed loop: each request's first answer sends the next one);
//                  independent: time to first message, the gaps between responses and how many
//                  the stream got
// A `request.feed` sent `once` is the run's finite work (DriverContext::work()): the request that
// takes its last line marks it exhausted; a call that finds nothing left is not started, and a
// stream that finds nothing left half-closes (the slots then start nothing new).
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench/drivers/driver_call.h"
#include "bench/drivers/driver_stream.h"
#include "bench/drivers/run_driver.h"
#include "bench/methods/message_exchange.h"
#include "bench/methods/resolved_method.h"
#include "common/clock.h"

namespace streambench::drivers {
namespace {

using methods::CallShape;
using methods::MessageExchange;
using stats::Latency;

// What every call of the run shares.
struct AnyRun {
  std::shared_ptr<const methods::ResolvedMethod> method;
  std::atomic<uint64_t> calls{0};  // {{call}}: the call's number in the run
};

// What the calls of one slot share.
struct AnySlot {
  std::shared_ptr<AnyRun> run;
  uint64_t index = 0;
};

std::unique_ptr<MessageExchange> NewExchange(const AnySlot& slot, const DriverContext& dc) {
  return std::make_unique<MessageExchange>(slot.run->method, slot.index,
                                           slot.run->calls.fetch_add(1, std::memory_order_relaxed),
                                           dc.scenario().seed);
}

// The call's request metadata, rendered once per call.
engines::Metadata RenderMetadata(MessageExchange& exchange) {
  return exchange.RenderMetadata(UnixNowNs());
}

// The exchange's next request into `out` (its buffer reused); false when a `once` feed has none
// left. Marks the run's work exhausted once the feed's last line is taken, so the slots stop at
// once rather than each finding out on its next request.
bool TakeRequest(MessageExchange& exchange, int64_t intended_ns, DriverContext& dc,
                 std::string* out) {
  const bool taken = exchange.TryNextRequest(intended_ns, UnixNowNs(), out);
  if (exchange.feed_exhausted()) dc.work().MarkExhausted(dc.clock().NowNs());
  return taken;
}

// A response through the exchange: parsed only when it must be. Counts a failed `expect.fields`
// in `rec`.
MessageExchange::ResponseOutcome CheckResponse(MessageExchange& exchange, std::string_view response,
                                               stats::Recorder& rec) {
  if (!exchange.parses_responses()) return exchange.OnResponse(nullptr);
  const std::string bytes(response);
  MessageExchange::ResponseOutcome outcome = exchange.OnResponse(&bytes);
  if (outcome.check_failed) rec.AddResponseCheckFailure();
  return outcome;
}

void RecordIntegrity(MessageExchange& exchange, bool ok, stats::Recorder& rec) {
  const stats::IntegrityCounts counts = exchange.Finish(ok);
  if (counts.Total() > 0) rec.AddIntegrity(counts);
}

// Responses that answer requests (one_per_request, correlated) are an echo: timed per message,
// and in a closed loop each answer sends the next request.
StreamShape ShapeOf(const methods::ResolvedMethod& method) {
  if (method.shape == CallShape::kClientStream) return StreamShape::kUpload;
  return method.pairing == scenario::ResponsePairing::kIndependent ? StreamShape::kIndependent
                                                                   : StreamShape::kEcho;
}

// bidi and client_stream: one call per stream of the slot.
class AnyStream final : public DriverStream {
 public:
  AnyStream(StreamSlot& slot, const std::shared_ptr<AnySlot>& shared, uint64_t number)
      : DriverStream(slot, ShapeOf(*shared->run->method), shared->index, number),
        shared_(shared),
        exchange_(NewExchange(*shared, slot.dc())) {}

  void Begin() override {
    const engines::Metadata metadata = RenderMetadata(*exchange_);
    Open(shared_->run->method->path, &metadata);
  }

  // The slot calls TryWrite: a `once` feed can run out under this stream.
  void Write(int64_t intended_ns, int64_t now_ns) override {
    static_cast<void>(TryWrite(intended_ns, now_ns));
  }
  bool TryWrite(int64_t intended_ns, int64_t now_ns) override {
    if (!TakeRequest(*exchange_, intended_ns, dc_, &req_)) return false;
    write_.Started(dc_, intended_ns, now_ns, req_.size());
    StartWriteBytes(req_);
    return true;
  }

  void OnMessage(std::string_view message) override {
    if (shape_ == StreamShape::kUpload) {
      // The one response arrives after the half-close; it is recorded with the status.
      if (!FirstFinalResponse()) return;
      final_bytes_ = message.size();
      CheckResponse(*exchange_, message, dc_.registry().ForCurrentThread());
      return;
    }
    const int64_t now = dc_.clock().NowNs();
    stats::Recorder& rec = ResponseArrived(message.size());
    const MessageExchange::ResponseOutcome outcome = CheckResponse(*exchange_, message, rec);
    if (outcome.intended_ns) rec.RecordLatencyNs(Latency::kMessage, now - *outcome.intended_ns);
    RecordArrival(rec, now);  // first message; an independent stream's gaps
    // Closed loop: one more request per answer; a correlated stream's duplicates and strays
    // answer nothing, so they do not add to what is in flight.
    if (!correlated_ || outcome.first_answer) CreditRead();
  }

  void OnDone(const grpc::Status& server_status) override {
    const grpc::Status status =
        shape_ == StreamShape::kUpload ? UploadStatus(server_status) : server_status;
    const int64_t now = dc_.clock().NowNs();
    stats::Recorder& rec = RecordEnd(status, now);
    if (shape_ == StreamShape::kUpload && status.ok()) RecordFinalResponse(rec, now, final_bytes_);
    RecordIntegrity(*exchange_, status.ok(), rec);
    Done(status);
  }

 private:
  const std::shared_ptr<AnySlot> shared_;
  const std::unique_ptr<MessageExchange> exchange_;
  const bool correlated_ = shared_->run->method->pairing == scenario::ResponsePairing::kCorrelated;
  std::string req_;
  size_t final_bytes_ = 0;  // client_stream: the response's size
};

// server_stream: one request (written with the half-close), then every response.
class AnyServerStreamCall final : public DriverCall<> {
 public:
  // `exchange` has taken `request` (MakeAnyCallSlot).
  AnyServerStreamCall(CallSlot& slot, const AnySlot& shared, int64_t intended_ns,
                      std::unique_ptr<MessageExchange> exchange, const std::string& request)
      : DriverCall(slot, intended_ns), exchange_(std::move(exchange)) {
    RecordScheduleLag();
    Launch(request.size());
    const engines::Metadata metadata = RenderMetadata(*exchange_);
    StartCallWithRequestBytes(shared.run->method->path, request, &metadata);
  }

  void OnMessage(std::string_view message) override {
    stats::Recorder& rec = RecordStreamedMessage(message.size());
    CheckResponse(*exchange_, message, rec);
  }

  void OnDone(const grpc::Status& status) override {
    stats::Recorder& rec = RecordEnd(status.error_code());
    RecordStreamEnd(rec);  // messages per stream
    RecordIntegrity(*exchange_, status.ok(), rec);
    Done(status);
  }

 private:
  const std::unique_ptr<MessageExchange> exchange_;
};

// unary: the call is the message.
class AnyUnaryCall final : public DriverCall<> {
 public:
  // `exchange` has taken `request` (MakeAnyCallSlot).
  AnyUnaryCall(CallSlot& slot, const AnySlot& shared, int64_t intended_ns,
               std::unique_ptr<MessageExchange> exchange, const std::string& request)
      : DriverCall(slot, intended_ns), exchange_(std::move(exchange)) {
    RecordScheduleLag();
    Launch(request.size());
    const engines::Metadata metadata = RenderMetadata(*exchange_);
    StartCallWithRequestBytes(shared.run->method->path, request, &metadata);
  }

  void OnMessage(std::string_view message) override {
    if (FirstUnaryResponse()) response_.assign(message);
  }

  void OnDone(const grpc::Status& call_status) override {
    const grpc::Status status = UnaryStatus(call_status);
    stats::Recorder& rec = RecordUnaryEnd(status, response_.size());
    if (status.ok()) CheckResponse(*exchange_, response_, rec);
    RecordIntegrity(*exchange_, status.ok(), rec);
    Done(status);
  }

 private:
  const std::unique_ptr<MessageExchange> exchange_;
  std::string response_;
};

// A CallSlot whose calls are `Call`s (unary, server_stream): the request is taken before the
// call is made, so a call for which a `once` feed has no line left is never started (nor counted,
// nor its schedule lag recorded).
template <class Call>
std::unique_ptr<Slot> MakeAnyCallSlot(DriverContext& dc, std::shared_ptr<engines::Channel> channel,
                                      std::shared_ptr<AnySlot> shared) {
  return std::make_unique<CallSlot>(
      dc, std::move(channel),
      [shared = std::move(shared)](CallSlot& slot, int64_t intended_ns, uint64_t /*number*/) {
        std::unique_ptr<MessageExchange> exchange = NewExchange(*shared, slot.dc());
        std::string request;
        if (!TakeRequest(*exchange, intended_ns, slot.dc(), &request)) return;
        new Call(slot, *shared, intended_ns, std::move(exchange), request);  // owns itself
      });
}

class AnyServiceDriver final : public RunDriver {
 public:
  explicit AnyServiceDriver(DriverContext& dc) : dc_(dc), run_(std::make_shared<AnyRun>()) {}

  PrepareStatus Prepare(const std::shared_ptr<grpc::Channel>& channel, const std::string& target,
                        std::string* error) override {
    const scenario::Scenario& s = dc_.scenario();
    methods::SourceError why;
    std::optional<methods::DescriptorSet> descriptors =
        methods::LoadMethodDescriptors(s, channel, target, &why);
    if (descriptors) run_->method = methods::ResolveMethod(s, std::move(*descriptors), &why);
    if (run_->method == nullptr) {
      *error = why.message;
      return why.kind == methods::SourceError::Kind::kUnreachable ? PrepareStatus::kUnreachable
                                                                  : PrepareStatus::kBadInput;
    }
    if (methods::ModeOf(run_->method->shape) != s.mode) {
      // A scenario loaded without the CLI's ResolveMethodsOnDisk, which sets the mode.
      *error = s.source_path + ": " + s.method.service + "/" + s.method.method + " is " +
               methods::CallShapeName(run_->method->shape) + " but the run's mode is " +
               scenario::ModeName(s.mode);
      return PrepareStatus::kBadInput;
    }
    const std::shared_ptr<methods::RequestFeed>& feed = run_->method->feed;
    if (feed != nullptr && s.method.feed_order == scenario::FeedOrder::kOnce) {
      if (s.warmup_us > 0) {
        // The scenario's own warm-up is refused when it is loaded; this is --warmup's.
        *error = s.source_path +
                 ": request.feed_order: `once` sends each line once, so a warm-up would use up "
                 "lines whose results are thrown away; run with --warmup 0s";
        return PrepareStatus::kBadInput;
      }
      // The method, not the feed alone: the feed's templates are messages of the method's
      // descriptor pool and factory, which must outlive them, and the context may outlive the
      // driver.
      dc_.work().Set(feed->size(), [method = run_->method] { return method->feed->taken(); });
    }
    return PrepareStatus::kReady;
  }

  std::unique_ptr<Slot> MakeSlot(int index, std::shared_ptr<engines::Channel> channel,
                                 std::string* error) override {
    if (run_->method == nullptr) {
      *error = "the any-service driver made a slot before Prepare";
      return nullptr;
    }
    auto shared = std::make_shared<AnySlot>();
    shared->run = run_;
    shared->index = static_cast<uint64_t>(index);
    switch (run_->method->shape) {
      case CallShape::kUnary:
        return MakeAnyCallSlot<AnyUnaryCall>(dc_, std::move(channel), std::move(shared));
      case CallShape::kServerStream:
        return MakeAnyCallSlot<AnyServerStreamCall>(dc_, std::move(channel), std::move(shared));
      case CallShape::kClientStream:
      case CallShape::kBidi:
        break;
    }
    return MakeStreamSlot<AnyStream, AnySlot>(dc_, std::move(channel), std::move(shared));
  }

 private:
  DriverContext& dc_;
  const std::shared_ptr<AnyRun> run_;
};

}  // namespace

std::unique_ptr<RunDriver> MakeAnyServiceDriver(DriverContext& dc, std::string* /*error*/) {
  return std::make_unique<AnyServiceDriver>(dc);
}

}  // namespace streambench::drivers
