// CallBase: what every driver call or stream shares: its call on the run's engine (started with
// the scenario's deadline), the client's `cancel_after` timer, the count of active calls, and
// membership in the slot's CallList so the controller can cancel whatever is still in flight at
// the end of the drain. It is the call's engines::CallObserver: drivers override OnMessage,
// OnWriteDone and OnReadsDone as they need, and OnDone for the end (CallBase's OnClose calls it
// with the status the driver should see: a response that did not parse makes it INTERNAL).
// Lifetime: reference counted. The call holds one reference until its OnDone (Finished()); an
// armed cancel timer holds another until it fires or is cancelled. The last Unref deletes, and
// only then does the call stop counting as active: what it holds of the engine (its Call, and
// through it the engine's connection) goes before the run's drain can end and free the engine.
// Thread-safety: Unref, TryCancel and the timer are thread-safe; the rest belongs to the call's
// callbacks (engine.h: reads one at a time, writes one at a time, OnClose last).
#pragma once

#include <google/protobuf/message_lite.h>
#include <grpcpp/alarm.h>
#include <grpcpp/support/status.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "bench/drivers/driver.h"
#include "bench/engines/engine.h"

namespace streambench::drivers {

class CallList;

class CallBase : public engines::CallObserver {
 public:
  CallBase(DriverContext& dc, CallList& list);
  CallBase(const CallBase&) = delete;
  CallBase& operator=(const CallBase&) = delete;

  // Ends the call with CANCELLED (nothing once it ended). Any thread.
  void TryCancel() {
    if (call_ != nullptr) call_->Cancel();
  }

  // The engine's last callback: OnDone with the status the driver should see.
  void OnClose(const grpc::Status& status) final;
  // The call's end, after every other callback. The driver records, then calls Finished().
  virtual void OnDone(const grpc::Status& status) = 0;
  void OnMessage(std::string_view /*message*/) override {}
  void OnWriteDone(bool /*ok*/) override {}

 protected:
  virtual ~CallBase();
  // Starts the call of `path` on `channel` with the scenario's deadline and `metadata` (may be
  // null), counts it as active, arms the cancel timer and adds it to the list.
  // `single_request`: the call's one message follows at once with StartWriteLast.
  void StartRpc(engines::Channel& channel, std::string_view path,
                const engines::Metadata* metadata = nullptr, bool single_request = false);
  // One write (one in flight: the next after OnWriteDone).
  void StartWrite(const google::protobuf::MessageLite& message);
  void StartWriteBytes(std::string_view bytes) { call_->Write(bytes); }
  // Half-closes and releases the call: OnDone may run on another thread as soon as this is
  // called, so touch nothing after it.
  void StartWritesDone() { call_->WritesDone(); }
  // The call's last (or only) message with the half-close, in one step; as StartWritesDone, touch
  // nothing after it.
  void StartWriteLast(const google::protobuf::MessageLite& message);
  void StartWriteLastBytes(std::string_view bytes) { call_->WriteLast(bytes); }
  // Parses a response; one that does not parse cancels the call, which then ends INTERNAL (as a
  // gRPC stub reports it). False then, and for every response after it (they are not counted).
  bool Parse(std::string_view bytes, google::protobuf::MessageLite* message);
  // From OnDone, after recording: leaves the list, cancels the timer, drops the call's reference.
  void Finished();

  DriverContext& dc_;

 private:
  friend class CallList;
  void Unref() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    DriverContext& dc = dc_;
    delete this;
    dc.CallEnded();
  }

  CallList& list_;
  std::shared_ptr<engines::Call> call_;  // set by StartRpc, before the list and timer see it
  // Made only for a scenario with `call.cancel_after`: a grpc::Alarm costs an allocation and
  // gRPC's library-init bookkeeping, which a call that never cancels should not pay.
  std::unique_ptr<grpc::Alarm> cancel_timer_;
  std::atomic<bool> parse_failed_{false};
  std::atomic<int> refs_{1};
  CallBase* prev_ = nullptr;  // CallList links, guarded by CallList::mu_
  CallBase* next_ = nullptr;
};

// The calls of one slot that are in flight. Taking the mutex once per call start and finish (not
// per message) keeps CancelAll possible without racing call deletion.
// Thread-safety: thread-safe.
class CallList {
 public:
  void Add(CallBase* call);
  void Remove(CallBase* call);
  void CancelAll();
  size_t size() const;

 private:
  mutable std::mutex mu_;
  CallBase* head_ = nullptr;
  size_t size_ = 0;
};

// "/package.Service/Method" for a generated service's full name and a method.
std::string MethodPath(std::string_view service_full_name, std::string_view method);

}  // namespace streambench::drivers
