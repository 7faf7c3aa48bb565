// streambench.v1 drivers. Every request carries seq, the actual and intended send times, a
// payload slice and its CRC-32C; the behaviour goes in the first request of each call/stream.
// Latency comes from the times the server echoes back, so no per-message state is kept.
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "bench/drivers/driver_call.h"
#include "bench/drivers/driver_stream.h"
#include "bench/drivers/run_driver.h"
#include "bench/drivers/v1_behavior.h"
#include "bench/stats/integrity.h"
#include "common/crc32c.h"
#include "streambench/v1/streambench.grpc.pb.h"

namespace streambench::drivers {
namespace {

using stats::Latency;
using v1::Request;
using v1::Response;

// The service's methods, as paths.
const std::string kUnaryPath = MethodPath(v1::StreamBench::service_full_name(), "Unary");
const std::string kServerStreamPath =
    MethodPath(v1::StreamBench::service_full_name(), "ServerStream");
const std::string kClientStreamPath =
    MethodPath(v1::StreamBench::service_full_name(), "ClientStream");
const std::string kBidiPath = MethodPath(v1::StreamBench::service_full_name(), "Bidi");

// Shared by every call of a slot: the run's behaviour message.
struct V1Shared {
  v1::Behavior behavior;
  uint64_t slot_key = 0;  // SizeSampler::SlotKey: mixes the slot index into payload-size keys
};

// Fills the per-message fields; returns the payload size.
size_t FillRequest(const DriverContext& dc, uint64_t size_key, uint64_t seq, int64_t intended_ns,
                   int64_t now_ns, Request* req) {
  const size_t size = static_cast<size_t>(dc.sizes().Sample(size_key));
  const std::string_view slice = dc.payload().Slice(size_key, size);
  req->set_seq(seq);
  req->set_client_send_time_ns(now_ns);
  req->set_intended_send_time_ns(intended_ns);
  req->set_payload(slice.data(), slice.size());  // reuses the message's capacity
  req->set_payload_crc32c(Crc32c(slice));
  return size;
}

// The one request of a unary or server_stream call: seq 0, carrying the behaviour. Returns the
// payload size.
size_t FillCallRequest(const DriverContext& dc, const V1Shared& shared, uint64_t number,
                       int64_t intended_ns, int64_t now_ns, Request* req) {
  *req->mutable_behavior() = shared.behavior;
  return FillRequest(dc, shared.slot_key + number, 0, intended_ns, now_ns, req);
}

bool ChecksumOk(const Response& resp) { return Crc32c(resp.payload()) == resp.payload_crc32c(); }

// The read side's integrity account of a stream or server_stream call: every response's seq and
// checksum, and the drops the server reported in the stream (app-level flow control: skipped on
// purpose, so not lost). Used from the reactor's reads (one at a time) and then its OnDone.
class ResponseCheck {
 public:
  void OnResponse(const Response& resp) {
    integrity_.OnMessage(resp.seq(), ChecksumOk(resp));
    reported_dropped_ += resp.dropped_before();
  }
  // From OnDone: `owed` responses were owed (nullopt: no count is owed, e.g. after a failure).
  void Finish(std::optional<uint64_t> owed, stats::Recorder& rec) {
    if (owed.has_value()) {
      integrity_.Finish(*owed);
    } else {
      integrity_.FinishUnknownCount();
    }
    rec.AddIntegrity(WithoutReportedDrops(integrity_.counts(), reported_dropped_));
    rec.AddServerDropped(reported_dropped_);
  }

 private:
  stats::StreamIntegrity integrity_;
  uint64_t reported_dropped_ = 0;  // sum of dropped_before
};

// ---------------------------------------------------------------------------------------------
// What both streams share: the behaviour, and the writes (seq and times in every
// request; the first request carries the behaviour).
class V1Stream : public DriverStream {
 public:
  void Write(int64_t intended_ns, int64_t now_ns) override {
    const uint64_t seq = write_.started();
    Request& req = seq == 0 ? first_req_ : req_;
    const size_t bytes = FillRequest(dc_, key_base_ + seq, seq, intended_ns, now_ns, &req);
    write_.Started(dc_, intended_ns, now_ns, bytes);
    StartWrite(req);
  }

