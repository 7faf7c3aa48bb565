// Upload and Download reactors of the Workloads service.
#include <optional>
#include <string>

#include "common/file_content.h"
#include "common/sha256.h"
#include "server/integrity_faults.h"
#include "server/workloads/reactors.h"

namespace streambench::workloads {
namespace {

// Upload: metadata, then chunks hashed as they arrive (nothing is kept, so nothing can stay
// behind after a failure). The byte count is checked per chunk, so too many bytes fail at once.
class UploadReactor final
    : public WorkloadReactor<UploadReactor, grpc::ServerReadReactor<v1::UploadRequest>> {
 public:
  UploadReactor(LiveCalls& live_calls, ServerMetrics::Method& metrics, uint64_t number,
                v1::UploadResponse* response)
      : LifecycleReactor(metrics, live_calls), number_(number), response_(response) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    if (!ok) {
      Complete();
      return;
    }
    if (request_.has_metadata()) {
      if (have_metadata_) {
        FinishLocked(Invalid("a second metadata message"));
        return;
      }
      have_metadata_ = true;
      metadata_ = request_.metadata();
      if (metadata_.sha256().size() != Sha256::kDigestBytes) {
        FinishLocked(Invalid("metadata.sha256 must be 32 bytes, got " +
                             std::to_string(metadata_.sha256().size())));
        return;
      }
      metrics_.MessageReceived(0);
    } else if (request_.kind_case() == v1::UploadRequest::kChunk) {
      if (!have_metadata_) {
        FinishLocked(Invalid("a chunk before the metadata"));
        return;
      }
      const std::string& chunk = request_.chunk();
      received_bytes_ += chunk.size();
      metrics_.MessageReceived(chunk.size());
      if (received_bytes_ > metadata_.total_size_bytes()) {
        FinishLocked(Invalid("more bytes than declared: " + std::to_string(received_bytes_) +
                             " > total_size_bytes " +
                             std::to_string(metadata_.total_size_bytes())));
        return;
      }
      sha_.Update(chunk);
    } else {
      FinishLocked(Invalid("a message with neither metadata nor chunk"));
      return;
    }
    StartRead(&request_);
  }

 private:
  static grpc::Status Invalid(const std::string& what) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "upload: " + what);
  }

  // The client half-closed: check the size and the checksum.
  void Complete() {
    if (!have_metadata_) {
      FinishLocked(Invalid("no metadata message"));
      return;
    }
    if (received_bytes_ != metadata_.total_size_bytes()) {
      FinishLocked(Invalid("fewer bytes than declared: " + std::to_string(received_bytes_) +
                           " < total_size_bytes " + std::to_string(metadata_.total_size_bytes())));
      return;
    }
    const std::string digest = sha_.Finish();
    if (digest != metadata_.sha256()) {
      FinishLocked(grpc::Status(grpc::StatusCode::DATA_LOSS,
                                "upload: SHA-256 mismatch: received content hashes to " +
                                    ToHex(digest) + ", metadata says " +
                                    ToHex(metadata_.sha256())));
      return;
    }
    response_->set_file_id("upload:" + std::to_string(number_));
    response_->set_bytes_received(received_bytes_);
    response_->set_checksum_matched(true);
    response_->set_sha256(digest);
    metrics_.MessageSent(0);
    FinishLocked(grpc::Status::OK);
  }

  const uint64_t number_;
  v1::UploadResponse* const response_;
  v1::UploadRequest request_;
  bool have_metadata_ = false;
  v1::FileMetadata metadata_;
  uint64_t received_bytes_ = 0;
  Sha256 sha_;
};

// How the integrity faults' outbox corrupts a download's chunks. The chunks are one sequence (by
// offset), so a held chunk sent later is always out of order.
struct ChunkFaultTraits {
  static void Corrupt(v1::DownloadChunk& chunk) {
    // Only an empty file's one chunk (the last, with the SHA-256) has no data.
    std::string* bytes = chunk.data().empty() ? chunk.mutable_sha256() : chunk.mutable_data();
    if (!bytes->empty()) (*bytes)[0] ^= 1;
  }
  static void MarkDuplicate(v1::DownloadChunk&) {}
  static bool SameSequence(const v1::DownloadChunk&, const v1::DownloadChunk&) { return true; }
};

