// `streambench` driving methods it has no compiled stub for, through the real CLI on loopback:
// the reference server by server reflection (bidi, correlated and checked), grpc.testing's
// TestService from its .proto files in all four modes, a Python grpcio server with injected
// faults counted exactly, request feeds (cycled, and sent once: the run ends when the feed runs
// out), correlated pairing in open and closed loop, and the bad inputs with their exit codes and
// positions.
#include <gtest/gtest.h>

#include <string>

#include "tests/bench/runner/cli_test_fixture.h"
#include "tests/foreign/foreign_echo_server.h"

namespace streambench::testing {
namespace {

using nlohmann::json;

const std::string kSource = STREAMBENCH_SOURCE_DIR;

class AnyServiceTest : public CliFixture {
 protected:
  // Runs `yaml` (written as s.yaml) briefly; the results JSON's first run in *run.
  CliResult Run(const std::string& yaml, json* run, const std::string& target = "") {
    const std::string path = Write("s.yaml", yaml);
    std::vector<std::string> args = {"run", path, "--out", Path("r.json")};
    if (!target.empty()) args.insert(args.end(), {"--target", target});
    CliResult result = Cli(args);
    if (run != nullptr && std::filesystem::exists(Path("r.json"))) {
      *run = ReadJson(Path("r.json"))["runs"][0];
    }
    return result;
  }
  CliResult Validate(const std::string& yaml) { return Cli({"validate", Write("s.yaml", yaml)}); }