 protected:
  V1Stream(StreamSlot& slot, StreamShape shape, const std::shared_ptr<V1Shared>& shared,
           uint64_t number)
      : DriverStream(slot, shape, shared->slot_key, number), shared_(shared) {
    *first_req_.mutable_behavior() = shared_->behavior;
  }

  const std::shared_ptr<V1Shared> shared_;

 private:
  Request first_req_, req_;
};

// bidi: request -> echo (ECHO), or the server streaming on its own (INDEPENDENT).
class V1BidiStream final : public V1Stream {
 public:
  V1BidiStream(StreamSlot& slot, const std::shared_ptr<V1Shared>& shared, uint64_t number)
      : V1Stream(slot,
                 shared->behavior.bidi_mode() == v1::Behavior::ECHO ? StreamShape::kEcho
                                                                    : StreamShape::kIndependent,
                 shared, number) {}

  void Begin() override { Open(kBidiPath); }

  void OnMessage(std::string_view message) override {
    const int64_t now = dc_.clock().NowNs();
    if (!Parse(message, &resp_)) return;
    stats::Recorder& rec = ResponseArrived(resp_.payload().size());
    RecordArrival(rec, now);
    // Echo: from the echoed intended time (= actual send in closed loop). Independent: the
    // server's own stream, timed from the stream's start.
    rec.RecordLatencyNs(Latency::kMessage,
                        echo() ? now - resp_.intended_send_time_ns() : now - start_ns_);
    responses_.OnResponse(resp_);
    CreditRead();  // echo, closed loop: one more request
  }

  void OnDone(const grpc::Status& status) override {
    stats::Recorder& rec = RecordEnd(status, dc_.clock().NowNs());
    // Only what the server owed counts as lost: every acknowledged request for an echo stream
    // that ended OK, response_count for an independent one; nothing is owed after a failure, nor
    // by a stream that half-closed before its first request (the behaviour) went out, which
    // happens when the run stops just as a stream is replaced.
    const uint64_t count = shared_->behavior.response_count();
    std::optional<uint64_t> owed;
    if (status.ok() && echo()) {
      owed = write_.acked();
    } else if (status.ok() && count > 0 && write_.acked() > 0) {
      owed = count;
    }
    responses_.Finish(owed, rec);
    Done(status);
  }

 private:
  bool echo() const { return shape_ == StreamShape::kEcho; }

  Response resp_;
  ResponseCheck responses_;
};

// client_stream: per-write completion (backpressure), then the server's summary.
class V1ClientStream final : public V1Stream {
 public:
  V1ClientStream(StreamSlot& slot, const std::shared_ptr<V1Shared>& shared, uint64_t number)
      : V1Stream(slot, StreamShape::kUpload, shared, number) {}

  void Begin() override { Open(kClientStreamPath); }

  // The summary, after the half-close.
  void OnMessage(std::string_view message) override {
    if (FirstFinalResponse()) Parse(message, &summary_);
  }

  void OnDone(const grpc::Status& server_status) override {
    const grpc::Status status = UploadStatus(server_status);
    const int64_t now = dc_.clock().NowNs();
    stats::Recorder& rec = RecordEnd(status, now);
    if (status.ok()) {
      RecordFinalResponse(rec, now, 0);
      // The server's account of what it read is the integrity check for this direction.
      const uint64_t acked = write_.acked();
      stats::IntegrityCounts counts;
      if (summary_.messages_received() < acked) {
        counts.lost = acked - summary_.messages_received();
      } else if (summary_.messages_received() > acked) {
        counts.duplicated = summary_.messages_received() - acked;
      }
      counts.corrupted = summary_.checksum_errors();
      counts.reordered = summary_.sequence_errors();
      rec.AddIntegrity(counts);
    }
    Done(status);
  }

