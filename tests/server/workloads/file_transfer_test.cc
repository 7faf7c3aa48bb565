// Upload and Download over a real loopback server: success, every error path, checksum
// verification on both sides, and cleanup after a cancelled download.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "common/file_content.h"
#include "common/sha256.h"
#include "server/workloads/workloads_service.h"
#include "tests/server/server_test_support.h"
#include "tests/server/workloads/workloads_test_support.h"

namespace streambench {
namespace {

using testing::ChunkMessage;
using testing::MetadataMessage;
using testing::MetricValue;
using workloads::FileContent;
using workloads::FileSha256;
using workloads::Sha256;

double Calls(ReferenceServer& server, const char* method, const char* code) {
  const double v =
      MetricValue(server.metrics(), "streambench_server_calls_total", method, "code", code);
  return v == v ? v : 0;  // NaN (no sample yet) counts as 0
}

class FileTransferTest : public testing::WorkloadsServiceTest {
 protected:
  // Uploads `content` declared as `declared_size` with `sha256`, in `chunk` byte pieces.
  grpc::Status Upload(const std::string& content, uint64_t declared_size, const std::string& sha,
                      v1::UploadResponse* response, size_t chunk = 64 * 1024) {
    grpc::ClientContext context;
    auto writer = stub_->Upload(&context, response);
    if (writer->Write(MetadataMessage(declared_size, sha))) {
      for (size_t off = 0; off < content.size(); off += chunk) {
        if (!writer->Write(ChunkMessage(content.substr(off, chunk)))) break;
      }
      writer->WritesDone();
    }
    return writer->Finish();
  }
};

TEST_F(FileTransferTest, UploadHashesTheContentAndAnswersAReceipt) {
  const std::string content = FileContent(5, 0, 1'000'000);
  v1::UploadResponse response;
  const grpc::Status status = Upload(content, content.size(), Sha256::Of(content), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.bytes_received(), content.size());
  EXPECT_TRUE(response.checksum_matched());
  EXPECT_EQ(response.sha256(), Sha256::Of(content));
  EXPECT_EQ(response.file_id().rfind("upload:", 0), 0u);
}

TEST_F(FileTransferTest, ChecksumMismatchIsDataLoss) {
  std::string content = FileContent(5, 0, 200'000);
  const std::string sha = Sha256::Of(content);
  content[123'456] ^= 1;  // the bytes on the wire differ from what the metadata promises
  v1::UploadResponse response;
  EXPECT_EQ(Upload(content, content.size(), sha, &response).error_code(),
            grpc::StatusCode::DATA_LOSS);
}

TEST_F(FileTransferTest, ChunkBeforeMetadataIsInvalid) {
  grpc::ClientContext context;
  v1::UploadResponse response;
  auto writer = stub_->Upload(&context, &response);
  writer->Write(ChunkMessage("abc"));
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("before the metadata"), std::string::npos);
}

TEST_F(FileTransferTest, SecondMetadataIsInvalid) {
  const std::string sha = Sha256::Of("abc");
  grpc::ClientContext context;
  v1::UploadResponse response;
  auto writer = stub_->Upload(&context, &response);
  writer->Write(MetadataMessage(3, sha));
  writer->Write(MetadataMessage(3, sha));
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("second metadata"), std::string::npos);
}

TEST_F(FileTransferTest, FewerBytesThanDeclaredIsInvalid) {
  const std::string content = FileContent(1, 0, 1000);
  v1::UploadResponse response;
  EXPECT_EQ(Upload(content, 2000, Sha256::Of(content), &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// The overflowing chunk ends the call at once: the server has answered INVALID_ARGUMENT while
// the client has not half-closed, and later writes fail.
TEST_F(FileTransferTest, MoreBytesThanDeclaredFailsAsSoonAsItHappens) {
  grpc::ClientContext context;
  v1::UploadResponse response;
  auto writer = stub_->Upload(&context, &response);
  ASSERT_TRUE(writer->Write(MetadataMessage(100, Sha256::Of(std::string(100, 'x')))));
  ASSERT_TRUE(writer->Write(ChunkMessage(std::string(60, 'x'))));
  writer->Write(ChunkMessage(std::string(60, 'x')));  // 120 > 100
  EXPECT_TRUE(testing::WaitFor(
      [&] { return Calls(*server_, WorkloadsService::kUploadMethod, "INVALID_ARGUMENT") == 1; }));
  // Small writes fit in the HTTP/2 window, so they keep succeeding until the client's transport
  // has taken in the server's status: pace them (bounded: at most 500 x 10 ms).
  bool write_failed = false;
  for (int i = 0; i < 500 && !write_failed; ++i) {
    write_failed = !writer->Write(ChunkMessage(std::string(10, 'x')));
    if (!write_failed) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(write_failed);
  const grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("more bytes than declared"), std::string::npos);
}

// What a downloading client checks: contiguous offsets, every byte against the generator, the
// announced SHA-256 against the one it computes. Returns the failed check, "" when all pass.
std::string DownloadAndVerify(v1::Workloads::Stub& stub, const v1::DownloadRequest& request,
                              uint64_t seed, uint64_t size, grpc::Status* status) {
  grpc::ClientContext context;
  auto reader = stub.Download(&context, request);
  v1::DownloadChunk chunk;
  uint64_t offset = 0;
  Sha256 sha;
  std::string problem;
  std::string announced;
  while (reader->Read(&chunk)) {
    if (chunk.offset_bytes() != offset && problem.empty()) problem = "offset";
    if (chunk.data() != FileContent(seed, offset, chunk.data().size()) && problem.empty()) {
      problem = "content";
    }
    sha.Update(chunk.data());
    offset += chunk.data().size();
    if (chunk.last()) announced = chunk.sha256();
  }
  *status = reader->Finish();
  if (!status->ok()) return "status";
  if (offset != size) return "size";
  const std::string computed = sha.Finish();
  if (computed != announced) return problem.empty() ? "sha256" : problem;
  if (announced != FileSha256(seed, size)) return "announced sha256";
  return problem;
}

TEST_F(FileTransferTest, DownloadDeliversEveryByteInOrderWithItsChecksum) {
  v1::DownloadRequest request;
  request.set_file_id(workloads::GeneratedFileId(9, 1'000'003));
  request.set_chunk_size_bytes(100'000);
  grpc::Status status;
  EXPECT_EQ(DownloadAndVerify(*stub_, request, 9, 1'000'003, &status), "");
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(FileTransferTest, DownloadDefaultChunkIs64KiB) {
  v1::DownloadRequest request;
  request.set_file_id(workloads::GeneratedFileId(1, 200'000));
  grpc::ClientContext context;
  auto reader = stub_->Download(&context, request);
  v1::DownloadChunk chunk;
  ASSERT_TRUE(reader->Read(&chunk));
  EXPECT_EQ(chunk.data().size(), 65536u);
  EXPECT_TRUE(testing::DrainAndFinish(*reader, &chunk).ok());
}

TEST_F(FileTransferTest, CorruptedDownloadIsDetectedByTheClient) {
  v1::DownloadRequest request;
  request.set_file_id(workloads::GeneratedFileId(9, 300'000));
  request.set_corrupt_at_offset_bytes(150'000);
  grpc::Status status;
  EXPECT_EQ(DownloadAndVerify(*stub_, request, 9, 300'000, &status), "content");
  EXPECT_TRUE(status.ok());
}

// Integrity faults on the chunks, n counting them from 1: the offsets that arrive show each one.
TEST_F(FileTransferTest, DownloadIntegrityFaultsHitTheChunks) {
  v1::DownloadRequest request;
  request.set_file_id(workloads::GeneratedFileId(3, 8'000));
  request.set_chunk_size_bytes(1'000);
  // Chunks 1..8: drop 3 and 6, duplicate 4 and 8, hold back 5 (6 is dropped: after 7), corrupt 7.
  request.mutable_integrity_faults()->mutable_drop()->set_every_nth(3);
  request.mutable_integrity_faults()->mutable_duplicate()->set_every_nth(4);
  request.mutable_integrity_faults()->mutable_reorder()->set_every_nth(5);
  request.mutable_integrity_faults()->mutable_corrupt()->set_every_nth(7);
  grpc::ClientContext context;
  auto reader = stub_->Download(&context, request);
  v1::DownloadChunk chunk;
  std::vector<uint64_t> offsets;
  std::vector<uint64_t> wrong_content;
  while (reader->Read(&chunk)) {
    offsets.push_back(chunk.offset_bytes());
    if (chunk.data() != FileContent(3, chunk.offset_bytes(), chunk.data().size())) {
      wrong_content.push_back(chunk.offset_bytes());
    }
  }
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(offsets, (std::vector<uint64_t>{0, 1'000, 3'000, 3'000, 6'000, 4'000, 7'000, 7'000}));
  EXPECT_EQ(wrong_content, std::vector<uint64_t>{6'000});
  const std::map<std::string, double> injected = {
      {"drop", 2}, {"duplicate", 2}, {"reorder", 1}, {"corrupt", 1}};
  for (const auto& [kind, count] : injected) {
    EXPECT_EQ(testing::MetricValue(server_->metrics(),
                                   "streambench_server_injected_integrity_faults_total",
                                   WorkloadsService::kDownloadMethod, "kind", kind),
              count)
        << kind;
  }

  request.mutable_integrity_faults()->mutable_drop()->set_probability(1.5);
  grpc::ClientContext bad_context;
  auto bad = stub_->Download(&bad_context, request);
  EXPECT_FALSE(bad->Read(&chunk));
  const grpc::Status status = bad->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("integrity_faults.drop.probability"), std::string::npos)
      << status.error_message();
}

TEST_F(FileTransferTest, UnknownFileIsNotFound) {
  for (const char* id : {"", "upload:1", "gen:1", "nope"}) {
    v1::DownloadRequest request;
    request.set_file_id(id);
    grpc::ClientContext context;
    auto reader = stub_->Download(&context, request);
    v1::DownloadChunk chunk;
    EXPECT_FALSE(reader->Read(&chunk));
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::NOT_FOUND) << id;
  }
}

TEST_F(FileTransferTest, CancelledDownloadStopsTheServerAtOnce) {
  constexpr uint64_t kSize = 1ull << 30;  // 1 GiB: never sent in full
  v1::DownloadRequest request;
  request.set_file_id(workloads::GeneratedFileId(2, kSize));
  grpc::ClientContext context;
  auto reader = stub_->Download(&context, request);
  v1::DownloadChunk chunk;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(reader->Read(&chunk));
  context.TryCancel();
  EXPECT_EQ(testing::DrainAndFinish(*reader, &chunk).error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(testing::WaitFor([&] {
    return server_->workloads_service().live_calls().count() == 0 &&
           MetricValue(server_->metrics(), "streambench_server_active_streams",
                       WorkloadsService::kDownloadMethod) == 0;
  }));
  const double sent = MetricValue(server_->metrics(), "streambench_server_payload_bytes_total",
                                  WorkloadsService::kDownloadMethod, "direction", "sent");
  // Produced: what was read plus at most what flow-control windows let through (a few MiB).
  EXPECT_LT(sent, 64.0 * (1 << 20));
  // And it stays so: nothing more is produced after the cancel.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(MetricValue(server_->metrics(), "streambench_server_payload_bytes_total",
                        WorkloadsService::kDownloadMethod, "direction", "sent"),
            sent);
}

}  // namespace
}  // namespace streambench
