// streambench.v1 drivers. Every request carries seq, the actual and intended send times, a
// payload slice and its CRC-32C; the behaviour goes in the first request of each call/stream.
// Latency comes from the times the server echoes back, so no per-message state is kept.
#include "bench/drivers/v1_drivers.h"

#include <grpcpp/support/client_callback.h>

#include "bench/drivers/call_slot.h"
#include "bench/drivers/stream_slot.h"
#include "bench/drivers/v1_behavior.h"
#include "bench/stats/integrity.h"
#include "server/common/crc32c.h"
#include "streambench/v1/streambench.grpc.pb.h"

namespace streambench::drivers {
namespace {

using stats::Latency;
using streambench::v1::ClientStreamSummary;
using streambench::v1::Request;
using streambench::v1::Response;
using streambench::v1::StreamBench;

// Shared by every call of a slot: the stub and the behaviour message.
struct V1Shared {
  std::unique_ptr<StreamBench::Stub> stub;
  streambench::v1::Behavior behavior;
  uint64_t slot_key = 0;  // mixes the slot index into payload-size keys
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

bool ChecksumOk(const Response& resp) { return Crc32c(resp.payload()) == resp.payload_crc32c(); }

// ---------------------------------------------------------------------------------------------
// bidi: request -> echo (ECHO), or the server streaming on its own (INDEPENDENT).
class V1BidiStream final : public SlotStream,
                           public CallBase,
                           public grpc::ClientBidiReactor<Request, Response> {
 public:
  V1BidiStream(StreamSlot& slot, std::shared_ptr<V1Shared> shared, uint64_t number)
      : CallBase(slot.dc(), slot.calls()),
        slot_(slot),
        shared_(std::move(shared)),
        key_base_(SizeSampler::Mix(shared_->slot_key ^ (number << 20))),
        echo_(shared_->behavior.bidi_mode() == streambench::v1::Behavior::ECHO) {
    *first_req_.mutable_behavior() = shared_->behavior;
  }

  void Begin() override {
    Arm();
    dc_.registry().ForCurrentThread().AddCallStarted();
    // Writes are started from worker threads (outside reactions); the hold keeps OnDone away
    // until HalfClose says no more writes will start.
    shared_->stub->async()->Bidi(&context(), this);
    AddHold();
    StartRead(&resp_);
    StartCall();
  }

  void Write(int64_t intended_ns, int64_t now_ns) override {
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    if (dc_.open_loop()) rec.RecordLatencyNs(Latency::kScheduleLag, now_ns - intended_ns);
    Request& req = seq_ == 0 ? first_req_ : req_;
    write_bytes_ = FillRequest(dc_, key_base_ + seq_, seq_, intended_ns, now_ns, &req);
    ++seq_;
    write_start_ns_ = now_ns;
    StartWrite(&req);
  }

  void Cancel() override { context().TryCancel(); }
  void HalfClose() override {
    StartWritesDone();
    RemoveHold();  // may run OnDone on another thread: touch nothing after this
  }

  void OnWriteDone(bool ok) override {
    if (ok) {
      const int64_t now = dc_.clock().NowNs();
      stats::Recorder& rec = dc_.registry().ForCurrentThread();
      rec.AddSent(1, write_bytes_);
      rec.RecordLatencyNs(Latency::kWriteBlocked, now - write_start_ns_);
      ++acked_;
      if (!echo_ && !dc_.open_loop()) slot_.Credit();
    }
    slot_.WriteCompleted(ok);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      slot_.RequestClose();
      return;
    }
    const int64_t now = dc_.clock().NowNs();
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    rec.AddReceived(1, resp_.payload().size());
    if (!first_seen_) {
      first_seen_ = true;
      rec.RecordLatencyNs(Latency::kFirstMessage, now - start_ns_);
    }
    // Echo: from the echoed intended time (= actual send in closed loop). Independent: the
    // server's own stream, timed from the stream's start.
    rec.RecordLatencyNs(Latency::kMessage,
                        echo_ ? now - resp_.intended_send_time_ns() : now - start_ns_);
    integrity_.OnMessage(resp_.seq(), ChecksumOk(resp_));
    reported_dropped_ += resp_.dropped_before();
    // Credit before the next read: once StartRead is called, the next OnReadDone may run on
    // another thread, and the slot's queue takes one producer at a time.
    if (echo_ && !dc_.open_loop()) slot_.Credit();
    StartRead(&resp_);
  }

  void OnDone(const grpc::Status& status) override {
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    rec.RecordLatencyNs(Latency::kCall, dc_.clock().NowNs() - start_ns_);
    rec.AddCallFinished(status.error_code());
    // Only what the server owed counts as lost: every acknowledged request for an echo stream
    // that ended OK, response_count for an independent one; nothing is owed after a failure, nor
    // by a stream that half-closed before its first request (the behaviour) went out, which
    // happens when the run stops just as a stream is replaced.
    const uint64_t count = shared_->behavior.response_count();
    if (status.ok() && echo_) {
      integrity_.Finish(acked_);
    } else if (status.ok() && count > 0 && acked_ > 0) {
      integrity_.Finish(count);
    } else {
      integrity_.FinishUnknownCount();
    }
    rec.AddIntegrity(WithoutReportedDrops(integrity_.counts(), reported_dropped_));
    rec.AddServerDropped(reported_dropped_);
    slot_.StreamDone(status);
    Finished();
  }

