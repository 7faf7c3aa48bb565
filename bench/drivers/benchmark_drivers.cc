// grpc.testing.BenchmarkService drivers (gRPC's standard qps benchmark server): UnaryCall, the
// StreamingCall ping-pong, StreamingFromServer (server_stream) and StreamingFromClient
// (client_stream). SimpleRequest has no sequence numbers or timestamps, so latency comes from the
// driver's own record of intended send times (ping-pong answers in order, so a ring per stream
// suffices) and only counts are checked.
#include <grpcpp/support/client_callback.h>

#include "bench/drivers/call_slot.h"
#include "bench/drivers/op_queue.h"
#include "bench/drivers/stream_slot.h"
#include "bench/drivers/v1_drivers.h"
#include "grpc/testing/benchmark_service.grpc.pb.h"

namespace streambench::drivers {
namespace {

using grpc::testing::BenchmarkService;
using grpc::testing::SimpleRequest;
using grpc::testing::SimpleResponse;
using stats::Latency;

struct BenchShared {
  std::unique_ptr<BenchmarkService::Stub> stub;
  uint64_t slot_key = 0;
};

size_t FillSimpleRequest(const DriverContext& dc, uint64_t key, SimpleRequest* req) {
  const size_t size = static_cast<size_t>(dc.sizes().Sample(key));
  const std::string_view slice = dc.payload().Slice(key, size);
  req->set_response_size(static_cast<int32_t>(dc.scenario().behavior.response_size_bytes));
  req->mutable_payload()->set_body(slice.data(), slice.size());
  return size;
}

class BenchPingPongStream final : public SlotStream,
                                  public CallBase,
                                  public grpc::ClientBidiReactor<SimpleRequest, SimpleResponse> {
 public:
  BenchPingPongStream(StreamSlot& slot, std::shared_ptr<BenchShared> shared, uint64_t number)
      : CallBase(slot.dc(), slot.calls()),
        slot_(slot),
        shared_(std::move(shared)),
        key_base_(SizeSampler::Mix(shared_->slot_key ^ (number << 20))),
        intended_ring_(Slot::kMaxQueuedOps) {}

  void Begin() override {
    Arm();
    dc_.registry().ForCurrentThread().AddCallStarted();
    shared_->stub->async()->StreamingCall(&context(), this);
    AddHold();
    StartRead(&resp_);
    StartCall();
  }

  void Write(int64_t intended_ns, int64_t now_ns) override {
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    if (dc_.open_loop()) rec.RecordLatencyNs(Latency::kScheduleLag, now_ns - intended_ns);
    write_bytes_ = FillSimpleRequest(dc_, key_base_ + writes_, &req_);
    ++writes_;
    write_start_ns_ = now_ns;
    // The ring is as large as the slot's queue, so it cannot be fuller than the operations
    // in flight; a failed push would only lose that message's latency sample.
    intended_ring_.Push(intended_ns);
    StartWrite(&req_);
  }

  void Cancel() override { context().TryCancel(); }
  void HalfClose() override {
    StartWritesDone();
    RemoveHold();
  }

  void OnWriteDone(bool ok) override {
    if (ok) {
      stats::Recorder& rec = dc_.registry().ForCurrentThread();
      rec.AddSent(1, write_bytes_);
      rec.RecordLatencyNs(Latency::kWriteBlocked, dc_.clock().NowNs() - write_start_ns_);
      ++acked_;
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
    rec.AddReceived(1, resp_.payload().body().size());
    ++received_;
    int64_t intended;
    if (intended_ring_.Pop(&intended)) rec.RecordLatencyNs(Latency::kMessage, now - intended);
    if (received_ == 1) rec.RecordLatencyNs(Latency::kFirstMessage, now - start_ns_);
    // Credit before the next read: once StartRead is called, the next OnReadDone may run on
    // another thread, and the slot's queue takes one producer at a time.
    if (!dc_.open_loop()) slot_.Credit();
    StartRead(&resp_);
  }

  void OnDone(const grpc::Status& status) override {
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    rec.RecordLatencyNs(Latency::kCall, dc_.clock().NowNs() - start_ns_);
    rec.AddCallFinished(status.error_code());
    // Ping-pong owes one response per acknowledged request when the stream ended OK.
    if (status.ok() && received_ < acked_) {
      stats::IntegrityCounts counts;
      counts.lost = acked_ - received_;
      rec.AddIntegrity(counts);
    }
    slot_.StreamDone(status);
    Finished();
  }

 private:
  StreamSlot& slot_;
  std::shared_ptr<BenchShared> shared_;
  const uint64_t key_base_;
  OpQueue intended_ring_;  // producer: Write (pump token); consumer: OnReadDone
  SimpleRequest req_;
  SimpleResponse resp_;
  uint64_t writes_ = 0, acked_ = 0, received_ = 0;
  size_t write_bytes_ = 0;
  int64_t write_start_ns_ = 0;
};

// ---------------------------------------------------------------------------------------------
// client_stream (StreamingFromClient): the slot's pump drives the writes; the server answers once,
// after the half-close, with a response of the last request's response_size.
class BenchClientStream final : public SlotStream,
                                public CallBase,
                                public grpc::ClientWriteReactor<SimpleRequest> {
 public:
  BenchClientStream(StreamSlot& slot, std::shared_ptr<BenchShared> shared, uint64_t number)
      : CallBase(slot.dc(), slot.calls()),
        slot_(slot),
        shared_(std::move(shared)),
        key_base_(SizeSampler::Mix(shared_->slot_key ^ (number << 20))) {}

  void Begin() override {
    Arm();
    dc_.registry().ForCurrentThread().AddCallStarted();
    shared_->stub->async()->StreamingFromClient(&context(), &resp_, this);
    // Writes are started from worker threads (outside reactions); the hold keeps OnDone away
    // until HalfClose says no more writes will start.
    AddHold();
    StartCall();
  }

  void Write(int64_t intended_ns, int64_t now_ns) override {
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    if (dc_.open_loop()) rec.RecordLatencyNs(Latency::kScheduleLag, now_ns - intended_ns);
    write_bytes_ = FillSimpleRequest(dc_, key_base_ + writes_, &req_);
    ++writes_;
    write_start_ns_ = now_ns;
    write_intended_ns_ = intended_ns;
    StartWrite(&req_);
  }

  void Cancel() override { context().TryCancel(); }
  void HalfClose() override {
    half_close_ns_ = dc_.clock().NowNs();
    StartWritesDone();
    RemoveHold();  // may run OnDone on another thread: touch nothing after this
  }

  void OnWriteDone(bool ok) override {
    if (ok) {
      const int64_t now = dc_.clock().NowNs();
      stats::Recorder& rec = dc_.registry().ForCurrentThread();
      rec.AddSent(1, write_bytes_);
      rec.RecordLatencyNs(Latency::kWriteBlocked, now - write_start_ns_);
      rec.RecordLatencyNs(Latency::kMessage, now - write_intended_ns_);
      // Credit before WriteCompleted releases the pump token: the next write (whose completion
      // credits again, maybe on another thread) can only start after that.
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
      rec.AddReceived(1, resp_.payload().body().size());
    }
    slot_.StreamDone(status);
    Finished();
  }

 private:
  StreamSlot& slot_;
  std::shared_ptr<BenchShared> shared_;
  const uint64_t key_base_;
  SimpleRequest req_;
  SimpleResponse resp_;
  uint64_t writes_ = 0;
  size_t write_bytes_ = 0;
  int64_t write_start_ns_ = 0, write_intended_ns_ = 0, half_close_ns_ = 0;
};

class BenchUnaryCall final : public CallBase, public grpc::ClientUnaryReactor {
 public:
  BenchUnaryCall(CallSlot& slot, const std::shared_ptr<BenchShared>& shared, int64_t intended_ns,
                 uint64_t number)
      : CallBase(slot.dc(), slot.calls()), slot_(slot), intended_ns_(intended_ns) {
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    if (dc_.open_loop()) {
      rec.RecordLatencyNs(Latency::kScheduleLag, dc_.clock().NowNs() - intended_ns);
    }
    const size_t size = FillSimpleRequest(dc_, shared->slot_key + number, &req_);
    Arm();
    rec.AddCallStarted();
    rec.AddSent(1, size);
    shared->stub->async()->UnaryCall(&context(), &req_, &resp_, this);
    StartCall();
  }

  void OnDone(const grpc::Status& status) override {
    const int64_t now = dc_.clock().NowNs();
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    rec.RecordLatencyNs(Latency::kCall, now - intended_ns_);
    rec.AddCallFinished(status.error_code());
    if (status.ok()) {
      rec.RecordLatencyNs(Latency::kMessage, now - intended_ns_);
      rec.AddReceived(1, resp_.payload().body().size());
    }
    slot_.CallDone(status, intended_ns_);
    Finished();
  }

 private:
  CallSlot& slot_;
  const int64_t intended_ns_;
  SimpleRequest req_;
  SimpleResponse resp_;
};

// ---------------------------------------------------------------------------------------------
// server_stream (StreamingFromServer): one request, then the server streams until the client
// stops it. One call reads response_count responses and cancels: a call the client ended after
// everything it wanted arrived is a success (OK in calls_by_code and for the slot's reconnect
// logic), not the CANCELLED its status says. Every message is timed from the call's intended
// start, like the streambench.v1 server_stream driver.
class BenchServerStreamCall final : public CallBase,
                                    public grpc::ClientReadReactor<SimpleResponse> {
 public:
  BenchServerStreamCall(CallSlot& slot, const std::shared_ptr<BenchShared>& shared,
                        int64_t intended_ns, uint64_t number)
      : CallBase(slot.dc(), slot.calls()),
        slot_(slot),
        intended_ns_(intended_ns),
        wanted_(slot.dc().scenario().behavior.response_count) {
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    if (dc_.open_loop()) {
      rec.RecordLatencyNs(Latency::kScheduleLag, dc_.clock().NowNs() - intended_ns);
    }
    const size_t size = FillSimpleRequest(dc_, shared->slot_key + number, &req_);
    Arm();
    rec.AddCallStarted();
    rec.AddSent(1, size);
    shared->stub->async()->StreamingFromServer(&context(), &req_, this);
    StartRead(&resp_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows
    const int64_t now = dc_.clock().NowNs();
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    rec.AddReceived(1, resp_.payload().body().size());
    ++received_;
    if (received_ == 1) rec.RecordLatencyNs(Latency::kFirstMessage, now - intended_ns_);
    rec.RecordLatencyNs(Latency::kMessage, now - intended_ns_);
    if (received_ >= wanted_) {
      // No read is started after this, so OnDone (which reads the flag) cannot run before it.
      client_ended_ = true;
      context().TryCancel();
      return;
    }
    StartRead(&resp_);
  }

  void OnDone(const grpc::Status& status) override {
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    rec.RecordLatencyNs(Latency::kCall, dc_.clock().NowNs() - intended_ns_);
    // The cancellation that ended a complete call was ours (or the server finished at the same
    // moment): the call did what it was meant to.
    const bool done_by_us =
        client_ended_ && (status.ok() || status.error_code() == grpc::StatusCode::CANCELLED);
    const grpc::Status& effective = done_by_us ? grpc::Status::OK : status;
    rec.AddCallFinished(effective.error_code());
    slot_.CallDone(effective, intended_ns_);
    Finished();
  }

 private:
  CallSlot& slot_;
  const int64_t intended_ns_;
  const uint64_t wanted_;  // > 0 (IsSupported / MakeBenchmarkServiceSlot refuse 0)
  SimpleRequest req_;
  SimpleResponse resp_;
  uint64_t received_ = 0;  // reads complete one at a time, before OnDone
  bool client_ended_ = false;
};

}  // namespace

std::unique_ptr<Slot> MakeBenchmarkServiceSlot(DriverContext& dc,
                                               std::shared_ptr<grpc::Channel> channel, int index,
                                               std::string* error) {
  auto shared = std::make_shared<BenchShared>();
  shared->stub = BenchmarkService::NewStub(channel);
  shared->slot_key = SizeSampler::Mix(static_cast<uint64_t>(index) + 1) << 8;
  switch (dc.scenario().mode) {
    case scenario::Mode::kBidi:
      return std::make_unique<StreamSlot>(dc, [shared](StreamSlot& slot, uint64_t number) {
        return new BenchPingPongStream(slot, shared, number);
      });
    case scenario::Mode::kUnary:
      return std::make_unique<CallSlot>(
          dc, [shared](CallSlot& slot, int64_t intended_ns, uint64_t number) {
            new BenchUnaryCall(slot, shared, intended_ns, number);
          });
    case scenario::Mode::kClientStream:
      return std::make_unique<StreamSlot>(dc, [shared](StreamSlot& slot, uint64_t number) {
        return new BenchClientStream(slot, shared, number);
      });
    case scenario::Mode::kServerStream:
      if (!IsSupported(dc.scenario(), error)) return nullptr;  // response_count 0
      return std::make_unique<CallSlot>(
          dc, [shared](CallSlot& slot, int64_t intended_ns, uint64_t number) {
            new BenchServerStreamCall(slot, shared, intended_ns, number);
          });
    default:
      if (!IsSupported(dc.scenario(), error)) return nullptr;
      *error = std::string("grpc.testing.BenchmarkService: mode ") +
               scenario::ModeName(dc.scenario().mode) + " is not supported";
      return nullptr;
  }
}

}  // namespace streambench::drivers
