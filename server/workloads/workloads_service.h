// WorkloadsService: streambench.v1.Workloads (proto/streambench/v1/workloads.proto, which is the
// spec): chunked file upload / download with SHA-256 checksums, event subscriptions fed by
// publishers through a topic hub, and chat rooms with fan-out.
//
// Callback-API reactors only: no thread per stream; heartbeats are grpc::Alarm callbacks.
// Nothing is stored per file (uploads are hashed as they stream, downloads are generated);
// subscribers and chat members each have a bounded outgoing queue (a slow reader loses the newest
// messages, counted in-stream, rather than growing server memory). A cancelled or vanished client
// leaves nothing behind: its reactor leaves the hub or room in OnDone and is then deleted.
//
// Thread-safety: thread-safe; calls share only the hubs, which have their own locks.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "server/live_calls.h"
#include "server/server_metrics.h"
#include "server/workloads/chat_rooms.h"
#include "server/workloads/topic_hub.h"
#include "streambench/v1/workloads.grpc.pb.h"

namespace streambench {

class WorkloadsService final : public v1::Workloads::CallbackService {
 public:
  // `metrics` must outlive the service.
  explicit WorkloadsService(ServerMetrics& metrics);
  // Waits (up to 10 s) for every reactor to be deleted; destroy the grpc::Server first.
  ~WorkloadsService() override;

  // Reactors alive now (calls in progress, or finished with OnDone / an alarm still to run).
  LiveCalls& live_calls() { return live_calls_; }
  // The hubs, for tests (room_count() back to 0 once everyone left, and the like).
  workloads::TopicHub& topics() { return topics_; }
  workloads::ChatRooms& rooms() { return rooms_; }

  grpc::ServerReadReactor<v1::UploadRequest>* Upload(grpc::CallbackServerContext* context,
                                                     v1::UploadResponse* response) override;
  grpc::ServerWriteReactor<v1::DownloadChunk>* Download(
      grpc::CallbackServerContext* context, const v1::DownloadRequest* request) override;
  grpc::ServerUnaryReactor* Publish(grpc::CallbackServerContext* context,
                                    const v1::PublishRequest* request,
                                    v1::PublishResponse* response) override;
  grpc::ServerReadReactor<v1::PublishRequest>* PublishStream(
      grpc::CallbackServerContext* context, v1::PublishStreamSummary* response) override;
  grpc::ServerWriteReactor<v1::SubscribeResponse>* Subscribe(
      grpc::CallbackServerContext* context, const v1::SubscribeRequest* request) override;
  grpc::ServerBidiReactor<v1::ChatClientMessage, v1::ChatServerMessage>* Chat(
      grpc::CallbackServerContext* context) override;

  static constexpr const char* kUploadMethod = "/streambench.v1.Workloads/Upload";
  static constexpr const char* kDownloadMethod = "/streambench.v1.Workloads/Download";
  static constexpr const char* kPublishMethod = "/streambench.v1.Workloads/Publish";
  static constexpr const char* kPublishStreamMethod = "/streambench.v1.Workloads/PublishStream";
  static constexpr const char* kSubscribeMethod = "/streambench.v1.Workloads/Subscribe";
  static constexpr const char* kChatMethod = "/streambench.v1.Workloads/Chat";

 private:
  ServerMetrics::Method& upload_metrics_;
  ServerMetrics::Method& download_metrics_;
  ServerMetrics::Method& publish_metrics_;
  ServerMetrics::Method& publish_stream_metrics_;
  ServerMetrics::Method& subscribe_metrics_;
  ServerMetrics::Method& chat_metrics_;
  workloads::TopicHub topics_;
  workloads::ChatRooms rooms_;
  std::atomic<uint64_t> next_upload_id_{1};
  // Subscriptions, chat members and downloads asking for integrity faults, numbered in the order
  // they ask (seeds each one's RNG).
  std::atomic<uint64_t> faulted_streams_{0};

  LiveCalls live_calls_;
};

}  // namespace streambench
