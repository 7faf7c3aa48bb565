// `server_behavior.integrity_faults`: the two forms of each kind (`every N`, a probability), the
// modes each kind applies to, and errors that name the file, line and key.
#include <gtest/gtest.h>

#include <string>

#include "bench/scenario/scenario_loader.h"

namespace streambench::scenario {
namespace {

std::string LoadErrorText(const std::string& text) {
  ScenarioFile file;
  LoadError error;
  if (LoadScenarioString(text, "f.yaml", {}, &file, &error)) return "(loaded)";
  return error.ToString();
}

void ExpectLoadError(const std::string& text, const std::string& fragment) {
  const std::string error = LoadErrorText(text);
  EXPECT_NE(error.find(fragment), std::string::npos) << error;
}

TEST(IntegrityFaultKeysTest, ReadsEveryNthAndProbabilities) {
  ScenarioFile file;
  LoadError error;
  ASSERT_TRUE(LoadScenarioString(R"(name: f
mode: server_stream
server_behavior:
  integrity_faults: {drop: every 5, duplicate: 0.01, reorder: 2%, corrupt: every 1}
)",
                                 "f.yaml", {}, &file, &error))
      << error.ToString();
  const IntegrityFaultsSpec& f = file.runs[0].behavior.integrity_faults;
  EXPECT_EQ(f.drop.every_nth, 5u);
  EXPECT_EQ(f.drop.probability, 0.0);
  EXPECT_DOUBLE_EQ(f.duplicate.probability, 0.01);
  EXPECT_EQ(f.duplicate.every_nth, 0u);
  EXPECT_DOUBLE_EQ(f.reorder.probability, 0.02);
  EXPECT_EQ(f.corrupt.every_nth, 1u);
  EXPECT_TRUE(f.Any());

  ASSERT_TRUE(LoadScenarioString("name: f\nmode: unary\n", "f.yaml", {}, &file, &error));
  EXPECT_FALSE(file.runs[0].behavior.integrity_faults.Any()) << "off unless asked";
  ASSERT_TRUE(LoadScenarioString(
      "name: f\nmode: unary\nserver_behavior: {integrity_faults: {corrupt: every 3}}\n", "f.yaml",
      {}, &file, &error))
      << error.ToString();
  EXPECT_EQ(file.runs[0].behavior.integrity_faults.corrupt.every_nth, 3u);
  ASSERT_TRUE(LoadScenarioString(
      "name: f\nmode: bidi\nserver_behavior: {bidi: independent, integrity_faults: {drop: 0.5}}\n",
      "f.yaml", {}, &file, &error))
      << error.ToString();
}

TEST(IntegrityFaultKeysTest, SubscribeTakesServerBehaviorForItsFaultsOnly) {
  const std::string subscribe =
      "name: f\nmode: subscribe\npubsub: {topics: 1, subscribers: 1, publishers: 1, "
      "publish_rate: 10/s}\n";
  ScenarioFile file;
  LoadError error;
  ASSERT_TRUE(
      LoadScenarioString(subscribe + "server_behavior: {integrity_faults: {duplicate: every 4}}\n",
                         "f.yaml", {}, &file, &error))
      << error.ToString();
  EXPECT_EQ(file.runs[0].behavior.integrity_faults.duplicate.every_nth, 4u);
  ExpectLoadError(subscribe +
                      "server_behavior: {response_size: 1KiB, integrity_faults: {drop: "
                      "every 2}}\n",
                  "server_behavior.response_size: does not apply to subscribe");
  ExpectLoadError(subscribe + "server_behavior: {response_size: 1KiB}\n", "applies to");
  ExpectLoadError(
      "name: f\nmode: upload\nserver_behavior: {integrity_faults: {corrupt: every 2}}\n",
      "does not apply to upload");
}

TEST(IntegrityFaultKeysTest, ChatAndDownloadTakeServerBehaviorForTheirFaultsOnly) {
  const std::string chat = "name: f\nmode: chat\nchat: {message_rate: 10/s}\n";
  const std::string download = "name: f\nmode: download\n";
  for (const std::string& base : {chat, download}) {
    ScenarioFile file;
    LoadError error;
    ASSERT_TRUE(LoadScenarioString(
        base + "server_behavior: {integrity_faults: {drop: every 3, reorder: 1%}}\n", "f.yaml", {},
        &file, &error))
        << error.ToString();
    EXPECT_EQ(file.runs[0].behavior.integrity_faults.drop.every_nth, 3u);
    EXPECT_DOUBLE_EQ(file.runs[0].behavior.integrity_faults.reorder.probability, 0.01);
  }
  ExpectLoadError(chat +
                      "server_behavior: {response_count: 3, integrity_faults: {drop: every "
                      "2}}\n",
                  "server_behavior.response_count: does not apply to chat");
  ExpectLoadError(download +
                      "server_behavior: {response_size: 1KiB, integrity_faults: {drop: "
                      "every 2}}\n",
                  "server_behavior.response_size: does not apply to download");
}

TEST(IntegrityFaultKeysTest, BadValuesAndModesNameFileLineAndKey) {
  ExpectLoadError("name: f\nmode: bidi\nserver_behavior:\n  integrity_faults: {drop: every 0}\n",
                  "f.yaml:4");
  ExpectLoadError("name: f\nmode: bidi\nserver_behavior:\n  integrity_faults: {drop: every 0}\n",
                  "server_behavior.integrity_faults.drop: expected `every N`");
  ExpectLoadError("name: f\nmode: bidi\nserver_behavior: {integrity_faults: {drop: each 5}}\n",
                  "got `each 5`");
  ExpectLoadError("name: f\nmode: bidi\nserver_behavior: {integrity_faults: {corrupt: 1.5}}\n",
                  "server_behavior.integrity_faults.corrupt");
  ExpectLoadError("name: f\nmode: bidi\nserver_behavior: {integrity_faults: {drop: every x}}\n",
                  "expected `every N`");
  ExpectLoadError("name: f\nmode: bidi\nserver_behavior: {integrity_faults: {dorp: every 2}}\n",
                  "drop");
  ExpectLoadError("name: f\nmode: bidi\nserver_behavior: {integrity_faults: every 2}\n",
                  "expected a mapping");
  ExpectLoadError("name: f\nmode: unary\nserver_behavior: {integrity_faults: {drop: every 2}}\n",
                  "does not apply to unary");
  ExpectLoadError(
      "name: f\nmode: client_stream\nserver_behavior: {integrity_faults: {corrupt: every 2}}\n",
      "does not apply to client_stream");
  ExpectLoadError(
      "name: f\nmode: bidi\nservice: grpc.testing.BenchmarkService\n"
      "server_behavior: {integrity_faults: {corrupt: every 2}}\n",
      "needs service streambench.v1");
}

}  // namespace
}  // namespace streambench::scenario
