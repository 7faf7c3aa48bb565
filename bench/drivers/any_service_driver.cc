// The any-service driver: a method the generator has no compiled stub for (scenario `method:`),
// on gRPC's generic API with ByteBuffers. The run's prepare phase resolves the method (by server
// reflection through the run's channel when the scenario asks for it); every message-level step
// (rendering requests, pairing, checking and correlating responses) is a MessageExchange
// (bench/methods/message_exchange.h), so the reactors here only move bytes and record timings.
// Slots, streams, pacing, deadlines, cancellation and reconnects are the built-in drivers' own
// (CallSlot, StreamSlot, DriverCall, DriverStream).
// Per call shape:
//   unary          a unary call; the response is the message, timed from the intended start
//   server_stream  one request, every response counted and timed from the intended start (the
//                  first as first_message), the gaps between responses and how many came
//   client_stream  the slot's writes; the one response timed from the half-close and from the
//                  first write's intended send
//   bidi           one_per_request: each response timed from its request's intended send;
//                  independent: time to first message, the gaps between responses and how many
//                  the stream got
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/client_callback.h>
#include <grpcpp/support/stub_options.h>

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

using grpc::ByteBuffer;
using methods::CallShape;
using methods::MessageExchange;
using stats::Latency;

using GenericBidiReactor = grpc::ClientBidiReactor<ByteBuffer, ByteBuffer>;

// What every call of the run shares.
struct AnyRun {
  std::shared_ptr<const methods::ResolvedMethod> method;
  std::atomic<uint64_t> calls{0};  // {{call}}: the call's number in the run
};

// What the calls of one slot share.
struct AnySlot {
  std::shared_ptr<AnyRun> run;
  std::unique_ptr<grpc::GenericStub> stub;
  uint64_t index = 0;
};

MessageExchange NewExchange(const AnySlot& slot, const DriverContext& dc) {
  return MessageExchange(slot.run->method, slot.index,
                         slot.run->calls.fetch_add(1, std::memory_order_relaxed),
                         dc.scenario().seed);
}

void AddMetadata(MessageExchange& exchange, grpc::ClientContext& context) {
  for (auto& [name, value] : exchange.RenderMetadata(UnixNowNs())) {
    context.AddMetadata(name, value);
  }
}

// The exchange's next request as the ByteBuffer a write sends; returns its size in bytes.
size_t NextRequest(MessageExchange& exchange, int64_t intended_ns, ByteBuffer* out) {
  std::string bytes;
  exchange.NextRequest(intended_ns, UnixNowNs(), &bytes);
  grpc::Slice slice(bytes.data(), bytes.size());
  *out = ByteBuffer(&slice, 1);
  return bytes.size();
}

