// upload / download drivers: one call per file; closed loop keeps `outstanding` transfers per
// slot, open loop starts one per Submit (at most Slot::kMaxQueuedOps in flight).
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "bench/drivers/call_base.h"
#include "bench/drivers/driver_call.h"
#include "bench/drivers/run_driver.h"
#include "bench/drivers/v1_behavior.h"
#include "bench/drivers/workload_drivers.h"
#include "common/file_content.h"
#include "common/sha256.h"
#include "streambench/v1/workloads.grpc.pb.h"

namespace streambench::drivers {
namespace {

using stats::Latency;
using streambench::v1::Workloads;

const std::string kUploadPath = MethodPath(Workloads::service_full_name(), "Upload");
const std::string kDownloadPath = MethodPath(Workloads::service_full_name(), "Download");

// The file every transfer of the run moves and its SHA-256 (computed once per run).
struct TransferFile {
  uint64_t seed = 0;
  uint64_t size_bytes = 0;
  std::string sha256;
};

class TransferSlot;
// Starts one transfer intended at `intended_ns` (upload or download).
using TransferStarter = void (*)(TransferSlot& slot, int64_t intended_ns);

class TransferSlot final : public Slot {
 public:
  TransferSlot(DriverContext& dc, std::shared_ptr<engines::Channel> channel,
               std::shared_ptr<const TransferFile> file, TransferStarter starter)
      : dc_(dc), channel_(std::move(channel)), file_(std::move(file)), starter_(starter) {}

  void Start() override {
    if (dc_.open_loop()) return;
    for (uint32_t i = 0; i < dc_.scenario().load.outstanding; ++i) Issue(dc_.clock().NowNs());
  }
  void Submit(int64_t intended_ns) override {
    if (calls_.size() >= kMaxQueuedOps) {
      dc_.AddDropped();
      return;
    }
    Issue(intended_ns);
  }
  void Stop() override {}
  void CancelAll() override { calls_.CancelAll(); }

  // From a transfer's OnDone (DriverCall::Done): in closed loop, the next transfer at once.
  void CallDone(const grpc::Status& /*status*/, int64_t /*intended_ns*/) {
    if (!dc_.open_loop()) Issue(dc_.clock().NowNs());
  }

  DriverContext& dc() { return dc_; }
  CallList& calls() { return calls_; }
  engines::Channel& channel() { return *channel_; }
  const TransferFile& file() const { return *file_; }

 private:
  void Issue(int64_t intended_ns) {
    if (!dc_.stopping()) starter_(*this, intended_ns);
  }

  DriverContext& dc_;
  std::shared_ptr<engines::Channel> channel_;
  std::shared_ptr<const TransferFile> file_;
  const TransferStarter starter_;
  CallList calls_;
};

void RecordVerification(stats::Recorder& rec, bool verified) {
  rec.AddTransfer(verified);
  if (!verified) {
    stats::IntegrityCounts counts;
    counts.corrupted = 1;
    rec.AddIntegrity(counts);
  }
}

// Upload: metadata, then chunks produced from the seed as they are written.
class UploadCall final : public DriverCall<TransferSlot> {
 public:
  UploadCall(TransferSlot& slot, int64_t intended_ns) : DriverCall(slot, intended_ns) {
    const TransferFile& file = slot_.file();
    const int64_t now = dc_.clock().NowNs();
    RecordScheduleLag(now);
    v1::FileMetadata* m = req_.mutable_metadata();
    m->set_file_name("streambench.bin");
    m->set_total_size_bytes(file.size_bytes);
    m->set_content_type("application/octet-stream");
    m->set_sha256(file.sha256);
    LaunchCall();
    StartRpc(slot_.channel(), kUploadPath);
    write_start_ns_ = now;
    StartWrite(req_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      StartWritesDone();  // the call ended; OnDone follows with the status
      return;
    }
    const int64_t now = dc_.clock().NowNs();
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    if (req_.kind_case() == v1::UploadRequest::kChunk) {
      rec.AddSent(1, req_.chunk().size());
      rec.RecordLatencyNs(Latency::kMessage, now - write_start_ns_);
      rec.RecordLatencyNs(Latency::kWriteBlocked, now - write_start_ns_);
    }
    const TransferFile& file = slot_.file();
    if (offset_ >= file.size_bytes) {
      StartWritesDone();
      return;
    }
    const size_t n = static_cast<size_t>(
        std::min<uint64_t>(dc_.scenario().transfer.chunk_size_bytes, file.size_bytes - offset_));
    std::string* chunk = req_.mutable_chunk();
    chunk->resize(n);
    workloads::FillFileContent(file.seed, offset_, chunk->data(), n);
    offset_ += n;
    write_start_ns_ = dc_.clock().NowNs();
    StartWrite(req_);
  }

  // The server's one answer (held to one, like a unary call's response).
  void OnMessage(std::string_view message) override { TakeUnaryResponse(message, &resp_); }

