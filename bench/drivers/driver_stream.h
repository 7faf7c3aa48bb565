// DriverStream: the base of the streams a StreamSlot runs for the streambench.v1 and
// grpc.testing.BenchmarkService drivers (bidi, client_stream). It owns what those streams share:
// Begin's accounting and hold, Cancel, HalfClose, OnWriteDone (the write side's accounting through
// StreamWriteSide, the closed-loop credit, the pump token handed back), the closed-loop credit
// after a read, and the start of OnDone's accounting. Each driver keeps its message types, its
// Write (filling the request), its reads and the rest of its OnDone.
// `Reactor`: grpc::ClientBidiReactor<Request, Response> or grpc::ClientWriteReactor<Request>.
// Internal to the drivers module. Nothing here adds a virtual call or an allocation per message.
// Lifetime: as CallBase (the last reference deletes it, after OnDone's Done()).
// Thread-safety: as SlotStream and the gRPC reactor: Begin/Write/HalfClose run under the slot's
// pump token, OnWriteDone before it is released, reads one at a time, OnDone after everything.
#pragma once

#include <grpcpp/support/client_callback.h>
#include <grpcpp/support/status.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "bench/drivers/call_base.h"
#include "bench/drivers/size_sampler.h"
#include "bench/drivers/stream_slot.h"
#include "bench/drivers/stream_write_side.h"
#include "bench/stats/recorder.h"
#include "bench/stats/stream_arrivals.h"

namespace streambench::drivers {

// How a stream's operations are paced and measured.
enum class StreamShape {
  // bidi where each response answers a request: the response is the message (timed from its
  // request's intended send); closed loop credits one operation per response.
  kEcho,
  // bidi where the server streams on its own: closed loop credits one operation per completed
  // write.
  kIndependent,
  // client_stream: each completed write is the message; closed loop credits one operation per
  // completed write; the one response comes after the half-close (Latency::kFinalResponse).
  kUpload,
};

template <class Reactor>
class DriverStream : public SlotStream, public CallBase, public Reactor {
 public:
  void Cancel() override { this->context().TryCancel(); }

  void HalfClose() override {
    if (shape_ == StreamShape::kUpload) half_close_ns_ = dc_.clock().NowNs();
    this->StartWritesDone();
    this->RemoveHold();  // may run OnDone on another thread: touch nothing after this
  }

  void OnWriteDone(bool ok) override {
    if (ok) {
      write_.Acked(dc_);
      // Credit before WriteCompleted releases the pump token: the next write (whose completion
      // credits again, maybe on another thread) can only start after that.
      if (shape_ != StreamShape::kEcho && !dc_.open_loop()) slot_.Credit();
    }
    slot_.WriteCompleted(ok);
  }

 protected:
  // `slot_key`, `number`: the slot's key and the stream's number within the slot, mixed into the
  // size / payload keys of the stream's writes.
  DriverStream(StreamSlot& slot, StreamShape shape, uint64_t slot_key, uint64_t number)
      : CallBase(slot.dc(), slot.calls()),
        slot_(slot),
        shape_(shape),
        key_base_(SizeSampler::Mix(slot_key ^ (number << 20))),
        write_(shape == StreamShape::kUpload) {}

  // Begin's first part: arms the call, counts it started, binds the reactor to its RPC
  // (`bind_rpc`: stub->async()->Method(&context(), ..., this)) and takes the hold. The driver then
  // starts its first read, if it reads, and StartCall().
  template <class BindRpc>
  void Open(BindRpc bind_rpc) {
    this->Arm();
    dc_.registry().ForCurrentThread().AddCallStarted();
    bind_rpc();
    // Writes are started from worker threads (outside reactions); the hold keeps OnDone away
    // until HalfClose says no more writes will start.
    this->AddHold();
  }

  // OnReadDone's first step for a stream whose server answers: nullptr when the read side ended
  // (the slot half-closes the stream as soon as possible); otherwise counts the response
  // received (`bytes`: its payload) and returns the recorder.
  stats::Recorder* ResponseArrived(bool ok, size_t bytes) {
    if (!ok) {
      slot_.RequestClose();
      return nullptr;
    }
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    rec.AddReceived(1, bytes);
    return &rec;
  }

  // From OnReadDone of an echo stream, before the next StartRead: closed loop sends one more.
  // Credit before the next read: once StartRead is called, the next OnReadDone may run on another
  // thread, and the slot's queue takes one producer at a time.
  void CreditRead() {
    if (shape_ == StreamShape::kEcho && !dc_.open_loop()) slot_.Credit();
  }

  // From OnReadDone of a bidi stream, with the response's receive time: the first response is
  // timed from the stream's start (Latency::kFirstMessage). An independent stream's responses
  // are a stream the server sends on its own, so the gaps between them are recorded too
  // (StreamArrivals); an echo stream's gaps would only repeat the client's own pacing.
  void RecordArrival(stats::Recorder& rec, int64_t now_ns) {
    const bool first = shape_ == StreamShape::kIndependent ? arrivals_.Arrived(rec, now_ns)
                                                           : !std::exchange(responded_, true);
    if (first) rec.RecordLatencyNs(stats::Latency::kFirstMessage, now_ns - start_ns_);
  }

  // OnDone's first step: the stream's latency (from its start to `now_ns`) and final status, and
  // for an independent stream the messages it received. Returns the recorder for the driver's
  // own accounting.
  stats::Recorder& RecordEnd(const grpc::Status& status, int64_t now_ns) {
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    rec.RecordLatencyNs(stats::Latency::kCall, now_ns - start_ns_);
    rec.AddCallFinished(status.error_code());
    if (shape_ == StreamShape::kIndependent) arrivals_.Close(rec);
    return rec;
  }

  // Upload: the one response arrived at `now_ns` (`bytes`: its payload), timed from the
  // half-close, and from the first write's intended send (the whole upload as the client
  // scheduled it; nothing when no write started).
  void RecordFinalResponse(stats::Recorder& rec, int64_t now_ns, size_t bytes) {
    rec.RecordLatencyNs(stats::Latency::kFinalResponse, now_ns - half_close_ns_);
    if (write_.started() > 0) {
      rec.RecordLatencyNs(stats::Latency::kFirstWriteToResponse,
                          now_ns - write_.first_intended_ns());
    }
    rec.AddReceived(1, bytes);
  }

  // OnDone's last step, after everything is recorded: the slot installs the next stream, then
  // the call's reference goes.
  void Done(const grpc::Status& status) {
    slot_.StreamDone(status);
    this->Finished();
  }

  StreamSlot& slot_;
  const StreamShape shape_;
  const uint64_t key_base_;  // size / payload key of write 0; write i uses key_base_ + i
  StreamWriteSide write_;

 private:
  int64_t half_close_ns_ = 0;       // upload: when the stream half-closed (DriverContext clock)
  stats::StreamArrivals arrivals_;  // independent: the responses (reads one at a time)
  bool responded_ = false;          // echo: a response arrived
};

// A StreamSlot on `channel` whose streams are `Stream`s, each constructed as
// Stream(slot, shared, stream_number) with the slot's `shared` state.
template <class Stream, class Shared>
std::unique_ptr<Slot> MakeStreamSlot(DriverContext& dc, std::shared_ptr<grpc::Channel> channel,
                                     std::shared_ptr<Shared> shared) {
  return std::make_unique<StreamSlot>(
      dc, std::move(channel),
      [shared = std::move(shared)](StreamSlot& slot, uint64_t number) -> SlotStream* {
        return new Stream(slot, shared, number);
      });
}

}  // namespace streambench::drivers
