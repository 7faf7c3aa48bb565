#include "bench/report/result_sink.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "bench/report/atomic_file.h"
#include "bench/report/json_report.h"
#include "tests/bench/report/test_results.h"

namespace streambench::report {
namespace {

// Records what it was given; fails when told to.
class RecordingSink : public ResultSink {
 public:
  RecordingSink(std::vector<std::string>* log, std::string name, bool fail)
      : log_(log), name_(std::move(name)), fail_(fail) {}
  bool Write(const ScenarioResult& result, std::vector<std::string>* errors) override {
    log_->push_back(name_ + ":" + result.scenario);
    if (fail_) errors->push_back(name_ + " failed");
    return !fail_;
  }

 private:
  std::vector<std::string>* log_;
  std::string name_;
  bool fail_;
};

TEST(CompositeSinkTest, WritesEverySinkInOrderEvenAfterAFailure) {
  std::vector<std::string> log;
  CompositeSink sinks;
  sinks.Add(std::make_unique<RecordingSink>(&log, "a", false));
  sinks.Add(std::make_unique<RecordingSink>(&log, "b", true));
  sinks.Add(std::make_unique<RecordingSink>(&log, "c", false));
  std::vector<std::string> errors;
  EXPECT_FALSE(sinks.Write(testing::SampleResult(), &errors));
  EXPECT_EQ(log,
            (std::vector<std::string>{"a:bidi_pingpong", "b:bidi_pingpong", "c:bidi_pingpong"}));
  EXPECT_EQ(errors, std::vector<std::string>{"b failed"});

  CompositeSink empty;
  EXPECT_TRUE(empty.Write(testing::SampleResult(), &errors));
}

TEST(ResultSinkTest, ConsoleAndJsonSinksWriteWhatTheirFormattersDo) {
  const ScenarioResult result = testing::SampleResult();
  std::ostringstream out;
  std::vector<std::string> errors;
  EXPECT_TRUE(ConsoleSink(out).Write(result, &errors));
  EXPECT_NE(out.str().find("== variant default"), std::string::npos) << out.str();

  const std::string path = ::testing::TempDir() + "/sink_" + std::to_string(getpid()) + ".json";
  EXPECT_TRUE(JsonFileSink(path)->Write(result, &errors));
  std::string text, error;
  ASSERT_TRUE(ReadWholeFile(path, &text, &error)) << error;
  EXPECT_EQ(text, ToJson(result));
  std::remove(path.c_str());
  EXPECT_TRUE(errors.empty());
}

TEST(ResultSinkTest, AFileSinkThatCannotWriteNamesThePath) {
  std::vector<std::string> errors;
  EXPECT_FALSE(CsvFileSink("/nonexistent-dir/x.csv")->Write(testing::SampleResult(), &errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("/nonexistent-dir/x.csv"), std::string::npos) << errors[0];
}

}  // namespace
}  // namespace streambench::report
