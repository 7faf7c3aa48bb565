#include "bench/drivers/call_base.h"

#include <chrono>

namespace streambench::drivers {

CallBase::CallBase(DriverContext& dc, CallList& list) : dc_(dc), list_(list) {}

CallBase::~CallBase() = default;

void CallBase::StartRpc(engines::Channel& channel, std::string_view path,
                        const engines::Metadata* metadata, bool single_request) {
  const scenario::CallSpec& spec = dc_.scenario().call;
  // Active before anything can end it, so the controller's drain never misses it.
  dc_.CallBegan();
  engines::CallSpec call;
  call.path = path;
  call.metadata = metadata;
  call.timeout_us = spec.deadline_us;
  call.single_request = single_request;
  // OnClose waits for StartWritesDone, which comes from this call's own thread later, so
  // everything below happens before Finished() can run.
  call_ = channel.StartCall(call, this);
  list_.Add(this);
  if (spec.cancel_after_us > 0) {
    cancel_timer_ = std::make_unique<grpc::Alarm>();
    refs_.fetch_add(1, std::memory_order_relaxed);
    // Runs on a gRPC executor thread when the time comes, or with fired=false when Finished()
    // cancels it first; either way it releases the timer's reference.
    cancel_timer_->Set(
        std::chrono::system_clock::now() + std::chrono::microseconds(spec.cancel_after_us),
        [this](bool fired) {
          if (fired) TryCancel();
          Unref();
        });
  }
}

namespace {

// The engine copies a message before Write returns, so one buffer per thread serves every call
// (its capacity reused) instead of one per call.
const std::string& Serialized(const google::protobuf::MessageLite& message) {
  thread_local std::string serialized;
  message.SerializeToString(&serialized);
  return serialized;
}

}  // namespace

void CallBase::StartWrite(const google::protobuf::MessageLite& message) {
  call_->Write(Serialized(message));
}

void CallBase::StartWriteLast(const google::protobuf::MessageLite& message) {
  call_->WriteLast(Serialized(message));
}

bool CallBase::Parse(std::string_view bytes, google::protobuf::MessageLite* message) {
  if (parse_failed_.load(std::memory_order_relaxed)) return false;
  if (message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return true;
  parse_failed_.store(true, std::memory_order_relaxed);
  TryCancel();
  return false;
}

void CallBase::OnClose(const grpc::Status& status) {
  if (parse_failed_.load(std::memory_order_relaxed)) {
    OnDone(grpc::Status(grpc::StatusCode::INTERNAL, "a response did not parse"));
    return;
  }
  OnDone(status);
}

void CallBase::Finished() {
  list_.Remove(this);
  if (cancel_timer_ != nullptr) cancel_timer_->Cancel();
  Unref();  // the last reference also ends the call's count as active
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
  for (CallBase* c = head_; c != nullptr; c = c->next_) c->TryCancel();
}

size_t CallList::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return size_;
}

std::string MethodPath(std::string_view service_full_name, std::string_view method) {
  std::string path = "/";
  path.append(service_full_name);
  path += '/';
  path.append(method);
  return path;
}

}  // namespace streambench::drivers