  static uint64_t Count(const json& run, const std::string& kind) {
    return run["latency_us"].contains(kind) ? run["latency_us"][kind]["count"].get<uint64_t>() : 0;
  }
};

// Against the embedded reference server, whose descriptors come from its own reflection; each
// response's `seq` checked against `expected_seq`.
std::string ReflectionBidi(const std::string& expected_seq) {
  return "name: refl\nservice: streambench.v1.StreamBench\nmethod: Bidi\nmode: bidi\n"
         "proto: {reflection: true}\nmetadata: {x-request-id: \"{{uuid}}\"}\n"
         "request:\n  json: {seq: \"{{seq}}\"}\n"
         "response:\n  correlate: {request: seq, response: request_seq}\n"
         "  expect: {fields: {seq: " +
         expected_seq + "}}\nwarmup: 0s\nduration: 300ms\n";
}

TEST_F(AnyServiceTest, ReflectionOnTheEmbeddedServerTimesCorrelatesAndChecksEveryMessage) {
  json run;
  CliResult r = Run(ReflectionBidi("{regex: \"^[0-9]+$\"}"), &run);
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_EQ(run["service"], "streambench.v1.StreamBench");
  const uint64_t received = run["messages"]["received"];
  EXPECT_GT(received, 0u);
  EXPECT_EQ(received, run["messages"]["sent"].get<uint64_t>());
  // Every response paired with its request and timed from it.
  EXPECT_EQ(Count(run, "message"), received);
  EXPECT_EQ(Count(run, "first_message"), run["calls"]["finished"].get<uint64_t>());
  EXPECT_EQ(run["integrity"]["lost"], 0);
  EXPECT_EQ(run["integrity"]["duplicated"], 0);
  EXPECT_EQ(run["integrity"]["reordered"], 0);
  EXPECT_EQ(run["integrity"]["corrupted"], 0);
  EXPECT_EQ(run["response_check_failures"], 0);

  // An assertion only one response of a stream meets (its seq is 3): every other one fails it,
  // and the run fails.
  r = Run(ReflectionBidi("3"), &run);
  EXPECT_EQ(r.code, 1) << r.err;
  const uint64_t streams = run["calls"]["finished"];
  EXPECT_EQ(run["response_check_failures"].get<uint64_t>(),
            run["messages"]["received"].get<uint64_t>() - streams);
}

// grpc.testing.TestService from proto/grpc/testing/*.proto, one scenario per call shape; the
// mode is left out, so it comes from each method's descriptor.
std::string TestServiceScenario(const std::string& method, const std::string& request,
                                const std::string& extra = "") {
  return "name: ts\nservice: grpc.testing.TestService\nmethod: " + method + "\nproto:\n  files: [" +
         kSource + "/proto/grpc/testing/test.proto]\n  import_paths: [" + kSource +
         "/proto]\nrequest:\n  json: " + request + "\n" + extra +
         "load: {type: closed, outstanding: 1}\nwarmup: 0s\nduration: 250ms\n";
}

TEST_F(AnyServiceTest, TestServiceFromItsProtoFilesInAllFourModes) {
  json run;
  CliResult r = Run(TestServiceScenario("UnaryCall",
                                        "{response_size: 16, payload: {body: "
                                        "\"{{payload 8}}\"}}"),
                    &run);
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_EQ(run["mode"], "unary");
  const uint64_t unary_calls = run["calls"]["by_code"]["OK"];
  EXPECT_GT(unary_calls, 0u);
  EXPECT_EQ(run["messages"]["received"].get<uint64_t>(), unary_calls);
  EXPECT_EQ(Count(run, "message"), unary_calls);
  EXPECT_EQ(run["bytes"]["received"].get<uint64_t>(),
            unary_calls * 20);  // the serialized SimpleResponse: 16 B of body in a Payload

  r = Run(TestServiceScenario("StreamingOutputCall",
                              "{response_parameters: [{size: 8}, {size: 8}, {size: 8}]}"),
          &run);
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_EQ(run["mode"], "server_stream");
  const uint64_t server_calls = run["calls"]["by_code"]["OK"];
  EXPECT_GT(server_calls, 0u);
  EXPECT_EQ(run["messages"]["received"].get<uint64_t>(), 3 * server_calls);
  EXPECT_EQ(Count(run, "first_message"), server_calls);
  EXPECT_EQ(Count(run, "message"), 3 * server_calls);
  // A server stream is a stream the server sends on its own: the gaps between its messages and
  // how many each stream got.
  EXPECT_EQ(Count(run, "message_gap"), 2 * server_calls);
  EXPECT_EQ(run["messages_per_stream"]["streams"].get<uint64_t>(), server_calls);
  EXPECT_EQ(run["messages_per_stream"]["min"].get<double>(), 3);
  EXPECT_EQ(run["messages_per_stream"]["max"].get<double>(), 3);

  r = Run(TestServiceScenario("StreamingInputCall", "{payload: {body: \"{{payload 8}}\"}}",
                              "stream: {messages: 5}\n"),
          &run);
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_EQ(run["mode"], "client_stream");
  const uint64_t uploads = run["calls"]["by_code"]["OK"];
  EXPECT_GT(uploads, 0u);
  EXPECT_EQ(Count(run, "final_response"), uploads);
  EXPECT_EQ(run["messages"]["received"].get<uint64_t>(), uploads);
  EXPECT_EQ(Count(run, "message"), run["messages"]["sent"].get<uint64_t>());

  r = Run(TestServiceScenario("FullDuplexCall", "{response_parameters: [{size: 8}]}",
                              "stream: {messages: 50}\n"),
          &run);
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_EQ(run["mode"], "bidi");
  const uint64_t echoes = run["messages"]["received"];
  EXPECT_GT(echoes, 0u);
  EXPECT_EQ(echoes, run["messages"]["sent"].get<uint64_t>());
  EXPECT_EQ(Count(run, "message"), echoes);
  EXPECT_EQ(run["integrity"]["lost"], 0);
}

// The Python server's faults per Converse stream of k notes (numbered from 1; see
// tests/foreign/echo_server.py): every 5th dropped, every 7th answered twice, every 9th
// answered after the next answered one, every 6th answered with ok=false, the 13th answered
// with bytes that are no Reply.
struct FaultCounts {
  uint64_t lost = 0, duplicated = 0, reordered = 0, corrupted = 0, check_failures = 0;
  uint64_t replies = 0;
};
FaultCounts ExpectedFaults(uint64_t k) {
  FaultCounts f;
  for (uint64_t i = 1; i <= k; ++i) {
    if (i % 5 == 0) {
      ++f.lost;
      continue;
    }
    const uint64_t copies = i % 7 == 0 ? 2 : 1;
    f.replies += copies;
    if (i % 13 == 0) {  // no Reply: corrupted, and its note is never answered
      f.corrupted += copies;
      ++f.lost;
      continue;
    }
    f.duplicated += copies - 1;
    if (i % 6 == 0) f.check_failures += copies;
    // A held reply goes out after the next reply, if one comes: a note after it was answered.
    if (i % 9 == 0) {
      bool later_answered = false;
      for (uint64_t j = i + 1; j <= k && !later_answered; ++j) later_answered = j % 5 != 0;
      f.reordered += later_answered ? 1 : 0;
    }
  }
  return f;
}

TEST_F(AnyServiceTest, AForeignServersFaultsAreCountedExactlyAndTheRunGoesOn) {
  ForeignEchoServer server({"--drop-every", "5", "--duplicate-every", "7", "--swap-every", "9",
                            "--bad-every", "6", "--garbage-every", "13"});
  ASSERT_FALSE(server.target().empty()) << server.error();
  const std::string yaml =
      "name: foreign\nservice: acme.echo.v1.EchoService\nmethod: Converse\n"
      "proto: {files: [" +
      ForeignEchoServer::ProtoFile() + "], import_paths: [" + ForeignEchoServer::ProtoDir() +
      "]}\n"
      "request:\n  json: {id: \"n-{{seq}}\", text: hello}\n"
      "response:\n  correlate: {request: id, response: reply_to}\n"
      "  expect: {fields: {ok: true}}\n"
      "stream: {messages: 20}\nload: {type: constant, rate: 400/s}\n"
      "expect: {allow_integrity_errors: true}\nwarmup: 0s\nduration: 400ms\n";
  json run;
  CliResult r = Run(yaml, &run, server.target());
  // The responses that failed `ok: true` fail the run; it still ran to the end.
  EXPECT_EQ(r.code, 1) << r.err << r.out;
  ASSERT_TRUE(run.is_object()) << r.err;
  const uint64_t streams = run["calls"]["finished"];
  ASSERT_EQ(run["calls"]["by_code"]["OK"].get<uint64_t>(), streams);
  ASSERT_GE(streams, 2u);
  // Every stream but the last (half-closed when the run stopped) sent 20 notes.
  const uint64_t sent = run["messages"]["sent"];
  ASSERT_GE(sent, 20 * (streams - 1));
  FaultCounts want = ExpectedFaults(20);
  const FaultCounts last = ExpectedFaults(sent - 20 * (streams - 1));
  auto total = [&](uint64_t full, uint64_t partial) { return full * (streams - 1) + partial; };
  EXPECT_EQ(run["messages"]["received"].get<uint64_t>(), total(want.replies, last.replies));
  EXPECT_EQ(run["integrity"]["lost"].get<uint64_t>(), total(want.lost, last.lost));
  EXPECT_EQ(run["integrity"]["duplicated"].get<uint64_t>(),
            total(want.duplicated, last.duplicated));
  EXPECT_EQ(run["integrity"]["reordered"].get<uint64_t>(), total(want.reordered, last.reordered));
  EXPECT_EQ(run["integrity"]["corrupted"].get<uint64_t>(), total(want.corrupted, last.corrupted));
  EXPECT_EQ(run["response_check_failures"].get<uint64_t>(),
            total(want.check_failures, last.check_failures));
  // Timed: the first reply of each stream, and paired replies.
  EXPECT_EQ(Count(run, "first_message"), streams);
  EXPECT_GT(Count(run, "message"), 0u);
}

// `request.feed` through the CLI against the Python server: one cursor over the run's two call
// slots hands out the lines in turn, wrapping around, so exactly the calls that took line 1
// (every third line taken) are answered "echo: a"; a line that does not fit is exit 2 naming the
// feed's line and the scenario's `feed` key.
TEST_F(AnyServiceTest, AFeedsLinesAreSentInTurnAcrossTheRunsCalls) {
  ForeignEchoServer server;
  ASSERT_FALSE(server.target().empty()) << server.error();
  Write("feed.jsonl",
        "{\"id\": \"1-{{call}}\", \"text\": \"a\"}\n{\"id\": \"2\", \"text\": \"b\"}\n\n"
        "{\"id\": \"3\", \"text\": \"c\"}\n");
  const std::string yaml =
      "name: feed\nservice: acme.echo.v1.EchoService\nmethod: Say\nproto: {files: [" +
      ForeignEchoServer::ProtoFile() + "], import_paths: [" + ForeignEchoServer::ProtoDir() +
      "]}\nrequest:\n  feed: feed.jsonl\n"
      "response: {expect: {fields: {text: \"echo: a\"}}}\n"
      "connections: 1\nstreams_per_connection: 2\nload: {type: closed, outstanding: 1}\n"
      "warmup: 0s\nduration: 300ms\n";
  json run;
  CliResult r = Run(yaml, &run, server.target());
  // The calls that took lines 2 and 3 fail the check, so the run fails.
  EXPECT_EQ(r.code, 1) << r.err << r.out;
  ASSERT_TRUE(run.is_object()) << r.err;
  const uint64_t calls = run["calls"]["finished"];
  ASSERT_GE(calls, 3u);
  ASSERT_EQ(run["calls"]["by_code"]["OK"].get<uint64_t>(), calls);
  EXPECT_EQ(run["response_check_failures"].get<uint64_t>(), calls - (calls + 2) / 3);

  Write("feed.jsonl", "{\"id\": \"1\"}\n{\"id\": \"2\", \"txt\": \"b\"}\n");
  r = Validate(yaml);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("s.yaml:6:9: request.feed: feed.jsonl:2: txt: acme.echo.v1.Note has no "
                       "field \"txt\""),
            std::string::npos)
      << r.err;
}

// `pairing: correlated` against the Python server answering every 3rd note after the next one:
// every answer is timed (from the request it names), and the swaps are counted as reordered.
TEST_F(AnyServiceTest, CorrelatedPairingTimesEveryAnswerOfAServerThatReorders) {
  ForeignEchoServer server({"--swap-every", "3"});
  ASSERT_FALSE(server.target().empty()) << server.error();
  const std::string yaml =
      "name: correlated\nservice: acme.echo.v1.EchoService\nmethod: Converse\n"
      "proto: {files: [" +
      ForeignEchoServer::ProtoFile() + "], import_paths: [" + ForeignEchoServer::ProtoDir() +
      "]}\n"
      "request:\n  json: {id: \"n-{{seq}}\", text: hello}\n"
      "response:\n  pairing: correlated\n  correlate: {request: id, response: reply_to}\n"
      "stream: {messages: 12}\nload: {type: constant, rate: 400/s}\n"
      "expect: {allow_integrity_errors: true}\nwarmup: 0s\nduration: 300ms\n";
  json run;
  CliResult r = Run(yaml, &run, server.target());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  const uint64_t received = run["messages"]["received"];
  ASSERT_GT(received, 0u);
  EXPECT_EQ(Count(run, "message"), received);
  EXPECT_EQ(run["integrity"]["lost"], 0);
  EXPECT_EQ(run["integrity"]["duplicated"], 0);
  EXPECT_EQ(run["integrity"]["corrupted"], 0);
  // Notes 3, 6, 9 of each full stream of 12 answered late (12: the stream ends, nothing after).
  const uint64_t streams = run["calls"]["finished"];
  ASSERT_GE(streams, 2u);
  EXPECT_GE(run["integrity"]["reordered"].get<uint64_t>(), 3 * (streams - 1));
}

// `feed_order: once` on the embedded reference server (by reflection): K lines over 3 streams,
// each line sent by exactly one request and answered once (correlated by the line's own number),
// then the run ends by itself long before its duration, and the results say the feed ran out.
// Closed loop and open loop: an open-loop schedule's sends after the end are neither sent nor
// counted as dropped or late.
TEST_F(AnyServiceTest, AOnceFeedSendsEveryLineExactlyOnceThenTheRunEndsByItself) {
  constexpr uint64_t kLines = 37;
  std::string feed;
  for (uint64_t i = 0; i < kLines; ++i) {
    feed += "{\"seq\": \"" + std::to_string(1000 + i) + "\", \"payload\": \"{{payload 16}}\"}\n";
  }
  Write("feed.jsonl", feed);
  for (const std::string load :
       {"{type: closed, outstanding: 2}", "{type: constant, rate: 2000/s}"}) {
    SCOPED_TRACE(load);
    const std::string yaml =
        "name: once\nservice: streambench.v1.StreamBench\nmethod: Bidi\nmode: bidi\n"
        "proto: {reflection: true}\nrequest:\n  feed: feed.jsonl\n  feed_order: once\n"
        "response:\n  correlate: {request: seq, response: request_seq}\n"
        "connections: 1\nstreams_per_connection: 3\nload: " +
        load + "\nwarmup: 0s\nduration: 30s\n";
    json run;
    CliResult r = Run(yaml, &run);
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    EXPECT_EQ(run["messages"]["sent"].get<uint64_t>(), kLines);
    EXPECT_EQ(run["messages"]["received"].get<uint64_t>(), kLines);
    EXPECT_EQ(Count(run, "message"), kLines);
    EXPECT_EQ(run["integrity"]["lost"], 0);
    EXPECT_EQ(run["integrity"]["duplicated"], 0);
    EXPECT_EQ(run["integrity"]["corrupted"], 0) << "every answer names a request of its stream";
    // Every stream half-closed cleanly, and none was opened after the feed ran out.
    EXPECT_EQ(run["calls"]["by_code"]["OK"].get<uint64_t>(),
              run["calls"]["finished"].get<uint64_t>());
    EXPECT_LE(run["calls"]["started"].get<uint64_t>(), 3u);
    EXPECT_FALSE(run["interrupted"].get<bool>());
    EXPECT_LT(run["duration_s"].get<double>(), 30.0) << "ended by the feed, not the duration";
    ASSERT_TRUE(run.contains("feed")) << run.dump();
    EXPECT_EQ(run["feed"]["lines"].get<uint64_t>(), kLines);
    EXPECT_EQ(run["feed"]["lines_sent"].get<uint64_t>(), kLines);
    EXPECT_TRUE(run["feed"]["exhausted"].get<bool>());
    EXPECT_GT(run["feed"]["exhausted_after_s"].get<double>(), 0.0);
    EXPECT_LE(run["feed"]["exhausted_after_s"].get<double>(), run["duration_s"].get<double>());
    EXPECT_EQ(run["dropped_ops"], 0);
    if (load.find("constant") != std::string::npos) {
      EXPECT_EQ(Count(run, "schedule_lag"), kLines) << "only the sends that went out";
    }
  }
}

// Unary and server-streaming calls from a `once` feed against the Python server: exactly one
// call per line (the server's answer names the line), none started once the feed is used up.
TEST_F(AnyServiceTest, AOnceFeedStartsOneCallPerLine) {
  ForeignEchoServer server;
  ASSERT_FALSE(server.target().empty()) << server.error();
  constexpr uint64_t kLines = 23;
  std::string feed;
  // Templated lines keep compiled messages of the method's descriptors: the run's record of
  // the feed must not outlive them.
  for (uint64_t i = 0; i < kLines; ++i) {
    feed += "{\"id\": \"" + std::to_string(i) + "-{{uuid}}\"}\n";
  }
  Write("feed.jsonl", feed);
  const std::string yaml =
      "name: once\nservice: acme.echo.v1.EchoService\nmethod: Say\nproto: {files: [" +
      ForeignEchoServer::ProtoFile() + "], import_paths: [" + ForeignEchoServer::ProtoDir() +
      "]}\nrequest: {feed: feed.jsonl, feed_order: once}\n"
      "connections: 1\nstreams_per_connection: 4\nload: {type: closed, outstanding: 2}\n"
      "warmup: 0s\nduration: 30s\n";
  json run;
  CliResult r = Run(yaml, &run, server.target());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_EQ(run["calls"]["started"].get<uint64_t>(), kLines);
  EXPECT_EQ(run["calls"]["by_code"]["OK"].get<uint64_t>(), kLines);
  EXPECT_EQ(run["messages"]["received"].get<uint64_t>(), kLines);
  EXPECT_LT(run["duration_s"].get<double>(), 30.0);
  EXPECT_EQ(run["feed"]["lines_sent"].get<uint64_t>(), kLines);
  EXPECT_TRUE(run["feed"]["exhausted"].get<bool>());

  // A warm-up would use up lines whose results are thrown away: refused, at its line.
  std::string with_warmup = yaml;
  with_warmup.replace(with_warmup.find("warmup: 0s"), 10, "warmup: 1s");
  r = Validate(with_warmup);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("s.yaml:9:9: warmup: `request.feed_order: once` sends each line once"),
            std::string::npos)
      << r.err;
}

