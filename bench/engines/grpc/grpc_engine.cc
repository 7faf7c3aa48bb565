#include "bench/engines/grpc/grpc_engine.h"

#include <grpcpp/alarm.h>
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/client_callback.h>
#include <grpcpp/support/stub_options.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <utility>

#include "bench/engines/grpc/grpc_channels.h"

namespace streambench::engines::grpc_engine {
namespace {

// The call whose method (StartCall, Write, WritesDone, Cancel) this thread is in, if any: a
// reaction that finds itself inside its own call's method runs later instead.
thread_local const void* tls_inside_call = nullptr;

class InsideCall {
 public:
  explicit InsideCall(const void* call) : previous_(tls_inside_call) { tls_inside_call = call; }
  ~InsideCall() { tls_inside_call = previous_; }
  InsideCall(const InsideCall&) = delete;
  InsideCall& operator=(const InsideCall&) = delete;

 private:
  const void* previous_;
};

// Runs `fn` soon on a gRPC thread (an alarm that is already due).
void RunLater(std::function<void()> fn) {
  auto* alarm = new grpc::Alarm;
  // gRPC keeps the alarm's state alive while the callback runs, so the Alarm may be deleted in
  // its own callback.
  alarm->Set(std::chrono::system_clock::now(), [alarm, fn = std::move(fn)](bool /*fired*/) {
    fn();
    delete alarm;
  });
}

class GrpcCall final : public Call,
                       public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  explicit GrpcCall(CallObserver* observer) : observer_(observer) {}

  // `self`: the engine's reference, dropped after OnClose.
  void Start(grpc::GenericStub& stub, const CallSpec& spec, std::shared_ptr<GrpcCall> self) {
    self_ = std::move(self);
    if (spec.metadata != nullptr) {
      for (const auto& [key, value] : *spec.metadata) ctx_.AddMetadata(key, value);
    }
    if (spec.timeout_us > 0) {
      ctx_.set_deadline(std::chrono::system_clock::now() +
                        std::chrono::microseconds(spec.timeout_us));
    }
    // The headers then wait for the one message and leave with it and the half-close: a unary
    // call is one batch of gRPC operations, as gRPC's own unary stubs send it.
    if (spec.single_request) ctx_.set_initial_metadata_corked(true);
    InsideCall inside(this);
    stub.PrepareBidiStreamingCall(&ctx_, std::string(spec.path), grpc::StubOptions(), this);
    // The driver's hold, released by WritesDone: OnDone waits for it.
    AddHold();
    StartRead(&read_buf_);
    StartCall();
  }

  void Write(std::string_view message) override {
    InsideCall inside(this);
    grpc::Slice slice(message.data(), message.size());
    write_buf_ = grpc::ByteBuffer(&slice, 1);
    {
      std::lock_guard<std::mutex> lock(mu_);
      write_in_flight_ = true;
    }
    StartWrite(&write_buf_);
  }

  void WriteLast(std::string_view message) override {
    InsideCall inside(this);
    grpc::Slice slice(message.data(), message.size());
    write_buf_ = grpc::ByteBuffer(&slice, 1);
    {
      std::lock_guard<std::mutex> lock(mu_);
      write_in_flight_ = true;
    }
    StartWriteLast(&write_buf_, grpc::WriteOptions());
    RemoveHold();  // OnDone may run from here on, on another thread: touch nothing after
  }

  void WritesDone() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      // gRPC allows no writes-done beside a write in flight: it follows the write's completion.
      if (write_in_flight_) {
        writes_done_pending_ = true;
        return;
      }
    }
    FinishWrites();
  }

  void Cancel() override {
    InsideCall inside(this);
    ctx_.TryCancel();
  }

  // --- gRPC reactions ---
  void OnWriteDone(bool ok) override {
    if (tls_inside_call == this) {
      AddHold();  // keeps OnDone behind the deferred reaction
      RunLater([this, ok] {
        DeliverWriteDone(ok);
        RemoveHold();
      });
      return;
    }
    DeliverWriteDone(ok);
  }

  void OnReadDone(bool ok) override {
    if (tls_inside_call == this) {
      AddHold();
      RunLater([this, ok] {
        DeliverRead(ok);
        RemoveHold();
      });
      return;
    }
    DeliverRead(ok);
  }

  void OnDone(const grpc::Status& status) override {
    if (tls_inside_call == this) {
      RunLater([this, status] { Close(status); });
      return;
    }
    Close(status);
  }

 private:
  void FinishWrites() {
    InsideCall inside(this);
    StartWritesDone();
    RemoveHold();  // OnDone may run from here on, on another thread: touch nothing after
  }

  void DeliverWriteDone(bool ok) {
    bool finish;
    {
      std::lock_guard<std::mutex> lock(mu_);
      write_in_flight_ = false;
      finish = std::exchange(writes_done_pending_, false);
    }
    observer_->OnWriteDone(ok);
    if (finish) FinishWrites();
  }

  void DeliverRead(bool ok) {
    if (!ok) {
      observer_->OnReadsDone();
      return;
    }
    grpc::Slice slice;
    if (!read_buf_.TrySingleSlice(&slice).ok()) read_buf_.DumpToSingleSlice(&slice);
    observer_->OnMessage(
        std::string_view(reinterpret_cast<const char*>(slice.begin()), slice.size()));
    read_buf_.Clear();
    StartRead(&read_buf_);
  }

  void Close(const grpc::Status& status) {
    std::shared_ptr<GrpcCall> last = std::move(self_);  // may delete this when it goes
    observer_->OnClose(status);
  }

  CallObserver* const observer_;
  std::shared_ptr<GrpcCall> self_;
  grpc::ClientContext ctx_;
  grpc::ByteBuffer read_buf_;
  grpc::ByteBuffer write_buf_;
  std::mutex mu_;
  bool write_in_flight_ = false;      // guarded by mu_
  bool writes_done_pending_ = false;  // guarded by mu_
};

class GrpcChannel final : public Channel {
 public:
  explicit GrpcChannel(std::shared_ptr<grpc::Channel> channel)
      : channel_(std::move(channel)), stub_(channel_) {}

  std::shared_ptr<Call> StartCall(const CallSpec& spec, CallObserver* observer) override {
    auto call = std::make_shared<GrpcCall>(observer);
    call->Start(stub_, spec, call);
    return call;
  }

  bool connected() const override {
    return channel_->GetState(/*try_to_connect=*/false) == GRPC_CHANNEL_READY;
  }

  bool WaitForConnected(std::chrono::system_clock::time_point deadline, std::string* why) override {
    if (channel_->WaitForConnected(deadline)) return true;
    *why = std::string("channel state ") + ChannelStateName(*channel_);
    return false;
  }

 private:
  const std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
};

class GrpcEngine final : public Engine {
 public:
  std::shared_ptr<Channel> MakeChannel(const ChannelOptions& options) override {
    return std::make_shared<GrpcChannel>(MakeGrpcChannel(options));
  }
};

}  // namespace

std::unique_ptr<Engine> MakeGrpcEngine() { return std::make_unique<GrpcEngine>(); }

}  // namespace streambench::engines::grpc_engine
