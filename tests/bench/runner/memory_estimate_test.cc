// The pre-flight memory estimate: it grows with streams in flight (slots times the closed loop's
// outstanding operations) and connections, costs more on the grpc engine and with the embedded
// server, adds concurrent runs, and refuses with the numbers and the way out.
#include "bench/runner/memory_estimate.h"

#include <gtest/gtest.h>

#include <string>

namespace streambench::runner {
namespace {

scenario::Scenario Streams(uint32_t connections, uint32_t streams, scenario::EngineKind engine) {
  scenario::Scenario run;
  run.connections = connections;
  run.streams_per_connection = streams;
  run.engine = engine;
  run.target.addresses = {"127.0.0.1:1"};
  return run;
}

TEST(MemoryEstimateTest, GrowsWithStreamsOutstandingConnectionsEngineAndEmbeddedServer) {
  using scenario::EngineKind;
  const uint64_t h2 = EstimateRunMemoryBytes(Streams(10, 1000, EngineKind::kH2));
  EXPECT_GT(EstimateRunMemoryBytes(Streams(10, 2000, EngineKind::kH2)), h2);
  EXPECT_GT(EstimateRunMemoryBytes(Streams(20, 1000, EngineKind::kH2)),
            EstimateRunMemoryBytes(Streams(10, 2000, EngineKind::kH2)))
      << "the same streams over more connections cost more";
  EXPECT_GT(EstimateRunMemoryBytes(Streams(10, 1000, EngineKind::kGrpc)), 3 * h2);
  scenario::Scenario outstanding = Streams(10, 1000, EngineKind::kH2);
  outstanding.load.outstanding = 4;
  EXPECT_GT(EstimateRunMemoryBytes(outstanding), 3 * h2);
  outstanding.load.model = scenario::LoadModel::kConstant;  // open loop: a slot is a stream
  EXPECT_EQ(EstimateRunMemoryBytes(outstanding), h2);
  scenario::Scenario embedded = Streams(10, 1000, EngineKind::kH2);
  embedded.target.addresses.clear();
  EXPECT_GT(EstimateRunMemoryBytes(embedded), 2 * h2);

  scenario::ScenarioFile file;
  file.runs = {Streams(10, 1000, EngineKind::kH2), Streams(10, 1000, EngineKind::kH2)};
  const uint64_t one_at_a_time = EstimateFileMemoryBytes(file);
  file.concurrent = true;
  EXPECT_EQ(EstimateFileMemoryBytes(file), one_at_a_time + h2);
}

TEST(MemoryEstimateTest, AScenarioThatCannotFitIsRefusedWithTheEstimate) {
  scenario::ScenarioFile file;
  file.path = "huge.yaml";
  file.runs = {Streams(1000, 1000, scenario::EngineKind::kGrpc)};  // a million streams
  const uint64_t needed = EstimateFileMemoryBytes(file);
  std::string error;
  EXPECT_FALSE(FitsMemory(file, needed / 2, &error));
  EXPECT_NE(error.find("huge.yaml"), std::string::npos) << error;
  EXPECT_NE(error.find(std::to_string((needed + (1 << 20) - 1) >> 20) + " MiB"), std::string::npos)
      << error;
  EXPECT_NE(error.find("--force"), std::string::npos) << error;
  error.clear();
  EXPECT_TRUE(FitsMemory(file, needed, &error)) << error;
  EXPECT_TRUE(FitsMemory(file, 0, &error)) << "unknown available memory refuses nothing";
  EXPECT_GT(AvailableMemoryBytes(), 0u) << "/proc/meminfo has MemAvailable";
}

}  // namespace
}  // namespace streambench::runner