// Client streams from a `once` feed (grpc.testing's StreamingInputCall, from its .proto): the K
// lines go out as the writes of streams of 4, the last stream half-closes early when the feed
// runs out, and every stream's one response is still awaited and timed.
TEST_F(AnyServiceTest, AOnceFeedEndsClientStreamsWithTheirResponses) {
  constexpr uint64_t kLines = 30;
  std::string feed;
  for (uint64_t i = 0; i < kLines; ++i) feed += "{\"payload\": {\"body\": \"{{payload 8}}\"}}\n";
  Write("feed.jsonl", feed);
  const std::string yaml =
      "name: once\nservice: grpc.testing.TestService\n"
      "method: StreamingInputCall\nproto:\n  files: [" +
      kSource + "/proto/grpc/testing/test.proto]\n  import_paths: [" + kSource +
      "/proto]\nrequest: {feed: feed.jsonl, feed_order: once}\n"
      "stream: {messages: 4}\nconnections: 1\nstreams_per_connection: 3\n"
      "load: {type: closed, outstanding: 1}\nwarmup: 0s\nduration: 30s\n";
  json run;
  CliResult r = Run(yaml, &run);
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_EQ(run["messages"]["sent"].get<uint64_t>(), kLines);
  const uint64_t uploads = run["calls"]["finished"];
  EXPECT_EQ(run["calls"]["by_code"]["OK"].get<uint64_t>(), uploads);
  // 30 lines in streams of at most 4: at least 8 streams, and a few more when a stream's
  // half-close came early because another stream took the last lines.
  EXPECT_GE(uploads, 8u);
  EXPECT_EQ(Count(run, "final_response"), uploads);
  EXPECT_EQ(run["messages"]["received"].get<uint64_t>(), uploads);
  EXPECT_LT(run["duration_s"].get<double>(), 30.0);
  EXPECT_TRUE(run["feed"]["exhausted"].get<bool>());
}

