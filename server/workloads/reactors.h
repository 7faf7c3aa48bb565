// Factories of the Workloads service's reactors, one file per workload, each counted in the
// service's `live_calls`. Internal to server/workloads (WorkloadsService calls them).
// Thread-safety: each returns a new reactor owned by gRPC (deleted in its OnDone).
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>

#include "server/lifecycle_reactor.h"
#include "server/live_calls.h"
#include "server/server_metrics.h"
#include "server/workloads/chat_rooms.h"
#include "server/workloads/topic_hub.h"
#include "streambench/v1/workloads.grpc.pb.h"

namespace streambench::workloads {

// Largest download chunk a client may ask for, and the default.
constexpr uint32_t kMaxChunkBytes = 4u << 20;
constexpr uint32_t kDefaultChunkBytes = 64u << 10;
// Subscriber queue bounds (SubscribeRequest.max_queued_events) and the chat member queue bound.
constexpr uint32_t kDefaultQueuedEvents = 1024;
constexpr uint32_t kMaxQueuedEvents = 65536;
constexpr size_t kMaxQueuedChatMessages = 4096;
constexpr uint32_t kDefaultHeartbeatMs = 1000;

// Every Workloads reactor has the shared lifecycle with one alarm slot (the heartbeat).
template <typename Derived, typename GrpcReactor>
using WorkloadReactor = LifecycleReactor<Derived, GrpcReactor, 1>;

grpc::ServerReadReactor<v1::UploadRequest>* NewUploadReactor(LiveCalls& live_calls,
                                                             ServerMetrics::Method& metrics,
                                                             uint64_t upload_number,
                                                             v1::UploadResponse* response);
// `faulted_streams` (here and below) numbers the streams that ask for integrity faults (seeds
// their RNG).
grpc::ServerWriteReactor<v1::DownloadChunk>* NewDownloadReactor(
    LiveCalls& live_calls, ServerMetrics::Method& metrics, std::atomic<uint64_t>& faulted_streams,
    const v1::DownloadRequest& request);
grpc::ServerReadReactor<v1::PublishRequest>* NewPublishStreamReactor(
    LiveCalls& live_calls, ServerMetrics::Method& metrics, TopicHub& hub,
    v1::PublishStreamSummary* response);
grpc::ServerWriteReactor<v1::SubscribeResponse>* NewSubscribeReactor(
    LiveCalls& live_calls, ServerMetrics::Method& metrics, TopicHub& hub,
    std::atomic<uint64_t>& faulted_streams, const v1::SubscribeRequest& request);
grpc::ServerBidiReactor<v1::ChatClientMessage, v1::ChatServerMessage>* NewChatReactor(
    LiveCalls& live_calls, ServerMetrics::Method& metrics, ChatRooms& rooms,
    std::atomic<uint64_t>& faulted_streams);

}  // namespace streambench::workloads
