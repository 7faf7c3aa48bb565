// The keys of a scenario that names a method of any service: read into MethodSpec with their
// positions, and the rules between them and the rest of the scenario, each refused with its line.
#include <gtest/gtest.h>

#include <string>

#include "bench/scenario/scenario_loader.h"

namespace streambench::scenario {
namespace {

bool Load(const std::string& text, ScenarioFile* file, LoadError* error) {
  return LoadScenarioString(text, "m.yaml", {}, file, error);
}

std::string ErrorOf(const std::string& text) {
  ScenarioFile file;
  LoadError error;
  if (Load(text, &file, &error)) return "";
  return error.ToString();
}

constexpr char kHeader[] = "name: any\nservice: acme.echo.v1.EchoService\nmethod: Converse\n";

TEST(MethodKeysTest, ReadsEveryKeyWithItsPosition) {
  ScenarioFile file;
  LoadError error;
  ASSERT_TRUE(Load(std::string(kHeader) +
                       "proto: {files: [acme/echo.proto], import_paths: [protos, more]}\n"
                       "metadata: {authorization: \"Bearer {{env.T}}\", x-id: \"{{uuid}}\"}\n"
                       "request:\n  json: {id: \"n-{{seq}}\", text: hello}\n"
                       "response:\n  pairing: independent\n"
                       "  correlate: {request: id, response: reply_to}\n"
                       "  expect: {fields: {ok: true}}\n",
                   &file, &error))
      << error.ToString();
  const Scenario& s = file.runs.at(0);
  EXPECT_EQ(s.target.service, TargetService::kAnyService);
  EXPECT_EQ(ServiceName(s), "acme.echo.v1.EchoService");
  EXPECT_EQ(s.method.method, "Converse");
  EXPECT_FALSE(s.method.mode_given);
  EXPECT_EQ(s.method.method_at.line, 3);
  EXPECT_EQ(s.method.proto.kind, ProtoSourceSpec::Kind::kFiles);
  EXPECT_EQ(s.method.proto.files, std::vector<std::string>{"acme/echo.proto"});
  EXPECT_EQ(s.method.proto.import_paths, (std::vector<std::string>{"protos", "more"}));
  ASSERT_EQ(s.method.metadata.size(), 2u);
  EXPECT_EQ(s.method.metadata[0].first, "authorization");
  EXPECT_EQ(s.method.metadata[0].second, "Bearer {{env.T}}");
  ASSERT_TRUE(s.method.request_json.IsMap());
  EXPECT_EQ(s.method.request_json.line, 7);
  EXPECT_EQ(s.method.pairing, ResponsePairing::kIndependent);
  EXPECT_EQ(s.method.correlate_request, "id");
  EXPECT_EQ(s.method.correlate_response, "reply_to");
  EXPECT_TRUE(s.method.expect_fields.IsMap());
}

TEST(MethodKeysTest, ARequestFeedInsteadOfJson) {
  ScenarioFile file;
  LoadError error;
  ASSERT_TRUE(Load(std::string(kHeader) +
                       "proto: {protoset: x.pb}\nrequest:\n  feed: data/notes.jsonl\n"
                       "  feed_order: cycle\n",
                   &file, &error))
      << error.ToString();
  const MethodSpec& m = file.runs.at(0).method;
  EXPECT_EQ(m.request_feed, "data/notes.jsonl");
  EXPECT_EQ(m.feed_order, FeedOrder::kCycle);
  EXPECT_EQ(m.request_feed_at.line, 6);
  EXPECT_EQ(m.request_feed_at.column, 9);
  ASSERT_TRUE(Load(std::string(kHeader) + "proto: {protoset: x.pb}\nrequest: {feed: n.jsonl}\n",
                   &file, &error));
  EXPECT_EQ(file.runs.at(0).method.feed_order, FeedOrder::kCycle);

  EXPECT_NE(ErrorOf(std::string(kHeader) +
                    "proto: {protoset: x.pb}\nrequest: {json: {id: a}, feed: n.jsonl}\n")
                .find("m.yaml:5:17: request.json: and `request.feed` both say what to send; give "
                      "exactly one of them"),
            std::string::npos);
  EXPECT_NE(ErrorOf(std::string(kHeader) + "proto: {protoset: x.pb}\nrequest: {feed_order: once}\n")
                .find("m.yaml:5:23: request.feed_order: applies to `request.feed` only"),
            std::string::npos);
  EXPECT_NE(ErrorOf(std::string(kHeader) +
                    "proto: {protoset: x.pb}\nrequest: {feed: n.jsonl, feed_order: twice}\n")
                .find("request.feed_order: "),
            std::string::npos);
  // `once` with no warm-up; a warm-up (given, or the 1s default) would use up lines whose
  // results are thrown away.
  ASSERT_TRUE(Load(std::string(kHeader) +
                       "proto: {protoset: x.pb}\nrequest: {feed: n.jsonl, feed_order: once}\n"
                       "warmup: 0s\n",
                   &file, &error))
      << error.ToString();
  EXPECT_EQ(file.runs.at(0).method.feed_order, FeedOrder::kOnce);
  EXPECT_NE(ErrorOf(std::string(kHeader) +
                    "proto: {protoset: x.pb}\nrequest: {feed: n.jsonl, feed_order: once}\n")
                .find("m.yaml:5:38: warmup: `request.feed_order: once` sends each line once, and "
                      "a warm-up's results are not reported, so its lines would be lost to the "
                      "measurement; set `warmup: 0s`"),
            std::string::npos);
  EXPECT_NE(ErrorOf(std::string(kHeader) +
                    "proto: {protoset: x.pb}\nrequest: {feed: n.jsonl, feed_order: once}\n"
                    "warmup: 2s\n")
                .find("m.yaml:6:9: warmup: `request.feed_order: once` sends each line once"),
            std::string::npos);
  EXPECT_NE(ErrorOf(std::string(kHeader) + "proto: {protoset: x.pb}\nrequest: {feed: \"\"}\n")
                .find("m.yaml:5:17: request.feed: is empty"),
            std::string::npos);
  EXPECT_NE(ErrorOf("name: x\nmode: bidi\nrequest: {feed: n.jsonl}\n")
                .find("m.yaml:3:17: request.feed: applies only to a scenario that names a"),
            std::string::npos);
}

TEST(MethodKeysTest, CorrelatedPairingNeedsCorrelate) {
  const std::string base = std::string(kHeader) + "proto: {protoset: x.pb}\n";
  ScenarioFile file;
  LoadError error;
  ASSERT_TRUE(Load(base + "load: {type: constant, rate: 100/s}\nresponse:\n  pairing: correlated\n"
                          "  correlate: {request: id, response: reply_to}\n",
                   &file, &error))
      << error.ToString();
  EXPECT_EQ(file.runs.at(0).method.pairing, ResponsePairing::kCorrelated);
  EXPECT_NE(ErrorOf(base + "load: {type: constant, rate: 100/s}\n"
                           "response: {pairing: correlated}\n")
                .find("m.yaml:6:21: response.pairing: `correlated` pairs each response with its "
                      "request by `response.correlate`, which is missing"),
            std::string::npos);
  // Closed loop too: each first answer sends the next request.
  ASSERT_TRUE(Load(base + "load: {type: closed, outstanding: 4}\nresponse:\n"
                          "  pairing: correlated\n  correlate: {request: id, response: reply_to}\n",
                   &file, &error))
      << error.ToString();
  EXPECT_EQ(file.runs.at(0).method.pairing, ResponsePairing::kCorrelated);
  EXPECT_EQ(file.runs.at(0).load.model, LoadModel::kClosed);
}

TEST(MethodKeysTest, TheBuiltInServicesStayAsTheyWere) {
  ScenarioFile file;
  LoadError error;
  ASSERT_TRUE(
      Load("name: b\nmode: unary\nservice: grpc.testing.BenchmarkService\n", &file, &error));
  EXPECT_EQ(file.runs[0].target.service, TargetService::kGrpcTestingBenchmark);
  EXPECT_EQ(ErrorOf("name: b\nservice: grpc.testing.BenchmarkService\n"),
            "m.yaml:1:1: mode: required key `mode` is missing; one of unary, server_stream, "
            "client_stream, bidi, upload, download, subscribe, chat");
}

TEST(MethodKeysTest, RulesBetweenKeysNameTheLine) {
  EXPECT_EQ(ErrorOf("name: x\nmode: bidi\nservice: acme.X\n"),
            "m.yaml:3:10: service: `acme.X` is not a built-in service (streambench.v1, "
            "grpc.testing.BenchmarkService); to drive another service, name its `method:` and "
            "where its descriptors come from (`proto:`)");
  EXPECT_EQ(ErrorOf("name: x\nmode: bidi\nmethod: Converse\n"),
            "m.yaml:3:9: method: needs `service:`, the fully qualified name of the method's "
            "service");
  EXPECT_NE(ErrorOf(std::string(kHeader)).find("required key `proto` is missing"),
            std::string::npos);
  EXPECT_NE(ErrorOf(std::string(kHeader) + "proto: {files: [a.proto], reflection: true}\n")
                .find("m.yaml:4:8: proto: names several sources"),
            std::string::npos);
  EXPECT_NE(ErrorOf(std::string(kHeader) + "proto: {reflection: true}\n")
                .find("m.yaml:4:8: mode: with `proto: {reflection: true}`"),
            std::string::npos);
  EXPECT_NE(ErrorOf(std::string(kHeader) + "proto: {protoset: x.pb}\nserver_behavior: {}\n")
                .find("m.yaml:5:18: server_behavior: applies to the built-in services only"),
            std::string::npos);
  EXPECT_NE(ErrorOf("name: x\nmode: bidi\nrequest: {json: {a: 1}}\n")
                .find("m.yaml:3:17: request.json: applies only to a scenario that names a"),
            std::string::npos);
  EXPECT_NE(ErrorOf(std::string(kHeader) + "proto: {protoset: x.pb}\nmetadata: {Auth: x}\n")
                .find("m.yaml:5:12: metadata.Auth: a metadata name is lower case"),
            std::string::npos);
  EXPECT_NE(ErrorOf(std::string(kHeader) +
                    "proto: {protoset: x.pb}\nmode: unary\nresponse: {pairing: independent}\n")
                .find("m.yaml:6:21: response.pairing: applies to bidi methods only"),
            std::string::npos);
}

}  // namespace
}  // namespace streambench::scenario