 private:
  v1::ClientStreamSummary summary_;
};

// ---------------------------------------------------------------------------------------------
// unary: one request, one response; the call is the message.
class V1UnaryCall final : public DriverCall<> {
 public:
  V1UnaryCall(CallSlot& slot, const std::shared_ptr<V1Shared>& shared, int64_t intended_ns,
              uint64_t number)
      : DriverCall(slot, intended_ns) {
    const int64_t now = dc_.clock().NowNs();
    RecordScheduleLag(now);
    Launch(FillCallRequest(dc_, *shared, number, intended_ns, now, &req_));
    StartCallWithRequest(kUnaryPath, req_);
  }

  void OnMessage(std::string_view message) override { TakeUnaryResponse(message, &resp_); }

  void OnDone(const grpc::Status& call_status) override {
    const grpc::Status status = UnaryStatus(call_status);
    stats::Recorder& rec = RecordUnaryEnd(status, resp_.payload().size());
    if (status.ok() && !ChecksumOk(resp_)) {
      stats::IntegrityCounts counts;
      counts.corrupted = 1;
      rec.AddIntegrity(counts);
    }
    Done(status);
  }

 private:
  Request req_;
  Response resp_;
};

// ---------------------------------------------------------------------------------------------
// server_stream: one request, response_count responses, each timed from the call's intended
// start.
class V1ServerStreamCall final : public DriverCall<> {
 public:
  V1ServerStreamCall(CallSlot& slot, const std::shared_ptr<V1Shared>& shared, int64_t intended_ns,
                     uint64_t number)
      : DriverCall(slot, intended_ns), expected_(shared->behavior.response_count()) {
    const int64_t now = dc_.clock().NowNs();
    RecordScheduleLag(now);
    Launch(FillCallRequest(dc_, *shared, number, intended_ns, now, &req_));
    StartCallWithRequest(kServerStreamPath, req_);
  }

  void OnMessage(std::string_view message) override {
    if (!Parse(message, &resp_)) return;
    RecordStreamedMessage(resp_.payload().size());
    responses_.OnResponse(resp_);
  }

  void OnDone(const grpc::Status& status) override {
    stats::Recorder& rec = RecordEnd(status.error_code());
    RecordStreamEnd(rec);
    responses_.Finish(status.ok() ? std::optional<uint64_t>(expected_) : std::nullopt, rec);
    Done(status);
  }

 private:
  const uint64_t expected_;
  Request req_;
  Response resp_;
  ResponseCheck responses_;
};

// The run's driver: the behaviour message built once; each slot gets its own key.
using V1SlotMaker = std::unique_ptr<Slot> (*)(DriverContext& dc,
                                              std::shared_ptr<engines::Channel> channel,
                                              std::shared_ptr<V1Shared> shared);
std::unique_ptr<RunDriver> MakeV1Driver(DriverContext& dc, V1SlotMaker make_slot,
                                        std::string* error) {
  v1::Behavior behavior;
  if (!BuildV1Behavior(dc.scenario().behavior, dc.scenario().seed, &behavior, error))
    return nullptr;
  return RunDriverFrom([&dc, behavior, make_slot](int index,
                                                  std::shared_ptr<engines::Channel> channel,
                                                  std::string* /*error*/) {
    auto shared = std::make_shared<V1Shared>();
    shared->behavior = behavior;
    shared->slot_key = SizeSampler::SlotKey(index);
    return make_slot(dc, std::move(channel), std::move(shared));
  });
}

}  // namespace

std::unique_ptr<RunDriver> MakeV1UnaryDriver(DriverContext& dc, std::string* error) {
  return MakeV1Driver(dc, MakeCallSlot<V1UnaryCall, V1Shared>, error);
}
std::unique_ptr<RunDriver> MakeV1ServerStreamDriver(DriverContext& dc, std::string* error) {
  return MakeV1Driver(dc, MakeCallSlot<V1ServerStreamCall, V1Shared>, error);
}
std::unique_ptr<RunDriver> MakeV1ClientStreamDriver(DriverContext& dc, std::string* error) {
  return MakeV1Driver(dc, MakeStreamSlot<V1ClientStream, V1Shared>, error);
}
std::unique_ptr<RunDriver> MakeV1BidiDriver(DriverContext& dc, std::string* error) {
  return MakeV1Driver(dc, MakeStreamSlot<V1BidiStream, V1Shared>, error);
}

}  // namespace streambench::drivers