// `pairing: correlated` in a closed loop against the Python server answering every 3rd note
// after the next one: with 2 requests in flight the held answer is freed by the next note, every
// answer is timed from the request it names, and the swaps are counted as reordered. (With 1
// in flight the stream would wait for an answer the server holds until the next note.)
TEST_F(AnyServiceTest, CorrelatedPairingInAClosedLoopTimesEveryAnswer) {
  ForeignEchoServer server({"--swap-every", "3"});
  ASSERT_FALSE(server.target().empty()) << server.error();
  const std::string yaml =
      "name: correlated\nservice: acme.echo.v1.EchoService\nmethod: Converse\n"
      "proto: {files: [" +
      ForeignEchoServer::ProtoFile() + "], import_paths: [" + ForeignEchoServer::ProtoDir() +
      "]}\n"
      "request:\n  json: {id: \"n-{{seq}}\", text: hello}\n"
      "response:\n  pairing: correlated\n  correlate: {request: id, response: reply_to}\n"
      "stream: {messages: 12}\nload: {type: closed, outstanding: 2}\n"
      "expect: {allow_integrity_errors: true}\nwarmup: 0s\nduration: 300ms\n";
  json run;
  CliResult r = Run(yaml, &run, server.target());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  const uint64_t received = run["messages"]["received"];
  ASSERT_GT(received, 0u);
  EXPECT_EQ(Count(run, "message"), received);
  EXPECT_EQ(run["integrity"]["duplicated"], 0);
  EXPECT_EQ(run["integrity"]["corrupted"], 0);
  const uint64_t streams = run["calls"]["finished"];
  ASSERT_GE(streams, 2u);
  EXPECT_GE(run["integrity"]["reordered"].get<uint64_t>(), 3 * (streams - 1));
}

