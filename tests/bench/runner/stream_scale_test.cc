// Many streams from one generator: 10,000 mostly idle bidi streams (10 connections x 1,000)
// against the embedded reference server, an open-loop trickle of messages over them. Every
// stream opens, every message sent comes back, every stream ends OK at the drain, and the whole
// process (generator and embedded server) grows by a bounded amount per stream. The test is
// alone in its binary, so the process's peak RSS before and after the run is this run's cost.
// The 100k-stream figures are a benchmark (bench/scale.sh), not a test.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/bench/runner/run_test_fixture.h"

namespace streambench::runner {
namespace {

// Resident and peak resident memory of this process, from /proc/self/status.
uint64_t StatusKiB(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1));
  }
  return 0;
}

class StreamScaleTest : public testing::RunTest {};

TEST_F(StreamScaleTest, TenThousandStreamsAllOpenEchoAndCloseWithinAMemoryBound) {
  constexpr uint64_t kStreams = 10'000;
  // Generous: this machine measures 28 KiB per stream on the h2 engine and 51 KiB on the grpc
  // engine for the whole process (the embedded server's share is ~24 KiB of each; the generator's
  // ~4 and ~28 KiB, bench/RESULTS.md). A stream that kept its whole send-queue bound (32 KiB, as
  // before the queues grew in chunks) is caught on either engine.
  const uint64_t bound_kib_per_stream =
      streambench::testing::TestEngineKind() == scenario::EngineKind::kH2 ? 44 : 72;
  const scenario::Scenario& s = Scenario(
      "name: scale\nmode: bidi\nconnections: 10\nstreams_per_connection: 1000\n"
      "load: {type: constant, rate: 2000/s}\nrequest: {payload_size: 64B}\n"
      "server_behavior: {bidi: echo, response_size: 0B}\nwarmup: 0s\nduration: 2s\n");
  const uint64_t rss_before_kib = StatusKiB("VmRSS");
  const report::RunResult r = MustRun(s);
  const uint64_t peak_kib = StatusKiB("VmHWM");

  EXPECT_EQ(r.calls_started, kStreams) << "one stream per slot, each opened once";
  EXPECT_EQ(Code(r, "OK"), r.calls_finished) << "every stream ends OK at the drain";
  EXPECT_EQ(r.calls_finished, kStreams);
  EXPECT_GT(r.messages_sent, 0u);
  EXPECT_EQ(r.messages_received, r.messages_sent) << "every message echoed";
  EXPECT_EQ(r.integrity.Total(), 0u);
  EXPECT_FALSE(r.interrupted);

#if defined(__SANITIZE_ADDRESS__)
  // Every check above still ran; only the memory bound is not measured here.
  GTEST_SKIP() << "AddressSanitizer's redzones and quarantine inflate memory per stream";
#endif
  ASSERT_GT(peak_kib, rss_before_kib);
  const uint64_t kib_per_stream = (peak_kib - rss_before_kib) / kStreams;
  RecordProperty("kib_per_stream", std::to_string(kib_per_stream));
  std::cerr << "peak growth " << (peak_kib - rss_before_kib) / 1024 << " MiB for " << kStreams
            << " streams: " << kib_per_stream << " KiB per stream (generator and server)\n";
  EXPECT_LE(kib_per_stream, bound_kib_per_stream);
}

}  // namespace
}  // namespace streambench::runner
