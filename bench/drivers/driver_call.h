// DriverCall: the base of the calls a CallSlot starts for the streambench.v1 and
// grpc.testing.BenchmarkService drivers (unary, server_stream), and of the upload / download
// calls of the transfer driver. It owns the accounting they share,
// all timed from the call's intended start: the schedule lag and the call's start (active, counted,
// its request sent) before the RPC is bound, each streamed message of a server_stream call, the
// call's latency and final status in OnDone (and for a unary call its response, which is its
// message, exactly one as a gRPC stub requires), and the report back to the slot. Each driver
// keeps its message types, fills its request and does its own checks.
// `CallSlotType`: the slot that starts the calls, with dc(), calls(), channel() and
// CallDone(status, intended_ns) as CallSlot's.
// Internal to the drivers module. Nothing here adds an allocation per call.
// Lifetime: as CallBase (the last reference deletes it, after OnDone's Done()).
// Thread-safety: as engine.h: the constructor runs on the slot's issuing thread, messages one at a
// time, OnDone after everything.
#pragma once

#include <google/protobuf/message_lite.h>
#include <grpcpp/support/status.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "bench/drivers/call_base.h"
#include "bench/drivers/call_slot.h"
#include "bench/stats/recorder.h"
#include "bench/stats/stream_arrivals.h"

namespace streambench::drivers {

template <class CallSlotType = CallSlot>
class DriverCall : public CallBase {
 protected:
  DriverCall(CallSlotType& slot, int64_t intended_ns)
      : CallBase(slot.dc(), slot.calls()), slot_(slot), intended_ns_(intended_ns) {}

  // Open loop: records how late the call starts (`now_ns`: the DriverContext clock now).
  void RecordScheduleLag(int64_t now_ns) {
    if (dc_.open_loop()) {
      dc_.registry().ForCurrentThread().RecordLatencyNs(stats::Latency::kScheduleLag,
                                                        now_ns - intended_ns_);
    }
  }
  // The same for a driver that needs no clock reading of its own (read only in open loop).
  void RecordScheduleLag() {
    if (dc_.open_loop()) RecordScheduleLag(dc_.clock().NowNs());
  }

  // Before starting the RPC: counts it started. Returns the recorder.
  stats::Recorder& LaunchCall() {
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    rec.AddCallStarted();
    return rec;
  }
  // As LaunchCall, for a call whose one request is filled (`request_bytes`: its payload): counts
  // the request sent too.
  void Launch(size_t request_bytes) { LaunchCall().AddSent(1, request_bytes); }

  // Starts the RPC of `path` on the slot's channel (with `metadata`, may be null) and sends its
  // one `request` (or raw `request_bytes`) with the half-close. The call may end at once after
  // this, on another thread: the constructor that calls it touches nothing after.
  void StartCallWithRequest(std::string_view path, const google::protobuf::MessageLite& request,
                            const engines::Metadata* metadata = nullptr) {
    StartRpc(slot_.channel(), path, metadata, /*single_request=*/true);
    StartWriteLast(request);
  }
  void StartCallWithRequestBytes(std::string_view path, std::string_view request_bytes,
                                 const engines::Metadata* metadata = nullptr) {
    StartRpc(slot_.channel(), path, metadata, /*single_request=*/true);
    StartWriteLastBytes(request_bytes);
  }

  // From OnMessage of a unary call: counts the response (UnaryStatus holds the server to one);
  // true for the first, the one to keep.
  bool FirstUnaryResponse() { return ++unary_responses_ == 1; }
  // The same, parsing the first into `response`.
  void TakeUnaryResponse(std::string_view bytes, google::protobuf::MessageLite* response) {
    if (FirstUnaryResponse()) Parse(bytes, response);
  }
  // A unary call's status: OK with no response or several breaks the protocol and counts as
  // INTERNAL (gRPC's blocking stub says UNIMPLEMENTED; its callback API lets it pass as OK, which
  // a load test should not).
  grpc::Status UnaryStatus(const grpc::Status& status) const {
    if (!status.ok() || unary_responses_ == 1) return status;
    return grpc::Status(grpc::StatusCode::INTERNAL, unary_responses_ == 0
                                                        ? "no response to a unary call"
                                                        : "more than one response to a unary call");
  }

