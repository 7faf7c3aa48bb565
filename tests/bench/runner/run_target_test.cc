// The production target provider and slot factory, without a run: which target a scenario gets
// (its own addresses, a fresh embedded server, the one shared by concurrent runs, each behind the
// emulated link when asked) and what the drivers refuse before anything starts. Servers and links
// listen on loopback ephemeral ports.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "bench/runner/driver_slot_factory.h"
#include "bench/runner/embedded_target.h"
#include "tests/bench/runner/run_test_fixture.h"

namespace streambench::runner {
namespace {

using testing::LoadFirstRun;

constexpr char kUnary[] = "name: t\nmode: unary\n";

TEST(EmbeddedOrGivenTargetTest, GivenAddressesAreDialledAsTheyAre) {
  EmbeddedOrGivenTarget targets;
  std::string error;
  const auto target =
      targets.Open(LoadFirstRun(std::string(kUnary) + "target: 127.0.0.1:1\n"), &error);
  ASSERT_NE(target, nullptr) << error;
  EXPECT_EQ(target->addresses(), std::vector<std::string>{"127.0.0.1:1"});
  EXPECT_EQ(target->description(), "127.0.0.1:1");
  EXPECT_FALSE(target->includes_server());
  EXPECT_FALSE(target->LinkResult().enabled);
}

TEST(EmbeddedOrGivenTargetTest, NoTargetStartsAnEmbeddedServerForTheRun) {
  EmbeddedOrGivenTarget targets;
  std::string error;
  const auto target = targets.Open(LoadFirstRun(kUnary), &error);
  ASSERT_NE(target, nullptr) << error;
  ASSERT_EQ(target->addresses().size(), 1u);
  EXPECT_EQ(target->addresses()[0].rfind("127.0.0.1:", 0), 0u) << target->addresses()[0];
  EXPECT_EQ(target->description(), "embedded " + target->addresses()[0]);
  EXPECT_TRUE(target->includes_server());
}

TEST(EmbeddedOrGivenTargetTest, ConcurrentRunsShareOneServerBehindTheirOwnLinks) {
  EmbeddedOrGivenTarget targets;
  std::string error;
  const auto shared = targets.ShareAmong(LoadFirstRun(kUnary), 3, &error);
  ASSERT_NE(shared, nullptr) << error;
  const auto direct = shared->Open(LoadFirstRun(kUnary), &error);
  ASSERT_NE(direct, nullptr) << error;
  ASSERT_EQ(direct->addresses().size(), 1u);
  const std::string address = direct->addresses()[0];
  EXPECT_EQ(direct->description(), "embedded " + address + " (shared by 3 concurrent runs)");
  EXPECT_TRUE(direct->includes_server());
  const auto again = shared->Open(LoadFirstRun(kUnary), &error);
  ASSERT_NE(again, nullptr) << error;
  EXPECT_EQ(again->addresses(), direct->addresses()) << "one server for all";

  const auto linked =
      shared->Open(LoadFirstRun(std::string(kUnary) + "link: {rtt: 10ms}\n"), &error);
  ASSERT_NE(linked, nullptr) << error;
  EXPECT_NE(linked->addresses(), direct->addresses()) << "the generator dials the link's relay";
  EXPECT_EQ(linked->description().rfind(direct->description() + " via emulated link (", 0), 0u)
      << linked->description();
  EXPECT_TRUE(linked->LinkResult().enabled);
}

TEST(EmbeddedOrGivenTargetTest, RunsWithTheirOwnTargetShareIt) {
  EmbeddedOrGivenTarget targets;
  std::string error;
  const std::string yaml = std::string(kUnary) + "target: 127.0.0.1:1\n";
  const auto shared = targets.ShareAmong(LoadFirstRun(yaml), 2, &error);
  ASSERT_NE(shared, nullptr) << error;
  const auto target = shared->Open(LoadFirstRun(yaml), &error);
  ASSERT_NE(target, nullptr) << error;
  EXPECT_EQ(target->description(), "127.0.0.1:1");
  EXPECT_FALSE(target->includes_server());
}

TEST(EmbeddedOrGivenTargetTest, ALinkCannotRelayAUriTarget) {
  EmbeddedOrGivenTarget targets;
  std::string error;
  const auto target = targets.Open(
      LoadFirstRun(std::string(kUnary) + "target: dns:///localhost:1\nlink: {rtt: 10ms}\n"),
      &error);
  EXPECT_EQ(target, nullptr);
  EXPECT_FALSE(error.empty());
}

TEST(DriverSlotFactoryTest, ChecksWhatTheDriversWouldRefuseBeforeAnythingStarts) {
  const DriverSlotFactory slots;
  std::string error;
  EXPECT_TRUE(slots.Check(LoadFirstRun(kUnary), &error)) << error;

  scenario::Scenario benchmark = LoadFirstRun(
      "name: t\nservice: grpc.testing.BenchmarkService\nmode: server_stream\n"
      "server_behavior: {response_count: 1}\n");
  EXPECT_TRUE(slots.Check(benchmark, &error)) << error;
  benchmark.behavior.response_count = 0;  // past the loader, which refuses 0
  EXPECT_FALSE(slots.Check(benchmark, &error));
  EXPECT_NE(error.find("response_count"), std::string::npos) << error;

  scenario::Scenario v1 = LoadFirstRun(kUnary);
  v1.behavior.failure.code = "NOT_A_STATUS";  // past the loader, which knows the names
  EXPECT_FALSE(slots.Check(v1, &error));
  EXPECT_NE(error.find("server_behavior.failure.code"), std::string::npos) << error;
}

}  // namespace
}  // namespace streambench::runner
