#include "bench/drivers/call_base.h"

#include <chrono>

namespace streambench::drivers {

CallBase::CallBase(DriverContext& dc, CallList& list) : dc_(dc), list_(list) {}

CallBase::~CallBase() = default;

void CallBase::Arm() {
  const scenario::CallSpec& call = dc_.scenario().call;
  const auto now = std::chrono::system_clock::now();
  if (call.deadline_us > 0) ctx_.set_deadline(now + std::chrono::microseconds(call.deadline_us));
  dc_.CallBegan();
  list_.Add(this);
  if (call.cancel_after_us > 0) {
    timer_armed_ = true;
    refs_.fetch_add(1, std::memory_order_relaxed);
    // Runs on a gRPC executor thread when the time comes, or with fired=false when Finished()
    // cancels it first; either way it releases the timer's reference.
    cancel_timer_.Set(now + std::chrono::microseconds(call.cancel_after_us), [this](bool fired) {
      if (fired) ctx_.TryCancel();
      Unref();
    });
  }
}

void CallBase::Finished() {
  list_.Remove(this);
  if (timer_armed_) cancel_timer_.Cancel();
  dc_.CallEnded();
  Unref();
}

void CallList::Add(CallBase* call) {
  std::lock_guard<std::mutex> lock(mu_);
  call->prev_ = nullptr;
  call->next_ = head_;
  if (head_ != nullptr) head_->prev_ = call;
  head_ = call;
  ++size_;
}

void CallList::Remove(CallBase* call) {
  std::lock_guard<std::mutex> lock(mu_);
  if (call->prev_ != nullptr) {
    call->prev_->next_ = call->next_;
  } else if (head_ == call) {
    head_ = call->next_;
  } else {
    return;  // not in the list
  }
  if (call->next_ != nullptr) call->next_->prev_ = call->prev_;
  call->prev_ = call->next_ = nullptr;
  --size_;
}

void CallList::CancelAll() {
  std::lock_guard<std::mutex> lock(mu_);
  for (CallBase* c = head_; c != nullptr; c = c->next_) c->ctx_.TryCancel();
}

size_t CallList::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return size_;
}

}  // namespace streambench::drivers
