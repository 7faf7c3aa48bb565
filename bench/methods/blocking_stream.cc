#include "bench/methods/blocking_stream.h"

#include <grpcpp/support/byte_buffer.h>

namespace streambench::methods {

BlockingGenericStream::BlockingGenericStream(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
    const std::vector<std::pair<std::string, std::string>>& metadata,
    std::chrono::milliseconds timeout)
    : deadline_(std::chrono::system_clock::now() + timeout) {
  context_.set_deadline(deadline_);
  for (const auto& [key, value] : metadata) context_.AddMetadata(key, value);
  grpc::GenericStub stub(channel);
  call_ = stub.PrepareCall(&context_, method, &queue_);
  call_->StartCall(this);
  open_ = Await();
}

BlockingGenericStream::~BlockingGenericStream() {
  if (!finished_) {
    context_.TryCancel();
    Finish();
  }
  queue_.Shutdown();
  void* tag;
  bool ok;
  while (queue_.Next(&tag, &ok)) {
  }
}

bool BlockingGenericStream::Await() {
  void* tag = nullptr;
  bool ok = false;
  // The call's own deadline ends every step; the extra second only guards against a queue that
  // never answers at all.
  if (queue_.AsyncNext(&tag, &ok, deadline_ + std::chrono::seconds(1)) !=
      grpc::CompletionQueue::GOT_EVENT) {
    return false;
  }
  return ok;
}

bool BlockingGenericStream::Write(const std::string& message) {
  if (!open_ || writes_done_) return false;
  grpc::Slice slice(message);
  grpc::ByteBuffer buffer(&slice, 1);
  call_->Write(buffer, this);
  return open_ = Await();
}

bool BlockingGenericStream::Read(std::string* message) {
  if (!open_) return false;
  grpc::ByteBuffer buffer;
  call_->Read(&buffer, this);
  if (!Await()) return open_ = false;
  std::vector<grpc::Slice> slices;
  buffer.Dump(&slices).IgnoreError();
  message->clear();
  for (const grpc::Slice& s : slices) {
    message->append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return true;
}

bool BlockingGenericStream::WritesDone() {
  if (!open_ || writes_done_) return false;
  writes_done_ = true;
  call_->WritesDone(this);
  return Await();
}

grpc::Status BlockingGenericStream::Finish() {
  if (finished_) return status_;
  finished_ = true;
  if (open_ && !writes_done_) WritesDone();
  call_->Finish(&status_, this);
  if (!Await()) status_ = grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "no answer");
  return status_;
}

}  // namespace streambench::methods