 private:
  StreamSlot& slot_;
  std::shared_ptr<V1Shared> shared_;
  const uint64_t key_base_;
  const bool echo_;
  Request first_req_, req_;
  Response resp_;
  uint64_t seq_ = 0;
  uint64_t acked_ = 0;
  size_t write_bytes_ = 0;
  int64_t write_start_ns_ = 0;
  bool first_seen_ = false;
  stats::StreamIntegrity integrity_;
  uint64_t reported_dropped_ = 0;  // sum of dropped_before (app-level flow control)
};

// ---------------------------------------------------------------------------------------------
// client_stream: per-write completion (backpressure), then the server's summary.
class V1ClientStream final : public SlotStream,
                             public CallBase,
                             public grpc::ClientWriteReactor<Request> {
 public:
  V1ClientStream(StreamSlot& slot, std::shared_ptr<V1Shared> shared, uint64_t number)
      : CallBase(slot.dc(), slot.calls()),
        slot_(slot),
        shared_(std::move(shared)),
        key_base_(SizeSampler::Mix(shared_->slot_key ^ (number << 20))) {
    *first_req_.mutable_behavior() = shared_->behavior;
  }

  void Begin() override {
    Arm();
    dc_.registry().ForCurrentThread().AddCallStarted();
    shared_->stub->async()->ClientStream(&context(), &summary_, this);
    AddHold();
    StartCall();
  }

  void Write(int64_t intended_ns, int64_t now_ns) override {
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    if (dc_.open_loop()) rec.RecordLatencyNs(Latency::kScheduleLag, now_ns - intended_ns);
    Request& req = seq_ == 0 ? first_req_ : req_;
    write_bytes_ = FillRequest(dc_, key_base_ + seq_, seq_, intended_ns, now_ns, &req);
    ++seq_;
    write_start_ns_ = now_ns;
    write_intended_ns_ = intended_ns;
    StartWrite(&req);
  }

  void Cancel() override { context().TryCancel(); }
  void HalfClose() override {
    half_close_ns_ = dc_.clock().NowNs();
    StartWritesDone();
    RemoveHold();
  }

  void OnWriteDone(bool ok) override {
    if (ok) {
      const int64_t now = dc_.clock().NowNs();
      stats::Recorder& rec = dc_.registry().ForCurrentThread();
      rec.AddSent(1, write_bytes_);
      rec.RecordLatencyNs(Latency::kWriteBlocked, now - write_start_ns_);
      rec.RecordLatencyNs(Latency::kMessage, now - write_intended_ns_);
      ++acked_;
      if (!dc_.open_loop()) slot_.Credit();
    }
    slot_.WriteCompleted(ok);
  }

  void OnDone(const grpc::Status& status) override {
    const int64_t now = dc_.clock().NowNs();
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    rec.RecordLatencyNs(Latency::kCall, now - start_ns_);
    rec.AddCallFinished(status.error_code());
    if (status.ok()) {
      rec.RecordLatencyNs(Latency::kFinalResponse, now - half_close_ns_);
      rec.AddReceived(1, 0);
      // The server's account of what it read is the integrity check for this direction.
      stats::IntegrityCounts counts;
      if (summary_.messages_received() < acked_) {
        counts.lost = acked_ - summary_.messages_received();
      } else if (summary_.messages_received() > acked_) {
        counts.duplicated = summary_.messages_received() - acked_;
      }
      counts.corrupted = summary_.checksum_errors();
      counts.reordered = summary_.sequence_errors();
      rec.AddIntegrity(counts);
    }
    slot_.StreamDone(status);
    Finished();
  }

 private:
  StreamSlot& slot_;
  std::shared_ptr<V1Shared> shared_;
  const uint64_t key_base_;
  Request first_req_, req_;
  ClientStreamSummary summary_;
  uint64_t seq_ = 0;
  uint64_t acked_ = 0;
  size_t write_bytes_ = 0;
  int64_t write_start_ns_ = 0, write_intended_ns_ = 0, half_close_ns_ = 0;
};

// ---------------------------------------------------------------------------------------------
// unary: one request, one response; the call is the message.
class V1UnaryCall final : public CallBase, public grpc::ClientUnaryReactor {
 public:
  V1UnaryCall(CallSlot& slot, const std::shared_ptr<V1Shared>& shared, int64_t intended_ns,
              uint64_t number)
      : CallBase(slot.dc(), slot.calls()), slot_(slot), intended_ns_(intended_ns) {
    const int64_t now = dc_.clock().NowNs();
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    if (dc_.open_loop()) rec.RecordLatencyNs(Latency::kScheduleLag, now - intended_ns);
    *req_.mutable_behavior() = shared->behavior;
    const size_t size = FillRequest(dc_, shared->slot_key + number, 0, intended_ns, now, &req_);
    Arm();
    rec.AddCallStarted();
    rec.AddSent(1, size);
    shared->stub->async()->Unary(&context(), &req_, &resp_, this);
    StartCall();
  }