  void OnDone(const grpc::Status& call_status) override {
    const grpc::Status status = UnaryStatus(call_status);
    stats::Recorder& rec = RecordEnd(status.error_code());
    if (status.ok()) {
      rec.AddReceived(1, 0);
      RecordVerification(rec, resp_.checksum_matched() && resp_.sha256() == slot_.file().sha256 &&
                                  resp_.bytes_received() == slot_.file().size_bytes);
    } else if (status.error_code() == grpc::StatusCode::DATA_LOSS) {
      RecordVerification(rec, false);
    }
    Done(status);
  }

 private:
  v1::UploadRequest req_;
  v1::UploadResponse resp_;
  uint64_t offset_ = 0;
  int64_t write_start_ns_ = 0;
};

// Download: every chunk checked for its offset and, byte by byte, against the generator; the
// SHA-256 of what arrived checked against the server's and the run's.
class DownloadCall final : public DriverCall<TransferSlot> {
 public:
  DownloadCall(TransferSlot& slot, int64_t intended_ns) : DriverCall(slot, intended_ns) {
    const TransferFile& file = slot_.file();
    RecordScheduleLag();
    req_.set_file_id(workloads::GeneratedFileId(file.seed, file.size_bytes));
    req_.set_chunk_size_bytes(static_cast<uint32_t>(dc_.scenario().transfer.chunk_size_bytes));
    if (dc_.scenario().transfer.inject_corruption) {
      req_.set_corrupt_at_offset_bytes(file.size_bytes / 2);
    }
    if (dc_.scenario().behavior.integrity_faults.Any()) {
      SetIntegrityFaults(dc_.scenario().behavior.integrity_faults, dc_.scenario().seed,
                         req_.mutable_integrity_faults());
    }
    Launch(0);
    last_ns_ = intended_ns;
    StartCallWithRequest(kDownloadPath, req_);
  }

  void OnMessage(std::string_view message) override {
    if (!Parse(message, &chunk_)) return;
    const int64_t now = dc_.clock().NowNs();
    stats::Recorder& rec = dc_.registry().ForCurrentThread();
    const std::string& data = chunk_.data();
    rec.AddReceived(1, data.size());
    RecordArrival(rec, now);
    rec.RecordLatencyNs(Latency::kMessage, now - last_ns_);
    last_ns_ = now;
    if (chunk_.offset_bytes() != offset_) good_ = false;
    if (good_) {
      expected_.resize(data.size());
      workloads::FillFileContent(slot_.file().seed, offset_, expected_.data(), expected_.size());
      if (std::memcmp(expected_.data(), data.data(), data.size()) != 0) good_ = false;
    }
    sha_.Update(data);
    offset_ += data.size();
    if (chunk_.last()) announced_sha256_ = chunk_.sha256();
  }

  void OnDone(const grpc::Status& status) override {
    stats::Recorder& rec = RecordEnd(status.error_code());
    RecordStreamEnd(rec);
    if (status.ok()) {
      const std::string computed = sha_.Finish();
      RecordVerification(rec, good_ && offset_ == slot_.file().size_bytes &&
                                  computed == announced_sha256_ && computed == slot_.file().sha256);
    }
    Done(status);
  }

 private:
  bool good_ = true;  // every chunk so far at its offset and as generated
  v1::DownloadRequest req_;
  v1::DownloadChunk chunk_;
  uint64_t offset_ = 0;
  int64_t last_ns_ = 0;  // when the previous chunk arrived (the first: the intended start)
  std::string expected_;
  std::string announced_sha256_;
  workloads::Sha256 sha_;
};

// The run's driver: the file and its SHA-256 computed once for the run, shared by its slots.
std::unique_ptr<RunDriver> MakeTransferDriver(DriverContext& dc, TransferStarter starter) {
  auto file = std::make_shared<TransferFile>();
  file->seed = dc.scenario().seed;
  file->size_bytes = dc.scenario().transfer.file_size_bytes;
  file->sha256 = workloads::FileSha256(file->seed, file->size_bytes);
  return RunDriverFrom([&dc, file = std::shared_ptr<const TransferFile>(file), starter](
                           int /*index*/, std::shared_ptr<engines::Channel> channel,
                           std::string* /*error*/) -> std::unique_ptr<Slot> {
    return std::make_unique<TransferSlot>(dc, channel, file, starter);
  });
}

}  // namespace

std::unique_ptr<RunDriver> MakeUploadDriver(DriverContext& dc, std::string* /*error*/) {
  return MakeTransferDriver(
      dc, [](TransferSlot& slot, int64_t intended_ns) { new UploadCall(slot, intended_ns); });
}
std::unique_ptr<RunDriver> MakeDownloadDriver(DriverContext& dc, std::string* /*error*/) {
  return MakeTransferDriver(
      dc, [](TransferSlot& slot, int64_t intended_ns) { new DownloadCall(slot, intended_ns); });
}

}  // namespace streambench::drivers
