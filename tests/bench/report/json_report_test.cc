#include "bench/report/json_report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bench/report/result_fields.h"
#include "tests/bench/report/test_results.h"

namespace streambench::report {
namespace {

using testing::SampleResult;

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/report_json_" + std::to_string(getpid()) + "_" + name;
}

bool SameValue(const FieldRef& a, const FieldRef& b) {
  return std::visit([&b](auto* x) { return *x == *std::get<decltype(x)>(b); }, a);
}

// Every statistic of the latency table.
void ExpectLatencyEq(LatencySummary a, LatencySummary b) {
  for (const LatencyStat& stat : LatencyStats()) {
    EXPECT_TRUE(SameValue(stat.ref(a), stat.ref(b))) << stat.name;
  }
}

// Every stored field of the field table that the JSON carries for `a`, then the composites.
void ExpectRunEq(RunResult a, RunResult b) {
  for (const RunField& field : RunFields()) {
    if (field.ref == nullptr || (field.written != nullptr && !field.written(a))) continue;
    EXPECT_TRUE(SameValue(field.ref(a), field.ref(b))) << field.json_path;
  }
  EXPECT_EQ(a.calls_by_code, b.calls_by_code);
  ASSERT_EQ(a.latency_us.size(), b.latency_us.size());
  for (const auto& [kind, summary] : a.latency_us) {
    ASSERT_EQ(b.latency_us.count(kind), 1u) << kind;
    ExpectLatencyEq(summary, b.latency_us.at(kind));
  }
  ASSERT_EQ(a.checks.size(), b.checks.size());
  for (size_t i = 0; i < a.checks.size(); ++i) {
    EXPECT_EQ(a.checks[i].name, b.checks[i].name);
    EXPECT_EQ(a.checks[i].passed, b.checks[i].passed);
    EXPECT_EQ(a.checks[i].detail, b.checks[i].detail);
  }
}

TEST(JsonReportTest, FileRoundTripKeepsEveryField) {
  const ScenarioResult original = SampleResult();
  const std::string path = TempPath("round_trip.json");
  std::string error;
  ASSERT_TRUE(WriteJsonFile(original, path, &error)) << error;
  std::ifstream tmp(path + ".tmp");
  EXPECT_FALSE(tmp.good()) << "the temp file is renamed away";

  ScenarioResult read;
  ASSERT_TRUE(ReadJsonFile(path, &read, &error)) << error;
  EXPECT_EQ(read.scenario, original.scenario);
  EXPECT_EQ(read.source_path, original.source_path);
  EXPECT_EQ(read.started_at, original.started_at);
  EXPECT_EQ(read.pass, original.pass);
  EXPECT_EQ(read.interrupted, original.interrupted);
  ASSERT_EQ(read.runs.size(), original.runs.size());
  for (size_t i = 0; i < read.runs.size(); ++i) ExpectRunEq(read.runs[i], original.runs[i]);
  std::remove(path.c_str());
}

TEST(JsonReportTest, OptionalObjectsAndGateChecksRoundTrip) {
  ScenarioResult original = SampleResult();
  RunResult& run = original.runs[0];
  run.mode = "upload";  // transfers are written for file transfers only
  run.transfers_verified = 7;
  run.transfers_failed = 1;
  run.generator = GeneratorCpu{1.5, 0.4, 0.9, 2, true, false};
  run.link = LinkResult{true, 40000, 100000000, 5, 600000, "rtt 40ms", 1, 2, 3, 4, 5};
  run.outages = {Outage{-0.5, 1.25, 3, true}, Outage{2, 0.5, 1, false}};
  run.dropped_ops = 12;
  run.messages_per_stream = StreamMessagesSummary{40, 2, 9.5, 3, 10, 11, 12};
  run.feed = FeedResult{37, 37, true, 0.125};
  // name, variant, metric, measured, limit, passed, detail, baseline figures
  const Check threshold{"error_rate < 1%",
                        "default",
                        "error_rate",
                        0.1,
                        0.01,
                        false,
                        "error_rate = 10.0%, limit < 1%",
                        std::nullopt};
  const Check baseline{
      "message_latency.p99",
      "default",
      "message_latency.p99",
      1200,
      0,
      false,
      "",
      BaselineFigures{Better::kLower, std::numeric_limits<double>::infinity(), 0.25, false}};
  original.gate = GateResult{true, "base.json", {threshold}, {baseline}, false};

  ScenarioResult read;
  std::string error;
  ASSERT_TRUE(FromJson(ToJson(original), &read, &error)) << error;
  ExpectRunEq(read.runs[0], run);
  EXPECT_TRUE(read.runs[0].link.enabled);
  EXPECT_FALSE(read.runs[1].link.enabled);
  EXPECT_EQ(read.runs[0].messages_per_stream.streams, 40u);
  EXPECT_EQ(read.runs[0].messages_per_stream.p99, 11u);
  const nlohmann::json doc = nlohmann::json::parse(ToJson(original));
  EXPECT_EQ(doc["runs"][0]["messages_per_stream"]["streams_without_messages"], 2);
  EXPECT_FALSE(doc["runs"][1].contains("messages_per_stream"))
      << "only runs whose streams received on their own have it";
  EXPECT_EQ(read.runs[0].feed.lines_sent, 37u);
  EXPECT_TRUE(read.runs[0].feed.exhausted);
  EXPECT_EQ(doc["runs"][0]["feed"]["exhausted_after_s"], 0.125);
  EXPECT_FALSE(doc["runs"][1].contains("feed")) << "only runs with a `once` feed have it";
  ASSERT_EQ(read.runs[0].outages.size(), 2u);
  EXPECT_EQ(read.runs[0].outages[0].start_s, -0.5);
  EXPECT_FALSE(read.runs[0].outages[1].recovered);
  ASSERT_TRUE(read.gate.evaluated);
  EXPECT_EQ(read.gate.baseline_path, "base.json");
  ASSERT_EQ(read.gate.thresholds.size(), 1u);
  EXPECT_EQ(read.gate.thresholds[0].name, "error_rate < 1%");
  EXPECT_EQ(read.gate.thresholds[0].limit, 0.01);
  EXPECT_EQ(read.gate.thresholds[0].detail, "error_rate = 10.0%, limit < 1%");
  EXPECT_FALSE(read.gate.thresholds[0].baseline.has_value());
  ASSERT_EQ(read.gate.baseline.size(), 1u);
  EXPECT_EQ(read.gate.baseline[0].name, "message_latency.p99");
  EXPECT_EQ(read.gate.baseline[0].measured, 1200);
  ASSERT_TRUE(read.gate.baseline[0].baseline.has_value());
  EXPECT_TRUE(std::isinf(read.gate.baseline[0].baseline->ratio)) << "null reads as infinity";
  EXPECT_EQ(read.gate.baseline[0].baseline->tolerance_fraction, 0.25);
  // And the document says it the same way again.
  EXPECT_EQ(ToJson(read), ToJson(original));
}

TEST(JsonReportTest, RequiredKeysArePresentWithDocumentedTypes) {
  const nlohmann::json j = nlohmann::json::parse(ToJson(SampleResult()));
  EXPECT_EQ(j.at("schema_version"), kResultsSchemaVersion);
  EXPECT_EQ(j.at("scenario"), "bidi_pingpong");
  EXPECT_TRUE(j.at("source").is_string());
  EXPECT_TRUE(j.at("started_at").is_string());
  EXPECT_EQ(j.at("pass"), false);
  EXPECT_EQ(j.at("interrupted"), true);
  ASSERT_EQ(j.at("runs").size(), 2u);
  const nlohmann::json& run = j.at("runs")[0];
  for (const char* key :
       {"variant", "mode", "service", "target", "repeat", "duration_s", "interrupted", "pass",
        "messages", "bytes", "calls", "throughput", "latency_us", "integrity", "checks"}) {
    EXPECT_TRUE(run.contains(key)) << key;
  }
  EXPECT_EQ(run.at("messages").at("sent"), 123456);
  EXPECT_EQ(run.at("messages").at("received"), 123400);
  EXPECT_EQ(run.at("bytes").at("sent"), 7901184);
  EXPECT_EQ(run.at("calls").at("by_code").at("UNAVAILABLE"), 10);
  EXPECT_EQ(run.at("calls").at("finished"), 100);
  for (const char* key :
       {"messages_per_s", "messages_sent_per_s", "messages_received_per_s", "bytes_sent_per_s",
        "bytes_received_per_s", "calls_per_s", "target_rate_per_s"}) {
    EXPECT_TRUE(run.at("throughput").at(key).is_number()) << key;
  }
  EXPECT_EQ(run.at("throughput").at("messages_per_s"), 24083.5);
  for (const char* kind : {"message", "call"}) {
    for (const char* stat : {"p50", "p90", "p99", "p999", "max", "mean", "min", "count"}) {
      EXPECT_TRUE(run.at("latency_us").at(kind).at(stat).is_number()) << kind << "." << stat;
    }
  }
  EXPECT_EQ(run.at("latency_us").at("message").at("p99"), 1234.0);
  EXPECT_EQ(run.at("latency_us").at("schedule_lag").at("count"), 5);
  EXPECT_FALSE(run.at("latency_us").contains("write_blocked")) << "only recorded kinds";
  for (const char* kind : {"lost", "duplicated", "reordered", "corrupted"}) {
    EXPECT_TRUE(run.at("integrity").at(kind).is_number_unsigned()) << kind;
  }
  ASSERT_EQ(run.at("checks").size(), 2u);
  EXPECT_EQ(run.at("checks")[1].at("name"), "integrity errors");
  EXPECT_EQ(run.at("checks")[1].at("passed"), false);
  EXPECT_EQ(run.at("checks")[1].at("detail"), "10, \"quoted\"; expected 0");
}

TEST(JsonReportTest, MessageAndCallLatencyAlwaysWritten) {
  ScenarioResult result;
  result.scenario = "empty";
  result.runs.emplace_back();
  const nlohmann::json j = nlohmann::json::parse(ToJson(result));
  EXPECT_EQ(j["runs"][0]["latency_us"]["message"]["count"], 0);
  EXPECT_EQ(j["runs"][0]["latency_us"]["call"]["p99"], 0.0);
  // ...and reading it back does not invent recorded kinds.
  ScenarioResult read;
  std::string error;
  ASSERT_TRUE(FromJson(ToJson(result), &read, &error)) << error;
  EXPECT_TRUE(read.runs[0].latency_us.empty());
}

TEST(JsonReportTest, WrongTypeNamesTheKeyPath) {
  nlohmann::json j = nlohmann::json::parse(ToJson(SampleResult()));
  j["runs"][1]["messages"]["sent"] = "many";
  ScenarioResult read;
  std::string error;
  EXPECT_FALSE(FromJson(j.dump(), &read, &error));
  EXPECT_EQ(error, "runs[1].messages.sent: expected an unsigned integer");
}

TEST(JsonReportTest, MissingRequiredKeyIsAnError) {
  nlohmann::json j = nlohmann::json::parse(ToJson(SampleResult()));
  j.erase("runs");
  ScenarioResult read;
  std::string error;
  EXPECT_FALSE(FromJson(j.dump(), &read, &error));
  EXPECT_EQ(error, "runs: missing required key");

  j = nlohmann::json::parse(ToJson(SampleResult()));
  j["runs"][0].erase("variant");
  EXPECT_FALSE(FromJson(j.dump(), &read, &error));
  EXPECT_EQ(error, "runs[0].variant: missing required key");
}

TEST(JsonReportTest, NotJsonOrWrongVersionIsAnError) {
  ScenarioResult read;
  std::string error;
  EXPECT_FALSE(FromJson("{\"scenario\": ", &read, &error));
  EXPECT_EQ(error, "not valid JSON");
  EXPECT_FALSE(FromJson("[1, 2]", &read, &error));
  EXPECT_EQ(error, "expected a JSON object at the top level");
  EXPECT_FALSE(FromJson(R"({"schema_version": 99, "scenario": "x", "runs": []})", &read, &error));
  EXPECT_EQ(error, "schema_version: unsupported version 99 (this build reads 1)");
}

TEST(JsonReportTest, ReadErrorsNameTheFile) {
  ScenarioResult read;
  std::string error;
  const std::string missing = TempPath("does_not_exist.json");
  EXPECT_FALSE(ReadJsonFile(missing, &read, &error));
  EXPECT_NE(error.find(missing), std::string::npos) << error;

  const std::string bad = TempPath("bad.json");
  std::ofstream(bad) << "not json";
  EXPECT_FALSE(ReadJsonFile(bad, &read, &error));
  EXPECT_EQ(error, bad + ": not valid JSON");
  std::remove(bad.c_str());
}

TEST(JsonReportTest, WriteToMissingDirectoryFailsWithoutLeavingFiles) {
  std::string error;
  const std::string path = TempPath("no_such_dir") + "/results.json";
  EXPECT_FALSE(WriteJsonFile(SampleResult(), path, &error));
  EXPECT_NE(error.find(path + ".tmp"), std::string::npos) << error;
}

TEST(JsonReportTest, OverwritesAnExistingFileWhole) {
  const std::string path = TempPath("overwrite.json");
  std::ofstream(path) << std::string(100000, 'x');
  std::string error;
  ASSERT_TRUE(WriteJsonFile(SampleResult(), path, &error)) << error;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_TRUE(nlohmann::json::accept(text.str()));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace streambench::report

namespace streambench::report {
namespace {

stats::CompactHistogram HistogramOf(std::initializer_list<int64_t> values_ns) {
  stats::LogLinearHistogram h;
  for (int64_t v : values_ns) h.Record(v);
  return stats::Compact(h);
}

void ExpectSameCompact(const stats::CompactHistogram& a, const stats::CompactHistogram& b) {
  EXPECT_EQ(a.min_ns, b.min_ns);
  EXPECT_EQ(a.max_ns, b.max_ns);
  EXPECT_EQ(a.sum_ns, b.sum_ns);
  EXPECT_EQ(a.buckets, b.buckets);
}

TEST(JsonReportTest, HistogramsSeriesAndShardRoundTripLosslessly) {
  ScenarioResult original = testing::SampleResult();
  RunResult& run = original.runs[0];
  run.latency_histograms["message"] = HistogramOf({900, 1500, 250'000, 7'000'000, 7'000'001});
  run.latency_histograms["call"] = HistogramOf({3'600'000'000'000});
  IntervalPoint p;
  p.t_s = 3;
  p.duration_s = 1.02;
  p.messages_sent = 10;
  p.messages_received = 9;
  p.calls_finished = 2;
  p.calls_by_code = {{"OK", 1}, {"UNAVAILABLE", 1}};
  p.latency["message"] = HistogramOf({1000, 2000, 3000});
  p.latency["schedule_lag"] = HistogramOf({10, 20});
  run.series = {p};
  run.late_start_s = 0.25;
  original.shard.sharded = true;
  original.shard.index = 2;
  original.shard.count = 4;
  original.shard.start_at = "2026-12-03T20:00:00Z";

  ScenarioResult read;
  std::string error;
  ASSERT_TRUE(FromJson(ToJson(original), &read, &error)) << error;
  const RunResult& back = read.runs[0];
  ASSERT_EQ(back.latency_histograms.size(), 2u);
  ExpectSameCompact(back.latency_histograms.at("message"), run.latency_histograms["message"]);
  ExpectSameCompact(back.latency_histograms.at("call"), run.latency_histograms["call"]);
  ASSERT_EQ(back.series.size(), 1u);
  EXPECT_EQ(back.series[0].t_s, 3);
  EXPECT_EQ(back.series[0].messages_received, 9u);
  EXPECT_EQ(back.series[0].calls_by_code, p.calls_by_code);
  ASSERT_EQ(back.series[0].latency.size(), 2u);
  ExpectSameCompact(back.series[0].latency.at("message"), p.latency.at("message"));
  ExpectSameCompact(back.series[0].latency.at("schedule_lag"), p.latency.at("schedule_lag"));
  EXPECT_EQ(back.late_start_s, 0.25);
  EXPECT_TRUE(read.shard.sharded);
  EXPECT_EQ(read.shard.index, 2);
  EXPECT_EQ(read.shard.count, 4);
  EXPECT_EQ(read.shard.start_at, "2026-12-03T20:00:00Z");
  EXPECT_EQ(ToJson(read), ToJson(original));
  // Runs without them (older files) write neither key.
  const nlohmann::json doc = nlohmann::json::parse(ToJson(original));
  EXPECT_FALSE(doc["runs"][1].contains("histograms"));
  EXPECT_FALSE(doc["runs"][1].contains("series"));
  EXPECT_FALSE(doc["runs"][1].contains("late_start_s"));
  EXPECT_EQ(doc["runs"][0]["series"][0]["latency_us"]["message"]["count"], 3);
  EXPECT_EQ(doc["runs"][0]["series"][0]["latency_us"]["schedule_lag"]["count"], 2);
}

TEST(JsonReportTest, CorruptHistogramBucketsNameThePath) {
  ScenarioResult original = testing::SampleResult();
  original.runs[0].latency_histograms["message"] = HistogramOf({900, 1500});
  nlohmann::json doc = nlohmann::json::parse(ToJson(original));
  const std::string buckets = doc["runs"][0]["histograms"]["message"]["buckets"];
  // A third pair whose index is below the first two.
  doc["runs"][0]["histograms"]["message"]["buckets"] = buckets + " 1:1";
  ScenarioResult read;
  std::string error;
  EXPECT_FALSE(FromJson(doc.dump(), &read, &error));
  EXPECT_NE(error.find("runs[0].histograms.message.buckets: bucket 2"), std::string::npos) << error;
  doc["runs"][0]["histograms"]["message"]["buckets"] = buckets + " 7";
  EXPECT_FALSE(FromJson(doc.dump(), &read, &error));
  EXPECT_NE(error.find("expected 'index:count' pairs"), std::string::npos) << error;
}

}  // namespace
}  // namespace streambench::report