  void OnDone(const grpc::Status& status) override {
    const int64_t now = dc_.clock().NowNs();
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    rec.RecordLatencyNs(Latency::kCall, now - intended_ns_);
    rec.AddCallFinished(status.error_code());
    if (status.ok()) {
      rec.RecordLatencyNs(Latency::kMessage, now - intended_ns_);
      rec.AddReceived(1, resp_.payload().size());
      if (!ChecksumOk(resp_)) {
        stats::IntegrityCounts counts;
        counts.corrupted = 1;
        rec.AddIntegrity(counts);
      }
    }
    slot_.CallDone(status, intended_ns_);
    Finished();
  }

 private:
  CallSlot& slot_;
  const int64_t intended_ns_;
  Request req_;
  Response resp_;
};

// ---------------------------------------------------------------------------------------------
// server_stream: one request, response_count responses, each timed from the call's intended
// start.
class V1ServerStreamCall final : public CallBase, public grpc::ClientReadReactor<Response> {
 public:
  V1ServerStreamCall(CallSlot& slot, const std::shared_ptr<V1Shared>& shared, int64_t intended_ns,
                     uint64_t number)
      : CallBase(slot.dc(), slot.calls()),
        slot_(slot),
        intended_ns_(intended_ns),
        expected_(shared->behavior.response_count()) {
    const int64_t now = dc_.clock().NowNs();
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    if (dc_.open_loop()) rec.RecordLatencyNs(Latency::kScheduleLag, now - intended_ns);
    *req_.mutable_behavior() = shared->behavior;
    const size_t size = FillRequest(dc_, shared->slot_key + number, 0, intended_ns, now, &req_);
    Arm();
    rec.AddCallStarted();
    rec.AddSent(1, size);
    shared->stub->async()->ServerStream(&context(), &req_, this);
    StartRead(&resp_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows
    const int64_t now = dc_.clock().NowNs();
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    rec.AddReceived(1, resp_.payload().size());
    if (!first_seen_) {
      first_seen_ = true;
      rec.RecordLatencyNs(Latency::kFirstMessage, now - intended_ns_);
    }
    rec.RecordLatencyNs(Latency::kMessage, now - intended_ns_);
    integrity_.OnMessage(resp_.seq(), ChecksumOk(resp_));
    reported_dropped_ += resp_.dropped_before();
    StartRead(&resp_);
  }

  void OnDone(const grpc::Status& status) override {
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    rec.RecordLatencyNs(Latency::kCall, dc_.clock().NowNs() - intended_ns_);
    rec.AddCallFinished(status.error_code());
    if (status.ok()) {
      integrity_.Finish(expected_);
    } else {
      integrity_.FinishUnknownCount();
    }
    rec.AddIntegrity(WithoutReportedDrops(integrity_.counts(), reported_dropped_));
    rec.AddServerDropped(reported_dropped_);
    slot_.CallDone(status, intended_ns_);
    Finished();
  }

 private:
  CallSlot& slot_;
  const int64_t intended_ns_;
  const uint64_t expected_;
  Request req_;
  Response resp_;
  bool first_seen_ = false;
  stats::StreamIntegrity integrity_;
  uint64_t reported_dropped_ = 0;  // sum of dropped_before (app-level flow control)
};

}  // namespace

std::unique_ptr<Slot> MakeV1Slot(DriverContext& dc, std::shared_ptr<grpc::Channel> channel,
                                 int index, std::string* error) {
  auto shared = std::make_shared<V1Shared>();
  shared->stub = StreamBench::NewStub(channel);
  shared->slot_key = SizeSampler::Mix(static_cast<uint64_t>(index) + 1) << 8;
  if (!BuildV1Behavior(dc.scenario().behavior, &shared->behavior, error)) return nullptr;
  switch (dc.scenario().mode) {
    case scenario::Mode::kBidi:
      return std::make_unique<StreamSlot>(dc, [shared](StreamSlot& slot, uint64_t number) {
        return new V1BidiStream(slot, shared, number);
      });
    case scenario::Mode::kClientStream:
      return std::make_unique<StreamSlot>(dc, [shared](StreamSlot& slot, uint64_t number) {
        return new V1ClientStream(slot, shared, number);
      });
    case scenario::Mode::kUnary:
      return std::make_unique<CallSlot>(
          dc, [shared](CallSlot& slot, int64_t intended_ns, uint64_t number) {
            new V1UnaryCall(slot, shared, intended_ns, number);
          });
    case scenario::Mode::kServerStream:
      return std::make_unique<CallSlot>(
          dc, [shared](CallSlot& slot, int64_t intended_ns, uint64_t number) {
            new V1ServerStreamCall(slot, shared, intended_ns, number);
          });
    default:  // the workload modes have their own drivers (workload_drivers.h)
      break;
  }
  *error = "unknown mode";
  return nullptr;
}

}  // namespace streambench::drivers