  // OnDone's first step: the call's latency (intended start -> now) and its final status
  // (`status_code`). Returns the recorder for the driver's own accounting.
  stats::Recorder& RecordEnd(grpc::StatusCode status_code) {
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    rec.RecordLatencyNs(stats::Latency::kCall, dc_.clock().NowNs() - intended_ns_);
    rec.AddCallFinished(status_code);
    return rec;
  }

  // OnDone's first step for a unary call, whose response is its message: as RecordEnd, and when
  // the call succeeded the message's latency (from the intended start) and its `response_bytes`.
  // `status`: UnaryStatus's.
  stats::Recorder& RecordUnaryEnd(const grpc::Status& status, size_t response_bytes) {
    const int64_t now_ns = dc_.clock().NowNs();
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    rec.RecordLatencyNs(stats::Latency::kCall, now_ns - intended_ns_);
    rec.AddCallFinished(status.error_code());
    if (status.ok()) {
      rec.RecordLatencyNs(stats::Latency::kMessage, now_ns - intended_ns_);
      rec.AddReceived(1, response_bytes);
    }
    return rec;
  }

  // From OnMessage of a call whose server streams (server_stream, download), with the message's
  // receive time: the gap since the previous message (StreamArrivals), and for the first message
  // the wait for it from the call's intended start (Latency::kFirstMessage).
  void RecordArrival(stats::Recorder& rec, int64_t now_ns) {
    if (arrivals_.Arrived(rec, now_ns)) {
      rec.RecordLatencyNs(stats::Latency::kFirstMessage, now_ns - intended_ns_);
    }
  }
  // From OnMessage of a server_stream call: one streamed message (`bytes`: its payload), timed
  // from the call's intended start, with RecordArrival. Returns the recorder for the driver's own
  // accounting.
  stats::Recorder& RecordStreamedMessage(size_t bytes) {
    const int64_t now_ns = dc_.clock().NowNs();
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    rec.AddReceived(1, bytes);
    RecordArrival(rec, now_ns);
    rec.RecordLatencyNs(stats::Latency::kMessage, now_ns - intended_ns_);
    return rec;
  }
  // Messages streamed so far (server_stream, download).
  uint64_t received() const { return arrivals_.received(); }
  // From OnDone of a call whose server streams, after its last read: messages per stream.
  void RecordStreamEnd(stats::Recorder& rec) { arrivals_.Close(rec); }

  // OnDone's last step, after everything is recorded: the slot (closed loop: issues the next
  // call), then the call's reference goes.
  void Done(const grpc::Status& status) {
    slot_.CallDone(status, intended_ns_);
    Finished();
  }

  CallSlotType& slot_;
  const int64_t intended_ns_;  // the call's intended start (DriverContext clock)

 private:
  stats::StreamArrivals arrivals_;  // messages come one at a time, before OnDone
  uint64_t unary_responses_ = 0;
};

// A CallSlot on `channel` whose calls are `Call`s, each constructed as
// Call(slot, shared, intended_ns, call_number) with the slot's `shared` state; a call owns itself
// (CallBase: deleted after its OnDone).
template <class Call, class Shared>
std::unique_ptr<Slot> MakeCallSlot(DriverContext& dc, std::shared_ptr<engines::Channel> channel,
                                   std::shared_ptr<Shared> shared) {
  return std::make_unique<CallSlot>(
      dc, std::move(channel),
      [shared = std::move(shared)](CallSlot& slot, int64_t intended_ns, uint64_t number) {
        new Call(slot, shared, intended_ns, number);
      });
}

}  // namespace streambench::drivers
