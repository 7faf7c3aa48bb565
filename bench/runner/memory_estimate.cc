#include "bench/runner/memory_estimate.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace streambench::runner {
namespace {

constexpr uint64_t kKiB = 1024, kMiB = 1024 * 1024;

// Measured on this project's builds (bench/scale.sh, bench/RESULTS.md "Stream scale";
// tests/bench/runner/stream_scale_test.cc), rounded up: the generator's memory per stream in
// flight and per connection on each engine, the reference server's, and the process itself.
constexpr uint64_t kBaseBytes = 96 * kMiB;  // libraries, recorders, the scenario
constexpr uint64_t kH2StreamBytes = 6 * kKiB;
constexpr uint64_t kGrpcStreamBytes = 32 * kKiB;    // mostly gRPC's own call arena
constexpr uint64_t kServerStreamBytes = 28 * kKiB;  // the embedded reference server
constexpr uint64_t kH2ConnectionBytes = 32 * kKiB;
constexpr uint64_t kGrpcConnectionBytes = 80 * kKiB;
constexpr uint64_t kServerConnectionBytes = 64 * kKiB;

std::string MiB(uint64_t bytes) { return std::to_string((bytes + kMiB - 1) / kMiB) + " MiB"; }

}  // namespace

uint64_t EstimateRunMemoryBytes(const scenario::Scenario& run) {
  const uint64_t slots = static_cast<uint64_t>(run.connections) * run.streams_per_connection;
  const uint64_t per_slot = run.load.model == scenario::LoadModel::kClosed
                                ? std::max<uint32_t>(1, run.load.outstanding)
                                : 1;
  const uint64_t streams = slots * per_slot;
  const bool embedded_server = run.target.addresses.empty();
  const bool h2 = run.engine == scenario::EngineKind::kH2;
  const uint64_t per_stream =
      (h2 ? kH2StreamBytes : kGrpcStreamBytes) + (embedded_server ? kServerStreamBytes : 0);
  const uint64_t per_connection = (h2 ? kH2ConnectionBytes : kGrpcConnectionBytes) +
                                  (embedded_server ? kServerConnectionBytes : 0);
  return streams * per_stream + static_cast<uint64_t>(run.connections) * per_connection;
}

uint64_t EstimateFileMemoryBytes(const scenario::ScenarioFile& file) {
  uint64_t runs = 0;
  for (const scenario::Scenario& run : file.runs) {
    const uint64_t bytes = EstimateRunMemoryBytes(run);
    runs = file.concurrent ? runs + bytes : std::max(runs, bytes);
  }
  return kBaseBytes + runs;
}

uint64_t AvailableMemoryBytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    unsigned long long kib = 0;
    if (std::sscanf(line.c_str(), "MemAvailable: %llu kB", &kib) == 1) return kib * kKiB;
  }
  return 0;
}

bool FitsMemory(const scenario::ScenarioFile& file, uint64_t available_bytes, std::string* error) {
  const uint64_t needed = EstimateFileMemoryBytes(file);
  if (available_bytes == 0 || needed <= available_bytes) return true;
  *error = file.path + ": needs an estimated " + MiB(needed) + " of memory at its peak, but " +
           MiB(available_bytes) + " is available; use fewer streams, the h2 engine (" +
           std::to_string(kH2StreamBytes / kKiB) + " KiB per stream against the grpc engine's " +
           std::to_string(kGrpcStreamBytes / kKiB) + "), or --force to run it anyway";
  return false;
}

}  // namespace streambench::runner
