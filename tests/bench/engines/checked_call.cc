#include "tests/bench/engines/checked_call.h"

#include <utility>

namespace streambench::engines::testing {

thread_local bool InsideEngineMethod::inside_ = false;

CheckedCall::~CheckedCall() {
  if (call_ == nullptr) return;
  if (!progress().writes_done_called) {
    // Only after a failed step. Callbacks may still drive the call meanwhile (a ping-pong may
    // half-close from OnReadsDone), so this half-close is the first one or none.
    Cancel();
    HalfCloseOnce(/*by_test=*/false);
  }
  WaitForClose();
}

void CheckedCall::Start(Channel& channel, const CallSpec& spec) {
  InsideEngineMethod inside;
  call_ = channel.StartCall(spec, this);
}

void CheckedCall::Write(std::string_view message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Rules of the driver's side: a broken one is the test's fault, reported the same way and
    // kept from the engine (which need not survive it).
    if (progress_.writes != progress_.write_dones) {
      ViolatedLocked("test: Write with one in flight");
      return;
    }
    if (progress_.writes_done_called) {
      ViolatedLocked("test: Write after WritesDone");
      return;
    }
    // A write started while an OnWriteDone runs (from inside it, as the drivers' write pump
    // does, or from another callback) may complete, on another engine thread, before that
    // OnWriteDone has returned: gRPC's callback API does so. The rule against overlapping
    // OnWriteDone calls cannot hold there; it still catches a write completed twice at once.
    if (in_on_write_done_.load() != 0) write_started_in_write_done_ = progress_.writes;
    // Counted before the engine sees it: OnWriteDone may run on another thread before Write
    // returns.
    ++progress_.writes;
  }
  InsideEngineMethod inside;
  call_->Write(message);
}

void CheckedCall::WriteLast(std::string_view message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (progress_.writes != progress_.write_dones) {
      ViolatedLocked("test: WriteLast with a write in flight");
      return;
    }
    if (progress_.writes_done_called) {
      ViolatedLocked("test: WriteLast after WritesDone");
      return;
    }
    // Both before the engine sees it: OnWriteDone and OnClose may run on another thread at once.
    ++progress_.writes;
    progress_.writes_done_called = true;
  }
  InsideEngineMethod inside;
  call_->WriteLast(message);
}

void CheckedCall::WritesDone() { HalfCloseOnce(/*by_test=*/true); }

void CheckedCall::HalfCloseOnce(bool by_test) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (progress_.writes_done_called) {
      if (by_test) ViolatedLocked("test: WritesDone twice");
      return;
    }
    // Before the engine sees it: OnClose may run on another thread as soon as it is called.
    progress_.writes_done_called = true;
  }
  InsideEngineMethod inside;
  call_->WritesDone();
}

void CheckedCall::Cancel() {
  InsideEngineMethod inside;
  call_->Cancel();
}

bool CheckedCall::WaitUntil(const std::function<bool(const CallProgress&)>& condition) {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_for(lock, kHungAfter, [&] { return condition(progress_); });
}

CallProgress CheckedCall::progress() const {
  std::lock_guard<std::mutex> lock(mu_);
  return progress_;
}

std::vector<std::string> CheckedCall::messages() const {
  std::lock_guard<std::mutex> lock(mu_);
  return messages_;
}

std::vector<bool> CheckedCall::write_done_results() const {
  std::lock_guard<std::mutex> lock(mu_);
  return write_done_results_;
}

size_t CheckedCall::messages_at_reads_done() const {
  std::lock_guard<std::mutex> lock(mu_);
  return messages_at_reads_done_;
}

grpc::Status CheckedCall::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

std::vector<std::string> CheckedCall::violations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return violations_;
}

void CheckedCall::CheckNotInsideMethodLocked(const char* callback) {
  if (InsideEngineMethod::now()) {
    ViolatedLocked(std::string(callback) + " ran inside a Call or Channel method");
  }
}

void CheckedCall::OnMessage(std::string_view message) {
  const bool overlapped = in_on_message_.fetch_add(1) != 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    CheckNotInsideMethodLocked("OnMessage");
    if (overlapped) ViolatedLocked("OnMessage overlapped another OnMessage");
    if (progress_.reads_done) ViolatedLocked("OnMessage after OnReadsDone");
    if (progress_.closed) ViolatedLocked("OnMessage after OnClose");
    messages_.emplace_back(message);
    ++progress_.messages;
  }
  if (after_event_) after_event_();
  {
    // Counted down and announced under the lock, so a waiter that wakes on the count sees no
    // callback still running its driver step.
    std::lock_guard<std::mutex> lock(mu_);
    in_on_message_.fetch_sub(1);
    changed_.notify_all();
  }
}

void CheckedCall::OnWriteDone(bool ok) {
  const bool overlapped = in_on_write_done_.fetch_add(1) != 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    CheckNotInsideMethodLocked("OnWriteDone");
    if (overlapped && write_started_in_write_done_ != progress_.write_dones) {
      ViolatedLocked("OnWriteDone overlapped another OnWriteDone");
    }
    if (progress_.closed) ViolatedLocked("OnWriteDone after OnClose");
    if (progress_.write_dones >= progress_.writes) ViolatedLocked("OnWriteDone without a Write");
    write_done_results_.push_back(ok);
    ++progress_.write_dones;
  }
  if (after_event_) after_event_();
  {
    std::lock_guard<std::mutex> lock(mu_);
    in_on_write_done_.fetch_sub(1);
    changed_.notify_all();
  }
}

void CheckedCall::OnReadsDone() {
  in_on_reads_done_.fetch_add(1);
  {
    std::lock_guard<std::mutex> lock(mu_);
    CheckNotInsideMethodLocked("OnReadsDone");
    if (progress_.reads_done) ViolatedLocked("OnReadsDone twice");
    if (progress_.closed) ViolatedLocked("OnReadsDone after OnClose");
    if (in_on_message_.load() != 0) ViolatedLocked("OnReadsDone while an OnMessage ran");
    progress_.reads_done = true;
    messages_at_reads_done_ = progress_.messages;
  }
  // A driver half-closes from here (the contract's reason for OnReadsDone).
  if (after_event_) after_event_();
  {
    std::lock_guard<std::mutex> lock(mu_);
    in_on_reads_done_.fetch_sub(1);
    changed_.notify_all();
  }
}

void CheckedCall::OnClose(const grpc::Status& status) {
  std::lock_guard<std::mutex> lock(mu_);
  CheckNotInsideMethodLocked("OnClose");
  if (progress_.closed) ViolatedLocked("OnClose twice");
  if (!progress_.writes_done_called) ViolatedLocked("OnClose before WritesDone (the hold)");
  if (!progress_.reads_done) ViolatedLocked("OnClose without OnReadsDone before it");
  if (in_on_message_.load() != 0) ViolatedLocked("OnClose while an OnMessage ran");
  if (in_on_write_done_.load() != 0) ViolatedLocked("OnClose while an OnWriteDone ran");
  if (in_on_reads_done_.load() != 0) ViolatedLocked("OnClose while OnReadsDone ran");
  if (progress_.write_dones != progress_.writes) {
    ViolatedLocked("OnClose after " + std::to_string(progress_.write_dones) + " OnWriteDone for " +
                   std::to_string(progress_.writes) + " Write");
  }
  status_ = status;
  progress_.closed = true;
  changed_.notify_all();
}

}  // namespace streambench::engines::testing