// Download: generated content in chunks, one write in flight; the hash is computed as the chunks
// are produced. A cancel finishes the call at once and no further chunk is produced. With
// integrity faults, each chunk produced goes through the faults' outbox, which is written from.
class DownloadReactor final
    : public WorkloadReactor<DownloadReactor, grpc::ServerWriteReactor<v1::DownloadChunk>> {
 public:
  DownloadReactor(LiveCalls& live_calls, ServerMetrics::Method& metrics,
                  std::atomic<uint64_t>& faulted_streams, const v1::DownloadRequest& request)
      : LifecycleReactor(metrics, live_calls) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!ParseGeneratedFileId(request.file_id(), &seed_, &size_bytes_)) {
      FinishLocked(grpc::Status(
          grpc::StatusCode::NOT_FOUND,
          "download: no file `" + request.file_id() + "` (ids are gen:<seed>:<size_bytes>)"));
      return;
    }
    chunk_bytes_ =
        request.chunk_size_bytes() == 0 ? kDefaultChunkBytes : request.chunk_size_bytes();
    if (chunk_bytes_ > kMaxChunkBytes) {
      FinishLocked(grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT,
          "download: chunk_size_bytes must be at most " + std::to_string(kMaxChunkBytes)));
      return;
    }
    const grpc::Status faults_status =
        ValidateIntegrityFaults(request.integrity_faults(), "download: integrity_faults");
    if (!faults_status.ok()) {
      FinishLocked(faults_status);
      return;
    }
    if (IntegrityFaultsEnabled(request.integrity_faults())) {
      faults_.emplace(request.integrity_faults(), faulted_streams.fetch_add(1) + 1, metrics);
    }
    if (request.has_corrupt_at_offset_bytes()) corrupt_at_ = request.corrupt_at_offset_bytes();
    WriteNextLocked();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    write_in_flight_ = false;
    if (!ok) {
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "download: write failed"));
      return;
    }
    if (faults_) faults_->pop();
    WriteNextLocked();
  }

 private:
  // The next chunk (from the faults' outbox, producing chunks until it has one), or the end.
  void WriteNextLocked() {
    if (!faults_) {
      if (produced_last_) {
        FinishLocked(grpc::Status::OK);
        return;
      }
      ProduceLocked(chunk_);
      metrics_.MessageSent(chunk_.data().size());
      StartWriteLocked(&chunk_);
      return;
    }
    while (faults_->empty() && !produced_last_) {
      v1::DownloadChunk chunk;
      ProduceLocked(chunk);
      faults_->Offer(std::move(chunk));
      if (produced_last_) faults_->Flush();
    }
    if (faults_->empty()) {  // everything written, or dropped
      FinishLocked(grpc::Status::OK);
      return;
    }
    metrics_.MessageSent(faults_->front().data().size());
    StartWriteLocked(&faults_->front());
  }

  // The file's next chunk into `chunk` (hashed before any corruption).
  void ProduceLocked(v1::DownloadChunk& chunk) {
    const uint64_t n = std::min<uint64_t>(chunk_bytes_, size_bytes_ - offset_);
    std::string* data = chunk.mutable_data();
    data->resize(static_cast<size_t>(n));
    FillFileContent(seed_, offset_, data->data(), data->size());
    sha_.Update(*data);
    if (corrupt_at_ >= offset_ && corrupt_at_ < offset_ + n) {
      (*data)[static_cast<size_t>(corrupt_at_ - offset_)] ^= 0x5A;
    }
    chunk.set_offset_bytes(offset_);
    chunk.set_total_size_bytes(size_bytes_);
    offset_ += n;
    produced_last_ = offset_ >= size_bytes_;
    chunk.set_last(produced_last_);
    if (produced_last_) {
      chunk.set_sha256(sha_.Finish());
    } else {
      chunk.clear_sha256();
    }
  }

  uint64_t seed_ = 0;
  uint64_t size_bytes_ = 0;
  uint64_t chunk_bytes_ = kDefaultChunkBytes;
  uint64_t corrupt_at_ = UINT64_MAX;
  uint64_t offset_ = 0;
  bool produced_last_ = false;
  v1::DownloadChunk chunk_;  // the chunk in flight, without integrity faults
  Sha256 sha_;
  std::optional<FaultedOutbox<v1::DownloadChunk, ChunkFaultTraits>> faults_;
};

}  // namespace

grpc::ServerReadReactor<v1::UploadRequest>* NewUploadReactor(LiveCalls& live_calls,
                                                             ServerMetrics::Method& metrics,
                                                             uint64_t upload_number,
                                                             v1::UploadResponse* response) {
  return new UploadReactor(live_calls, metrics, upload_number, response);
}

grpc::ServerWriteReactor<v1::DownloadChunk>* NewDownloadReactor(
    LiveCalls& live_calls, ServerMetrics::Method& metrics, std::atomic<uint64_t>& faulted_streams,
    const v1::DownloadRequest& request) {
  return new DownloadReactor(live_calls, metrics, faulted_streams, request);
}

}  // namespace streambench::workloads
