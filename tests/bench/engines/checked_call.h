// CheckedCall: one engine call seen from the driver's side, which records every event and checks,
// as each callback runs, the rules of bench/engines/engine.h's contract: no callback inside a
// Call or Channel method; OnMessage calls never overlapping each other, nor OnWriteDone calls
// (but for a write started while one ran, see Write); no OnMessage after OnReadsDone; OnReadsDone
// before OnClose; OnClose once, last, after WritesDone (the driver's hold) and after every other
// callback has returned; one OnWriteDone per Write.
// A broken rule becomes a line in violations(), which each test expects to be empty; the tests
// wait on the recorded events (a condition variable, bounded by kHungAfter only so that a hung
// engine fails instead of hanging the suite).
// Thread-safety: callbacks may come from any engine thread; Write and WritesDone from one thread
// at a time (the contract's rule for drivers), Cancel and the accessors from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "bench/engines/engine.h"

namespace streambench::engines::testing {

// Only a hung engine makes a test wait this long for an event.
inline constexpr std::chrono::seconds kHungAfter{30};

// Marks the current thread as inside an engine method for the scope's life, so a callback that an
// engine runs inline (on the caller's thread, before the method returns) is caught.
class InsideEngineMethod {
 public:
  InsideEngineMethod() : was_inside_(inside_) { inside_ = true; }
  ~InsideEngineMethod() { inside_ = was_inside_; }
  InsideEngineMethod(const InsideEngineMethod&) = delete;
  InsideEngineMethod& operator=(const InsideEngineMethod&) = delete;
  static bool now() { return inside_; }

 private:
  static thread_local bool inside_;
  const bool was_inside_;  // a callback may call a method: restore, not clear
};

// The counts a driver decides its next step by, read together.
struct CallProgress {
  size_t messages = 0;     // OnMessage calls so far
  size_t writes = 0;       // Write calls so far
  size_t write_dones = 0;  // OnWriteDone calls so far
  bool reads_done = false;
  bool writes_done_called = false;
  bool closed = false;
};

class CheckedCall final : public CallObserver {
 public:
  CheckedCall() = default;
  // Releases the driver's hold (Cancel and WritesDone) if the test has not, and waits for OnClose,
  // so the engine never calls an observer that is gone even when a test stops half-way.
  ~CheckedCall();
  CheckedCall(const CheckedCall&) = delete;
  CheckedCall& operator=(const CheckedCall&) = delete;

  // Runs after each OnMessage, OnWriteDone and OnReadsDone has been recorded, on the callback's
  // thread (a driver's next step: a ping-pong's next Write, the half-close). Set before Start.
  void set_after_event(std::function<void()> after_event) { after_event_ = std::move(after_event); }

  // The driver's side of the call, each inside InsideEngineMethod.
  void Start(Channel& channel, const CallSpec& spec);
  void Write(std::string_view message);
  void WriteLast(std::string_view message);
  void WritesDone();
  void Cancel();

  // The engine's Call, for a test that keeps it past this object (a late Cancel).
  std::shared_ptr<Call> call() const { return call_; }

  // Wait until the recorded events satisfy `condition` (given the progress, under the lock);
  // false after kHungAfter.
  bool WaitUntil(const std::function<bool(const CallProgress&)>& condition);
  bool WaitForMessages(size_t count) {
    return WaitUntil([count](const CallProgress& p) { return p.messages >= count; });
  }
  bool WaitForWriteDones(size_t count) {
    return WaitUntil([count](const CallProgress& p) { return p.write_dones >= count; });
  }
  bool WaitForReadsDone() {
    return WaitUntil([](const CallProgress& p) { return p.reads_done; });
  }
  bool WaitForClose() {
    return WaitUntil([](const CallProgress& p) { return p.closed; });
  }

  CallProgress progress() const;
  std::vector<std::string> messages() const;
  std::vector<bool> write_done_results() const;  // each OnWriteDone's ok, in order
  size_t messages_at_reads_done() const;         // OnMessage calls before OnReadsDone
  grpc::Status status() const;                   // OnClose's; meaningful once closed
  std::vector<std::string> violations() const;   // the contract's rules this call saw broken

  // CallObserver.
  void OnMessage(std::string_view message) override;
  void OnWriteDone(bool ok) override;
  void OnReadsDone() override;
  void OnClose(const grpc::Status& status) override;

 private:
  void ViolatedLocked(std::string what) { violations_.push_back(std::move(what)); }
  // WritesDone unless it was called already (a second one from the test is a violation).
  void HalfCloseOnce(bool by_test);
  void CheckNotInsideMethodLocked(const char* callback);

  std::shared_ptr<Call> call_;
  std::function<void()> after_event_;

  // Callbacks in progress: the contract forbids overlap within each kind, and OnClose must find
  // them all at zero.
  std::atomic<int> in_on_message_{0};
  std::atomic<int> in_on_write_done_{0};
  std::atomic<int> in_on_reads_done_{0};

  mutable std::mutex mu_;
  std::condition_variable changed_;
  CallProgress progress_;                 // guarded by mu_
  std::vector<std::string> messages_;     // guarded by mu_
  std::vector<bool> write_done_results_;  // guarded by mu_
  size_t messages_at_reads_done_ = 0;     // guarded by mu_
  // The index of the last Write started while an OnWriteDone ran (SIZE_MAX: none).
  size_t write_started_in_write_done_ = SIZE_MAX;  // guarded by mu_
  grpc::Status status_;                            // guarded by mu_
  std::vector<std::string> violations_;            // guarded by mu_
};

}  // namespace streambench::engines::testing
