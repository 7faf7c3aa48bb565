// BlockingGenericStream: one gRPC call of any method by its full name ("/pkg.Service/Method"),
// with raw serialized messages and every step blocking under one deadline. For the few calls
// made outside the load (server reflection, probes, tests); the load itself goes through the
// drivers' callback reactors.
// Thread-safety: one thread at a time.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/completion_queue.h>
#include <grpcpp/generic/generic_stub.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace streambench::methods {

class BlockingGenericStream {
 public:
  // Starts the call; `timeout` bounds the whole call, every step included.
  BlockingGenericStream(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                        const std::vector<std::pair<std::string, std::string>>& metadata,
                        std::chrono::milliseconds timeout);
  ~BlockingGenericStream();  // cancels a call that was not finished
  BlockingGenericStream(const BlockingGenericStream&) = delete;
  BlockingGenericStream& operator=(const BlockingGenericStream&) = delete;

  // False once the stream has ended (Finish() then says why).
  bool Write(const std::string& message);
  bool Read(std::string* message);
  // Half-closes; further writes fail.
  bool WritesDone();
  // The call's status (waits for it); the stream is done after this.
  grpc::Status Finish();

 private:
  bool Await();

  std::chrono::system_clock::time_point deadline_;
  grpc::ClientContext context_;
  grpc::CompletionQueue queue_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call_;
  grpc::Status status_;
  bool open_ = false;
  bool writes_done_ = false;
  bool finished_ = false;
};

}  // namespace streambench::methods