// A response through the exchange: flattened only when it must be parsed. Counts a failed
// `expect.fields` in `rec`.
MessageExchange::ResponseOutcome CheckResponse(MessageExchange& exchange,
                                               const ByteBuffer& response, stats::Recorder& rec) {
  MessageExchange::ResponseOutcome outcome;
  if (!exchange.parses_responses()) return exchange.OnResponse(nullptr);
  std::string bytes;
  std::vector<grpc::Slice> slices;
  if (response.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices) {
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  outcome = exchange.OnResponse(&bytes);
  if (outcome.check_failed) rec.AddResponseCheckFailure();
  return outcome;
}

void RecordIntegrity(MessageExchange& exchange, bool ok, stats::Recorder& rec) {
  const stats::IntegrityCounts counts = exchange.Finish(ok);
  if (counts.Total() > 0) rec.AddIntegrity(counts);
}

StreamShape ShapeOf(const methods::ResolvedMethod& method) {
  if (method.shape == CallShape::kClientStream) return StreamShape::kUpload;
  return method.pairing == scenario::ResponsePairing::kOnePerRequest ? StreamShape::kEcho
                                                                     : StreamShape::kIndependent;
}

// bidi and client_stream: one generic bidi call per stream of the slot.
class AnyStream final : public DriverStream<GenericBidiReactor> {
 public:
  AnyStream(StreamSlot& slot, const std::shared_ptr<AnySlot>& shared, uint64_t number)
      : DriverStream(slot, ShapeOf(*shared->run->method), shared->index, number),
        shared_(shared),
        exchange_(NewExchange(*shared, slot.dc())) {}

  void Begin() override {
    Open([this] {
      AddMetadata(exchange_, context());
      shared_->stub->PrepareBidiStreamingCall(&context(), shared_->run->method->path,
                                              grpc::StubOptions(), this);
    });
    StartRead(&resp_);
    StartCall();
  }

  void Write(int64_t intended_ns, int64_t now_ns) override {
    const size_t bytes = NextRequest(exchange_, intended_ns, &req_);
    write_.Started(dc_, intended_ns, now_ns, bytes);
    StartWrite(&req_);
  }

  void OnReadDone(bool ok) override {
    if (shape_ == StreamShape::kUpload) {
      // The one response arrives after the half-close; it is recorded with the status.
      if (!ok) return;
      final_bytes_ = resp_.Length();
      got_final_ = true;
      CheckResponse(exchange_, resp_, dc_.registry().ForCurrentThread());
      return;
    }
    stats::Recorder* rec = ResponseArrived(ok, resp_.Length());
    if (rec == nullptr) return;
    const int64_t now = dc_.clock().NowNs();
    const MessageExchange::ResponseOutcome outcome = CheckResponse(exchange_, resp_, *rec);
    if (outcome.intended_ns) rec->RecordLatencyNs(Latency::kMessage, now - *outcome.intended_ns);
    RecordArrival(*rec, now);  // first message; an independent stream's gaps
    CreditRead();              // closed loop: before the next StartRead (see CreditRead)
    StartRead(&resp_);
  }

  void OnDone(const grpc::Status& status) override {
    const int64_t now = dc_.clock().NowNs();
    stats::Recorder& rec = RecordEnd(status, now);
    if (got_final_ && status.ok()) RecordFinalResponse(rec, now, final_bytes_);
    RecordIntegrity(exchange_, status.ok(), rec);
    Done(status);
  }

 private:
  const std::shared_ptr<AnySlot> shared_;
  MessageExchange exchange_;
  ByteBuffer req_;
  ByteBuffer resp_;
  size_t final_bytes_ = 0;  // client_stream: the response's size
  bool got_final_ = false;
};

// server_stream: one request (written with the half-close), then every response.
class AnyServerStreamCall final : public DriverCall<GenericBidiReactor> {
 public:
  AnyServerStreamCall(CallSlot& slot, const std::shared_ptr<AnySlot>& shared, int64_t intended_ns,
                      uint64_t /*number*/)
      : DriverCall(slot, intended_ns), exchange_(NewExchange(*shared, slot.dc())) {
    RecordScheduleLag();
    Launch(NextRequest(exchange_, intended_ns, &req_));
    AddMetadata(exchange_, context());
    shared->stub->PrepareBidiStreamingCall(&context(), shared->run->method->path,
                                           grpc::StubOptions(), this);
    StartWriteLast(&req_, grpc::WriteOptions());
    StartRead(&resp_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows
    stats::Recorder& rec = RecordStreamedMessage(resp_.Length());
    CheckResponse(exchange_, resp_, rec);
    StartRead(&resp_);
  }

  void OnDone(const grpc::Status& status) override {
    stats::Recorder& rec = RecordEnd(status.error_code());
    RecordStreamEnd(rec);  // messages per stream
    RecordIntegrity(exchange_, status.ok(), rec);
    Done(status);
  }

 private:
  MessageExchange exchange_;
  ByteBuffer req_;
  ByteBuffer resp_;
};

// unary: the call is the message.
class AnyUnaryCall final : public DriverCall<grpc::ClientUnaryReactor> {
 public:
  AnyUnaryCall(CallSlot& slot, const std::shared_ptr<AnySlot>& shared, int64_t intended_ns,
               uint64_t /*number*/)
      : DriverCall(slot, intended_ns), exchange_(NewExchange(*shared, slot.dc())) {
    RecordScheduleLag();
    Launch(NextRequest(exchange_, intended_ns, &req_));
    AddMetadata(exchange_, context());
    shared->stub->PrepareUnaryCall(&context(), shared->run->method->path, grpc::StubOptions(),
                                   &req_, &resp_, this);
    StartCall();
  }

  void OnDone(const grpc::Status& status) override {
    stats::Recorder& rec = RecordUnaryEnd(status, resp_.Length());
    if (status.ok()) CheckResponse(exchange_, resp_, rec);
    RecordIntegrity(exchange_, status.ok(), rec);
    Done(status);
  }

 private:
  MessageExchange exchange_;
  ByteBuffer req_;
  ByteBuffer resp_;
};

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
    return PrepareStatus::kReady;
  }

  std::unique_ptr<Slot> MakeSlot(int index, std::shared_ptr<grpc::Channel> channel,
                                 std::string* error) override {
    if (run_->method == nullptr) {
      *error = "the any-service driver made a slot before Prepare";
      return nullptr;
    }
    auto shared = std::make_shared<AnySlot>();
    shared->run = run_;
    shared->stub = std::make_unique<grpc::GenericStub>(channel);
    shared->index = static_cast<uint64_t>(index);
    switch (run_->method->shape) {
      case CallShape::kUnary:
        return MakeCallSlot<AnyUnaryCall, AnySlot>(dc_, std::move(channel), std::move(shared));
      case CallShape::kServerStream:
        return MakeCallSlot<AnyServerStreamCall, AnySlot>(dc_, std::move(channel),
                                                          std::move(shared));
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
