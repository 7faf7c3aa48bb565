// grpc.testing.BenchmarkService drivers (gRPC's standard qps benchmark server): UnaryCall, the
// StreamingCall ping-pong, StreamingFromServer (server_stream) and StreamingFromClient
// (client_stream). SimpleRequest has no sequence numbers or timestamps, so latency comes from the
// driver's own record of intended send times (ping-pong answers in order, so a ring per stream
// suffices) and only counts are checked.
#include <memory>
#include <string>
#include <utility>

#include "bench/drivers/driver_call.h"
#include "bench/drivers/driver_stream.h"
#include "bench/drivers/op_queue.h"
#include "bench/drivers/run_driver.h"
#include "bench/drivers/scratch_message.h"
#include "grpc/testing/benchmark_service.grpc.pb.h"

namespace streambench::drivers {
namespace {

using grpc::testing::BenchmarkService;
using grpc::testing::SimpleRequest;
using grpc::testing::SimpleResponse;
using stats::Latency;

// The service's methods, as paths.
const std::string kUnaryCallPath = MethodPath(BenchmarkService::service_full_name(), "UnaryCall");
const std::string kStreamingCallPath =
    MethodPath(BenchmarkService::service_full_name(), "StreamingCall");
const std::string kStreamingFromClientPath =
    MethodPath(BenchmarkService::service_full_name(), "StreamingFromClient");
const std::string kStreamingFromServerPath =
    MethodPath(BenchmarkService::service_full_name(), "StreamingFromServer");

struct BenchShared {
  uint64_t slot_key = 0;
};

size_t FillSimpleRequest(const DriverContext& dc, uint64_t key, SimpleRequest* req) {
  const size_t size = static_cast<size_t>(dc.sizes().Sample(key));
  const std::string_view slice = dc.payload().Slice(key, size);
  req->set_response_size(static_cast<int32_t>(dc.scenario().behavior.response_size_bytes));
  req->mutable_payload()->set_body(slice.data(), slice.size());
  return size;
}

// bidi (StreamingCall): ping-pong, one response per request, in order.
class BenchPingPongStream final : public DriverStream {
 public:
  BenchPingPongStream(StreamSlot& slot, const std::shared_ptr<BenchShared>& shared, uint64_t number)
      : DriverStream(slot, StreamShape::kEcho, shared->slot_key, number),
        intended_ring_(Slot::kMaxQueuedOps) {}

  void Begin() override { Open(kStreamingCallPath); }

  void Write(int64_t intended_ns, int64_t now_ns) override {
    ScratchMessage<SimpleRequest> req;
    const size_t bytes = FillSimpleRequest(dc_, key_base_ + write_.started(), req.get());
    write_.Started(dc_, intended_ns, now_ns, bytes);
    // The ring is as large as the slot's queue, so it cannot be fuller than the operations
    // in flight; a failed push would only lose that message's latency sample.
    intended_ring_.Push(intended_ns);
    StartWrite(*req);
  }

  void OnMessage(std::string_view message) override {
    const int64_t now = dc_.clock().NowNs();
    ScratchMessage<SimpleResponse> resp;
    if (!Parse(message, resp.get())) return;
    stats::Recorder& rec = ResponseArrived(resp->payload().body().size());
    ++received_;
    int64_t intended;
    if (intended_ring_.Pop(&intended)) rec.RecordLatencyNs(Latency::kMessage, now - intended);
    if (received_ == 1) rec.RecordLatencyNs(Latency::kFirstMessage, now - start_ns_);
    CreditRead();  // closed loop: one more request
  }

  void OnDone(const grpc::Status& status) override {
    stats::Recorder& rec = RecordEnd(status, dc_.clock().NowNs());
    // Ping-pong owes one response per acknowledged request when the stream ended OK.
    if (status.ok() && received_ < write_.acked()) {
      stats::IntegrityCounts counts;
      counts.lost = write_.acked() - received_;
      rec.AddIntegrity(counts);
    }
    Done(status);
  }

 private:
  OpQueue intended_ring_;  // producer: Write (pump token); consumer: OnMessage
  uint64_t received_ = 0;
};

// ---------------------------------------------------------------------------------------------
// client_stream (StreamingFromClient): the slot's pump drives the writes; the server answers once,
// after the half-close, with a response of the last request's response_size.
class BenchClientStream final : public DriverStream {
 public:
  BenchClientStream(StreamSlot& slot, const std::shared_ptr<BenchShared>& shared, uint64_t number)
      : DriverStream(slot, StreamShape::kUpload, shared->slot_key, number) {}

  void Begin() override { Open(kStreamingFromClientPath); }

  void Write(int64_t intended_ns, int64_t now_ns) override {
    ScratchMessage<SimpleRequest> req;
    const size_t bytes = FillSimpleRequest(dc_, key_base_ + write_.started(), req.get());
    write_.Started(dc_, intended_ns, now_ns, bytes);
    StartWrite(*req);
  }

  // The one response, after the half-close.
  void OnMessage(std::string_view message) override {
    if (!FirstFinalResponse()) return;
    ScratchMessage<SimpleResponse> resp;
    if (Parse(message, resp.get())) response_bytes_ = resp->payload().body().size();
  }

  void OnDone(const grpc::Status& server_status) override {
    const grpc::Status status = UploadStatus(server_status);
    const int64_t now = dc_.clock().NowNs();
    stats::Recorder& rec = RecordEnd(status, now);
    if (status.ok()) RecordFinalResponse(rec, now, response_bytes_);
    Done(status);
  }

