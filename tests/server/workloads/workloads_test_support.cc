#include "tests/server/workloads/workloads_test_support.h"

#include <gtest/gtest.h>

#include "server/workloads/workloads_service.h"

namespace streambench::testing {

void WorkloadsServiceTest::TearDown() {
  EXPECT_TRUE(WaitFor([&] {
    WorkloadsService& service = server_->workloads_service();
    return service.live_calls().count() == 0 && service.rooms().room_count() == 0 &&
           service.topics().subscriber_count() == 0;
  }));
}

v1::UploadRequest MetadataMessage(uint64_t size_bytes, const std::string& sha256) {
  v1::UploadRequest request;
  v1::FileMetadata* m = request.mutable_metadata();
  m->set_file_name("test.bin");
  m->set_total_size_bytes(size_bytes);
  m->set_content_type("application/octet-stream");
  m->set_sha256(sha256);
  return request;
}

v1::UploadRequest ChunkMessage(std::string bytes) {
  v1::UploadRequest request;
  request.set_chunk(std::move(bytes));
  return request;
}

v1::ChatClientMessage JoinMessage(const std::string& room, const std::string& member) {
  v1::ChatClientMessage m;
  m.mutable_join()->set_room(room);
  m.mutable_join()->set_member(member);
  return m;
}

v1::ChatClientMessage TextMessage(uint64_t seq, const std::string& text) {
  v1::ChatClientMessage m;
  m.mutable_text()->set_text(text);
  m.set_seq(seq);
  return m;
}

}  // namespace streambench::testing
