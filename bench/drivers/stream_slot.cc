#include "bench/drivers/stream_slot.h"

namespace streambench::drivers {

StreamSlot::StreamSlot(DriverContext& dc, std::shared_ptr<engines::Channel> channel,
                       StreamFactory factory)
    : ReconnectingSlot(dc, std::move(channel)),
      WritePump<StreamSlot>(Slot::kMaxQueuedOps),
      factory_(std::move(factory)) {}

void StreamSlot::InstallStream() {
  // Token held: by construction (first stream) or kept since the previous stream half-closed.
  // With nothing left to send no stream is opened, and the token stays held.
  if (dc_.work_exhausted()) return;
  close_requested_.store(false);
  if (!dc_.open_loop()) {
    // Credits of the previous stream are void; the new stream starts with `outstanding`.
    int64_t ignored;
    while (queue().Pop(&ignored)) {
    }
    for (uint32_t i = 0; i < dc_.scenario().load.outstanding; ++i) queue().Push(kSendNow);
  }
  current_ = factory_(*this, stream_count_++);
  current_->start_ns_ = dc_.clock().NowNs();
  current_->writes_started_ = 0;
  current_->Begin();
  Release();
}

void StreamSlot::StreamDone(const grpc::Status& status) {
  // Token held since the stream half-closed.
  const int64_t delay_ns = reconnect_.OnFinished(status, current_->start_ns_);
  current_ = nullptr;
  if (dc_.stopping()) return;  // the token stays held: nothing more is written on this slot
  if (delay_ns > 0) {
    // The token stays held through the wait, so queued operations wait for the new stream.
    reconnect_.After(delay_ns, [this] { InstallStream(); });
    return;
  }
  InstallStream();
}

bool StreamSlot::WorkLocked() {
  SlotStream* s = current_;
  if (s == nullptr) return true;  // between streams; keep the token (cannot happen when free)
  const int64_t now = dc_.clock().NowNs();
  const scenario::StreamSpec& spec = dc_.scenario().stream;
  const bool limit_reached =
      (spec.messages_per_stream > 0 && s->writes_started_ >= spec.messages_per_stream) ||
      (spec.stream_duration_us > 0 && now - s->start_ns_ >= spec.stream_duration_us * 1000);
  if (dc_.stopping() && dc_.scenario().call.cancel_after_us > 0 && !close_requested_.load() &&
      !limit_reached) {
    // A scenario that ends streams by cancellation ends its open streams at the stop the same
    // way: cancel before half-closing, or the server could end this one OK first.
    s->Cancel();
  }
  if (dc_.stopping() || close_requested_.load() || limit_reached || dc_.work_exhausted()) {
    s->HalfClose();
    return true;
  }
  int64_t intended;
  if (!queue().Pop(&intended)) return false;
  // Counted before the write starts: its completion may run the next WorkLocked on another
  // thread at once.
  ++s->writes_started_;
  if (!s->TryWrite(intended == kSendNow ? now : intended, now)) {
    // The run's work ran out under this stream (another slot took the last item; nothing was
    // started, the token is still ours): the operation is not sent, the stream half-closes.
    --s->writes_started_;
    s->HalfClose();
  }
  return true;
}

}  // namespace streambench::drivers