 private:
  size_t response_bytes_ = 0;  // the response's payload
};

// unary (UnaryCall): the call is the message.
class BenchUnaryCall final : public DriverCall<> {
 public:
  BenchUnaryCall(CallSlot& slot, const std::shared_ptr<BenchShared>& shared, int64_t intended_ns,
                 uint64_t number)
      : DriverCall(slot, intended_ns) {
    RecordScheduleLag();
    ScratchMessage<SimpleRequest> req;
    Launch(FillSimpleRequest(dc_, shared->slot_key + number, req.get()));
    StartCallWithRequest(kUnaryCallPath, *req);
  }

  void OnMessage(std::string_view message) override {
    if (!FirstUnaryResponse()) return;
    ScratchMessage<SimpleResponse> resp;
    if (Parse(message, resp.get())) response_bytes_ = resp->payload().body().size();
  }

  void OnDone(const grpc::Status& call_status) override {
    const grpc::Status status = UnaryStatus(call_status);
    RecordUnaryEnd(status, response_bytes_);
    Done(status);
  }

 private:
  size_t response_bytes_ = 0;  // the response's payload
};

// ---------------------------------------------------------------------------------------------
// server_stream (StreamingFromServer): one request, then the server streams until the client
// stops it. One call reads response_count responses and cancels: a call the client ended after
// everything it wanted arrived is a success (OK in calls_by_code and for the slot's reconnect
// logic), not the CANCELLED its status says. Every message is timed from the call's intended
// start, like the streambench.v1 server_stream driver.
// Each call also costs what the server writes before the cancel reaches it: on loopback 400-1400
// responses per call whatever response_count is, and more on a loaded machine, where the cancel
// lands later. At high call rates that run-ahead, not the schedule, is what saturates the
// machine (a server with a response cap, like the reference server's max_response_count, has
// none).
class BenchServerStreamCall final : public DriverCall<> {
 public:
  BenchServerStreamCall(CallSlot& slot, const std::shared_ptr<BenchShared>& shared,
                        int64_t intended_ns, uint64_t number)
      : DriverCall(slot, intended_ns), wanted_(slot.dc().scenario().behavior.response_count) {
    RecordScheduleLag();
    ScratchMessage<SimpleRequest> req;
    Launch(FillSimpleRequest(dc_, shared->slot_key + number, req.get()));
    StartCallWithRequest(kStreamingFromServerPath, *req);
  }

  void OnMessage(std::string_view message) override {
    if (client_ended_) return;  // what the server sent before our cancel reached it
    ScratchMessage<SimpleResponse> resp;
    if (!Parse(message, resp.get())) return;
    RecordStreamedMessage(resp->payload().body().size());
    if (received() >= wanted_) {
      // OnDone (which reads the flag) comes after this callback returned.
      client_ended_ = true;
      TryCancel();
    }
  }

  void OnDone(const grpc::Status& status) override {
    // The cancellation that ended a complete call was ours (or the server finished at the same
    // moment): the call did what it was meant to.
    const bool done_by_us =
        client_ended_ && (status.ok() || status.error_code() == grpc::StatusCode::CANCELLED);
    const grpc::Status& effective = done_by_us ? grpc::Status::OK : status;
    RecordStreamEnd(RecordEnd(effective.error_code()));
    Done(effective);
  }

 private:
  const uint64_t wanted_;  // > 0 (CheckBenchmarkServerStream refuses 0)
  bool client_ended_ = false;
};

// The run's driver: each slot gets its own key; there is no per-run state.
using BenchSlotMaker = std::unique_ptr<Slot> (*)(DriverContext& dc,
                                                 std::shared_ptr<engines::Channel> channel,
                                                 std::shared_ptr<BenchShared> shared);
std::unique_ptr<RunDriver> MakeBenchDriver(DriverContext& dc, BenchSlotMaker make_slot) {
  return RunDriverFrom([&dc, make_slot](int index, std::shared_ptr<engines::Channel> channel,
                                        std::string* /*error*/) {
    auto shared = std::make_shared<BenchShared>();
    shared->slot_key = SizeSampler::SlotKey(index);
    return make_slot(dc, std::move(channel), std::move(shared));
  });
}

}  // namespace

bool CheckBenchmarkServerStream(const scenario::Scenario& scenario, std::string* error) {
  // StreamingFromServer streams until the client stops it: the client needs a count to stop at,
  // or a call would run until its deadline or the server's own cap.
  if (scenario.behavior.response_count > 0) return true;
  *error =
      "grpc.testing.BenchmarkService: server_stream needs server_behavior.response_count > 0 "
      "(each call reads that many responses, then cancels the stream)";
  return false;
}

std::unique_ptr<RunDriver> MakeBenchmarkUnaryDriver(DriverContext& dc, std::string* /*error*/) {
  return MakeBenchDriver(dc, MakeCallSlot<BenchUnaryCall, BenchShared>);
}
std::unique_ptr<RunDriver> MakeBenchmarkServerStreamDriver(DriverContext& dc,
                                                           std::string* /*error*/) {
  return MakeBenchDriver(dc, MakeCallSlot<BenchServerStreamCall, BenchShared>);
}
std::unique_ptr<RunDriver> MakeBenchmarkClientStreamDriver(DriverContext& dc,
                                                           std::string* /*error*/) {
  return MakeBenchDriver(dc, MakeStreamSlot<BenchClientStream, BenchShared>);
}
std::unique_ptr<RunDriver> MakeBenchmarkBidiDriver(DriverContext& dc, std::string* /*error*/) {
  return MakeBenchDriver(dc, MakeStreamSlot<BenchPingPongStream, BenchShared>);
}

}  // namespace streambench::drivers