// A closed loop keeps `outstanding` requests in flight: each request's first answer sends the
// next one, a duplicate or a dropped note does not. The server drops every 2nd note and answers
// every 3rd twice: in flight {1,2}; 1 answered -> 3 sent; 3 answered (twice) -> 4 sent; 2 and 4
// never answered: the stream sends exactly 4 notes however long the run.
TEST_F(AnyServiceTest, CorrelatedClosedLoopSendsOnlyForFirstAnswers) {
  ForeignEchoServer server({"--drop-every", "2", "--duplicate-every", "3"});
  ASSERT_FALSE(server.target().empty()) << server.error();
  const std::string yaml =
      "name: in-flight\nservice: acme.echo.v1.EchoService\nmethod: Converse\n"
      "proto: {files: [" +
      ForeignEchoServer::ProtoFile() + "], import_paths: [" + ForeignEchoServer::ProtoDir() +
      "]}\n"
      "request:\n  json: {id: \"n-{{seq}}\", text: hello}\n"
      "response:\n  pairing: correlated\n  correlate: {request: id, response: reply_to}\n"
      "connections: 1\nstreams_per_connection: 1\nload: {type: closed, outstanding: 2}\n"
      "expect: {allow_integrity_errors: true}\nwarmup: 0s\nduration: 300ms\n";
  json run;
  CliResult r = Run(yaml, &run, server.target());
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_EQ(run["calls"]["started"].get<uint64_t>(), 1u);
  EXPECT_EQ(run["messages"]["sent"].get<uint64_t>(), 4u);
  EXPECT_EQ(run["messages"]["received"].get<uint64_t>(), 3u);
  EXPECT_EQ(Count(run, "message"), 2u) << "the duplicate is not timed";
  EXPECT_EQ(run["integrity"]["duplicated"], 1);
  EXPECT_EQ(run["integrity"]["lost"], 2);
}

