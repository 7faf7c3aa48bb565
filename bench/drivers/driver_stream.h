// DriverStream: the base of the streams a StreamSlot runs (bidi, client_stream) for every driver
// that runs one stream per slot. It owns what those streams share: Begin's accounting, Cancel,
// HalfClose, OnWriteDone (the write side's accounting through StreamWriteSide, the closed-loop
// credit, the pump token handed back), OnReadsDone (the slot closes the stream), the closed-loop
// credit after a response, and the start of OnDone's accounting. Each driver keeps its message
// types, its Write (filling the request), its OnMessage and the rest of its OnDone.
// Internal to the drivers module. Nothing here adds an allocation per message.
// Lifetime: as CallBase (the last reference deletes it, after OnDone's Done()).
// Thread-safety: as SlotStream and engine.h: Begin/Write/HalfClose run under the slot's pump
// token, OnWriteDone before it is released, messages one at a time, OnDone after everything.
#pragma once

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

class DriverStream : public SlotStream, public CallBase {
 public:
  void Cancel() override { TryCancel(); }

  void HalfClose() override {
    if (shape_ == StreamShape::kUpload) half_close_ns_ = dc_.clock().NowNs();
    StartWritesDone();  // may run OnDone on another thread: touch nothing after this
  }

  // The server's side ended: the slot half-closes the stream as soon as possible (an upload's
  // server ends after the half-close, and then this does nothing more).
  void OnReadsDone() override { slot_.RequestClose(); }

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

  // Begin: counts the call started and starts it (`path`, `metadata`: see CallBase::StartRpc).
  // The engine keeps the call open until HalfClose, whatever the server does meanwhile.
  void Open(std::string_view path, const engines::Metadata* metadata = nullptr) {
    dc_.registry().ForCurrentThread().AddCallStarted();
    StartRpc(slot_.channel(), path, metadata);
  }

  // OnMessage's first step for a stream whose server answers: counts the response received
  // (`bytes`: its payload) and returns the recorder.
  stats::Recorder& ResponseArrived(size_t bytes) {
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    rec.AddReceived(1, bytes);
    return rec;
  }

  // From OnMessage of an echo stream: closed loop sends one more. Messages come one at a time,
  // so the slot's queue has one producer on the read side.
  void CreditRead() {
    if (shape_ == StreamShape::kEcho && !dc_.open_loop()) slot_.Credit();
  }

  // From OnMessage of a bidi stream, with the response's receive time: the first response is
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

  // Upload: from OnMessage, counts the one response (UploadStatus holds the server to one); true
  // for the first, the one to keep.
  bool FirstFinalResponse() { return ++final_responses_ == 1; }
  // An upload's status: OK with no response or several breaks the protocol and counts as
  // INTERNAL (as a unary call's, DriverCall::UnaryStatus).
  grpc::Status UploadStatus(const grpc::Status& status) const {
    if (!status.ok() || final_responses_ == 1) return status;
    return grpc::Status(grpc::StatusCode::INTERNAL,
                        final_responses_ == 0 ? "no response to a client stream"
                                              : "more than one response to a client stream");
  }

  // OnDone's last step, after everything is recorded: the slot installs the next stream, then
  // the call's reference goes.
  void Done(const grpc::Status& status) {
    slot_.StreamDone(status);
    Finished();
  }

  StreamSlot& slot_;
  const StreamShape shape_;
  const uint64_t key_base_;  // size / payload key of write 0; write i uses key_base_ + i
  StreamWriteSide write_;

 private:
  int64_t half_close_ns_ = 0;       // upload: when the stream half-closed (DriverContext clock)
  stats::StreamArrivals arrivals_;  // independent: the responses (one at a time)
  bool responded_ = false;          // echo: a response arrived
  uint64_t final_responses_ = 0;    // upload: responses (one is due)
};

// A StreamSlot on `channel` whose streams are `Stream`s, each constructed as
// Stream(slot, shared, stream_number) with the slot's `shared` state.
template <class Stream, class Shared>
std::unique_ptr<Slot> MakeStreamSlot(DriverContext& dc, std::shared_ptr<engines::Channel> channel,
                                     std::shared_ptr<Shared> shared) {
  return std::make_unique<StreamSlot>(
      dc, std::move(channel),
      [shared = std::move(shared)](StreamSlot& slot, uint64_t number) -> SlotStream* {
        return new Stream(slot, shared, number);
      });
}

}  // namespace streambench::drivers
