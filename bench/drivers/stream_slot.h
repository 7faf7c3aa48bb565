// StreamSlot: a slot that runs one stream at a time (bidi, client_stream) and replaces it when it
// ends (stream.messages / stream.duration reached, the server ended it, a write failed). Writes go
// through a WritePump: operations (open-loop intended times, or closed-loop credits) queue in the
// slot, so they survive the switch to the next stream and keep their intended time.
// When the run's finite work runs out (DriverContext::work_exhausted), the open stream half-closes
// (its answers still awaited) and no new one is installed.
// A stream that failed for lack of a connection is replaced only after the slot's reconnect
// backoff (SlotReconnect). Meanwhile open-loop operations keep queuing with their intended times
// (sent once a stream is back, their latency including the outage) until the queue is full;
// beyond that they are dropped and counted (DriverContext::dropped_ops).
// Internal to the drivers module.
// Thread-safety: as Slot; the pump token serialises everything that starts a write or half-close.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "bench/drivers/reconnecting_slot.h"
#include "bench/drivers/write_pump.h"

namespace streambench::drivers {

class StreamSlot;

// One stream of a StreamSlot. Concrete streams are also the observers of their engine calls.
class SlotStream {
 public:
  virtual ~SlotStream() = default;
  // Starts the call (token held).
  virtual void Begin() = 0;
  // Starts one write (token held; the stream calls StreamSlot::WriteCompleted from OnWriteDone).
  virtual void Write(int64_t intended_ns, int64_t now_ns) = 0;
  // Write, for a stream whose requests can run out (the run's finite work, work_supply.h): false
  // when none is left, with nothing started; the slot then half-closes the stream.
  virtual bool TryWrite(int64_t intended_ns, int64_t now_ns) {
    Write(intended_ns, now_ns);
    return true;
  }
  // Half-closes (token held; the token stays held until the next stream is installed).
  virtual void HalfClose() = 0;
  // Cancels the call; HalfClose must still follow to release the stream.
  virtual void Cancel() = 0;

 protected:
  friend class StreamSlot;
  int64_t start_ns_ = 0;         // when the stream was opened (DriverContext clock)
  uint64_t writes_started_ = 0;  // messages handed to StartWrite
};

class StreamSlot final : public ReconnectingSlot, private WritePump<StreamSlot> {
 public:
  using StreamFactory = std::function<SlotStream*(StreamSlot& slot, uint64_t stream_number)>;

  StreamSlot(DriverContext& dc, std::shared_ptr<engines::Channel> channel, StreamFactory factory);

  void Start() override { InstallStream(); }
  void Submit(int64_t intended_ns) override {
    if (dc_.work_exhausted()) {
      // Nothing is left to send: the operation is not sent, and not counted as dropped either;
      // the kick half-closes a stream that is still open.
      Kick();
      return;
    }
    if (!queue().Push(intended_ns)) {
      dc_.AddDropped();
      return;
    }
    RecordQueueDepth();
    Kick();
  }
  // Half-closes the open stream. A scenario whose streams end by client cancellation
  // (call.cancel_after) ends its open streams the same way, by cancelling them now, so a run's
  // statuses do not depend on where the stop fell in a stream's life.
  void Stop() override {
    reconnect_.CancelPending();
    if (dc_.scenario().call.cancel_after_us > 0) calls_.CancelAll();
    Kick();
  }

  // --- for streams ---
  // Closed loop: one more operation may be sent (after an echo, or a completed write). The queue
  // takes one producer at a time: call it before starting the next read (or write) whose
  // completion could call it again on another thread.
  void Credit() {
    if (queue().Push(kSendNow)) RecordQueueDepth();
    Kick();
  }
  // From OnWriteDone (ok = the write went out).
  void WriteCompleted(bool ok) {
    if (!ok) {
      close_requested_.store(true);
    } else if (current_ != nullptr) {  // token held: the write in flight holds it
      reconnect_.OnProgress(current_->start_ns_);
    }
    Release();
  }
  // The stream cannot go on (its read side ended): half-close it as soon as possible.
  void RequestClose() {
    close_requested_.store(true);
    Kick();
  }
  // From the stream's OnDone, after it recorded everything: installs the next stream unless the
  // run is stopping (after the reconnect backoff when the stream failed for lack of a
  // connection).
  void StreamDone(const grpc::Status& status);

 private:
  friend class WritePump<StreamSlot>;
  bool WorkLocked();
  // Backpressure made visible: how many operations wait behind the write in flight (the one just
  // queued included), read right after the push and before Kick() may take it.
  void RecordQueueDepth() {
    dc_.registry().ForCurrentThread().RecordSendQueueDepth(queue().Size());
  }
  bool HasWork() const {
    return !queue().Empty() || dc_.stopping() || close_requested_.load() || dc_.work_exhausted();
  }
  void InstallStream();

  StreamFactory factory_;
  SlotStream* current_ = nullptr;  // guarded by the pump token
  uint64_t stream_count_ = 0;      // guarded by the pump token
  std::atomic<bool> close_requested_{false};
};

}  // namespace streambench::drivers