// Bad inputs: exit 2 with the scenario's (and the .proto's) positions, or 3 when reflection
// cannot be had.
std::string EchoScenario(const std::string& method, const std::string& proto,
                         const std::string& request = "{id: \"{{seq}}\"}") {
  return "name: bad\nservice: acme.echo.v1.EchoService\nmethod: " + method + "\nproto: " + proto +
         "\nrequest:\n  json: " + request + "\nduration: 1s\n";
}

TEST_F(AnyServiceTest, BadInputsNameTheirPlaceAndExitTwo) {
  const std::string files = "{files: [" + ForeignEchoServer::ProtoFile() + "], import_paths: [" +
                            ForeignEchoServer::ProtoDir() + "]}";
  CliResult r = Validate(EchoScenario("Converse", files));
  EXPECT_EQ(r.code, 0) << r.err;

  r = Validate(EchoScenario("Converse", "{files: [missing.proto]}"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("s.yaml:4:8: proto.files: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("missing.proto: no such file"), std::string::npos) << r.err;

  // The .proto's own line and column.
  Write("broken.proto",
        "syntax = \"proto3\";\npackage acme.echo.v1;\nmessage Note {\n  string "
        "id = 1\n}\n");
  r = Validate(EchoScenario("Converse", "{files: [broken.proto]}"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("s.yaml:4:8: proto.files: broken.proto:5:1: Expected \";\""),
            std::string::npos)
      << r.err;

  r = Validate(EchoScenario("Convers", files));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("s.yaml:3:9: method: did you mean `Converse`?"), std::string::npos) << r.err;
  r = Validate(std::string(EchoScenario("Converse", files))
                   .replace(std::string("name: bad\nservice: ").size(), 9, "acme.eco"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("s.yaml:2:10: service: `acme.eco.v1.EchoService` is not in the "
                       "descriptors; did you mean `acme.echo.v1.EchoService`?"),
            std::string::npos)
      << r.err;

  // A request field the message does not have, at its own line and column.
  r = Validate(EchoScenario("Converse", files, "\n    id: x\n    txt: hello"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("s.yaml:8:5: request.json.txt: acme.echo.v1.Note has no field \"txt\""),
            std::string::npos)
      << r.err;
  // A value of the wrong type for its field.
  r = Validate(EchoScenario("Converse", files, "{replies: \"{{uuid}}\"}"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("s.yaml:6:10: request.json.replies: field replies is a number"),
            std::string::npos)
      << r.err;

  // `mode` must agree with the method.
  r = Validate(EchoScenario("Converse", files) + "mode: unary\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("s.yaml:8:7: mode: is unary but acme.echo.v1.EchoService/Converse is bidi"),
            std::string::npos)
      << r.err;
}

TEST_F(AnyServiceTest, ReflectionAServerDoesNotOfferExitsThreeNamingWhatWasTried) {
  ForeignEchoServer server;  // grpcio without the reflection service
  ASSERT_FALSE(server.target().empty()) << server.error();
  CliResult r = Run(EchoScenario("Converse", "{reflection: true}") + "mode: bidi\n", nullptr,
                    server.target());
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("s.yaml:4:8: proto.reflection: server reflection at " + server.target() +
                       " failed (grpc.reflection.v1: UNIMPLEMENTED"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("grpc.reflection.v1alpha: UNIMPLEMENTED"), std::string::npos) << r.err;
}

TEST_F(AnyServiceTest, TheShippedScenariosValidateAndRun) {
  for (const char* name : {"any_service_reflection.yaml", "any_service_proto.yaml",
                           "any_service_feed.yaml", "any_service_feed_once.yaml"}) {
    SCOPED_TRACE(name);
    const std::string path = kSource + "/scenarios/" + name;
    CliResult r = Cli({"validate", path});
    EXPECT_EQ(r.code, 0) << r.err;
    r = Cli({"run", path, "--duration", "200ms", "--warmup", "0s", "--out", Path("r.json")});
    ASSERT_EQ(r.code, 0) << r.err << r.out;
    const json run = ReadJson(Path("r.json"))["runs"][0];
    EXPECT_GT(run["messages"]["received"].get<uint64_t>(), 0u);
    EXPECT_EQ(run["response_check_failures"], 0);
  }
}

}  // namespace
}  // namespace streambench::testing
