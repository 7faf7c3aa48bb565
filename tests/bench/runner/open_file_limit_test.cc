// The open-file budget: what a scenario file needs (connections, doubled against the embedded
// server, summed over concurrent runs), a refusal that names the file, the need and the limit,
// and the soft limit raised to the hard one.
#include "bench/runner/open_file_limit.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <string>

namespace streambench::runner {
namespace {

scenario::Scenario RunOf(uint32_t connections, bool embedded) {
  scenario::Scenario run;
  run.connections = connections;
  if (!embedded) run.target.addresses = {"127.0.0.1:1"};
  return run;
}

TEST(OpenFileLimitTest, NeedCountsConnectionsTheEmbeddedServerAndConcurrentRuns) {
  scenario::ScenarioFile file;
  file.runs = {RunOf(1000, /*embedded=*/false), RunOf(300, /*embedded=*/true)};
  const uint64_t reserve = OpenFilesNeeded(scenario::ScenarioFile{});
  EXPECT_GT(reserve, 0u);
  // One after another: the largest run (1000 sockets against 600 with the embedded server).
  EXPECT_EQ(OpenFilesNeeded(file), 1000 + reserve);
  file.concurrent = true;
  EXPECT_EQ(OpenFilesNeeded(file), 1000 + 600 + reserve);
}

TEST(OpenFileLimitTest, AScenarioOverTheLimitIsRefusedWithTheNumbers) {
  scenario::ScenarioFile file;
  file.path = "many.yaml";
  file.runs = {RunOf(5000, /*embedded=*/false)};
  OpenFileLimit limit;
  limit.soft_before = 1024;
  limit.soft = limit.hard = 4096;
  std::string error;
  EXPECT_FALSE(FitsOpenFileLimit(file, limit, &error));
  EXPECT_NE(error.find("many.yaml"), std::string::npos) << error;
  EXPECT_NE(error.find(std::to_string(OpenFilesNeeded(file))), std::string::npos) << error;
  EXPECT_NE(error.find("4096"), std::string::npos) << error;
  limit.soft = limit.hard = OpenFilesNeeded(file);
  error.clear();
  EXPECT_TRUE(FitsOpenFileLimit(file, limit, &error)) << error;
}

TEST(OpenFileLimitTest, TheSoftLimitIsRaisedToTheHardLimit) {
  rlimit original{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &original), 0);
  rlimit lowered = original;
  lowered.rlim_cur = std::min<rlim_t>(original.rlim_max, 256);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
  const OpenFileLimit limit = RaiseOpenFileLimit();
  EXPECT_EQ(limit.soft_before, lowered.rlim_cur);
  EXPECT_EQ(limit.soft, original.rlim_max);
  EXPECT_EQ(limit.hard, original.rlim_max);
  rlimit now{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &now), 0);
  EXPECT_EQ(now.rlim_cur, original.rlim_max);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &original), 0);
}

}  // namespace
}  // namespace streambench::runner
