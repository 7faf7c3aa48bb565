#include "server/workloads/workloads_service.h"

#include "server/workloads/reactors.h"

namespace streambench {

WorkloadsService::WorkloadsService(ServerMetrics& metrics)
    : upload_metrics_(metrics.ForMethod(kUploadMethod)),
      download_metrics_(metrics.ForMethod(kDownloadMethod)),
      publish_metrics_(metrics.ForMethod(kPublishMethod)),
      publish_stream_metrics_(metrics.ForMethod(kPublishStreamMethod)),
      subscribe_metrics_(metrics.ForMethod(kSubscribeMethod)),
      chat_metrics_(metrics.ForMethod(kChatMethod)) {}

WorkloadsService::~WorkloadsService() { live_calls_.WaitUntilIdle(std::chrono::seconds(10)); }

grpc::ServerReadReactor<v1::UploadRequest>* WorkloadsService::Upload(grpc::CallbackServerContext*,
                                                                     v1::UploadResponse* response) {
  return workloads::NewUploadReactor(live_calls_, upload_metrics_, next_upload_id_.fetch_add(1),
                                     response);
}

grpc::ServerWriteReactor<v1::DownloadChunk>* WorkloadsService::Download(
    grpc::CallbackServerContext*, const v1::DownloadRequest* request) {
  return workloads::NewDownloadReactor(live_calls_, download_metrics_, faulted_streams_, *request);
}

grpc::ServerUnaryReactor* WorkloadsService::Publish(grpc::CallbackServerContext* context,
                                                    const v1::PublishRequest* request,
                                                    v1::PublishResponse* response) {
  publish_metrics_.CallStarted();
  publish_metrics_.MessageReceived(request->event().payload().size());
  uint64_t seq = 0;
  uint32_t subscribers = 0;
  const grpc::Status status = topics_.Publish(request->event(), &seq, &subscribers);
  if (status.ok()) {
    // A unary publisher's call is a stream of one event.
    topics_.PublisherFinished(request->event().topic(), request->event().publisher_id());
    response->set_topic_seq(seq);
    response->set_subscribers(subscribers);
    publish_metrics_.MessageSent(0);
  }
  publish_metrics_.CallFinished(status.error_code());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

grpc::ServerReadReactor<v1::PublishRequest>* WorkloadsService::PublishStream(
    grpc::CallbackServerContext*, v1::PublishStreamSummary* response) {
  return workloads::NewPublishStreamReactor(live_calls_, publish_stream_metrics_, topics_,
                                            response);
}

grpc::ServerWriteReactor<v1::SubscribeResponse>* WorkloadsService::Subscribe(
    grpc::CallbackServerContext*, const v1::SubscribeRequest* request) {
  return workloads::NewSubscribeReactor(live_calls_, subscribe_metrics_, topics_, faulted_streams_,
                                        *request);
}

grpc::ServerBidiReactor<v1::ChatClientMessage, v1::ChatServerMessage>* WorkloadsService::Chat(
    grpc::CallbackServerContext*) {
  return workloads::NewChatReactor(live_calls_, chat_metrics_, rooms_, faulted_streams_);
}

}  // namespace streambench
