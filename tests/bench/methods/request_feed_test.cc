// `request.feed`: every line checked against the request message when the method is resolved
// (a bad line names the feed's line and the scenario's `feed` key), lines handed out through one
// cursor shared by the run's exchanges (cycle wraps; once gives each line to exactly one request,
// even with threads racing, then stops), placeholders filled per message, and lines without
// placeholders kept only as bytes.
#include "bench/methods/request_feed.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bench/methods/message_exchange.h"
#include "bench/scenario/scenario_loader.h"
#include "tests/foreign/foreign_echo_server.h"

namespace streambench::methods {
namespace {

namespace fs = std::filesystem;
using streambench::testing::ForeignEchoServer;

class RequestFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("request_feed_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void WriteFeed(const std::string& text) { std::ofstream(dir_ / "feed.jsonl") << text; }

  // acme.echo.v1.EchoService/`method` with `request.feed: feed.jsonl` (beside the scenario, whose
  // `feed` key is on line 6, column 9) and the keys in `extra`, its lines handed out in `order`
  // (set after loading: the scenario refuses `once` until the driver stops its slots).
  std::shared_ptr<const ResolvedMethod> Resolve(
      const std::string& method, const std::string& extra, std::string* error = nullptr,
      scenario::FeedOrder order = scenario::FeedOrder::kCycle) {
    const std::string yaml = "name: x\nservice: acme.echo.v1.EchoService\nmethod: " + method +
                             "\nproto: {files: [" + ForeignEchoServer::ProtoFile() +
                             "], import_paths: [" + ForeignEchoServer::ProtoDir() +
                             "]}\nrequest:\n  feed: feed.jsonl\n" + extra;
    scenario::ScenarioFile file;
    scenario::LoadError load_error;
    if (!scenario::LoadScenarioString(yaml, (dir_ / "x.yaml").string(), {}, &file, &load_error)) {
      ADD_FAILURE() << load_error.ToString();
      return nullptr;
    }
    file.runs[0].method.feed_order = order;
    SourceError why;
    std::optional<DescriptorSet> set = LoadMethodDescriptors(file.runs[0], nullptr, "", &why);
    std::shared_ptr<const ResolvedMethod> resolved;
    if (set) resolved = ResolveMethod(file.runs[0], std::move(*set), &why);
    if (error != nullptr) *error = why.message;
    return resolved;
  }

  // The `id` of a serialized Note.
  static std::string IdOf(const ResolvedMethod& m, const std::string& bytes) {
    std::unique_ptr<google::protobuf::Message> note(
        m.factory->GetPrototype(m.method->input_type())->New());
    EXPECT_TRUE(note->ParseFromString(bytes));
    return note->GetReflection()->GetString(*note, note->GetDescriptor()->FindFieldByName("id"));
  }

  fs::path dir_;
};

TEST_F(RequestFeedTest, ABadLineNamesTheFeedsLineAndTheScenariosFeedKey) {
  std::string error;
  WriteFeed("{\"id\": \"a\"}\n\n{\"id\": \"b\", \"txt\": \"x\"}\n");
  EXPECT_EQ(Resolve("Converse", "", &error), nullptr);
  EXPECT_NE(error.find("x.yaml:6:9: request.feed: feed.jsonl:3: txt: acme.echo.v1.Note has no "
                       "field \"txt\""),
            std::string::npos)
      << error;

  WriteFeed("{\"id\": \"a\"}\n{\"id\": \"b\",\n");
  EXPECT_EQ(Resolve("Converse", "", &error), nullptr);
  EXPECT_NE(error.find("request.feed: feed.jsonl:2: not JSON: "), std::string::npos) << error;

  WriteFeed("{\"replies\": \"{{uuid}}\"}\n");
  EXPECT_EQ(Resolve("Converse", "", &error), nullptr);
  EXPECT_NE(error.find("feed.jsonl:1: replies: field replies is a number"), std::string::npos)
      << error;

  WriteFeed("{\"replies\": \"many\"}\n");  // protobuf's own JSON check
  EXPECT_EQ(Resolve("Converse", "", &error), nullptr);
  EXPECT_NE(error.find("feed.jsonl:1: does not fit acme.echo.v1.Note"), std::string::npos) << error;

  WriteFeed("[1, 2]\n");
  EXPECT_EQ(Resolve("Converse", "", &error), nullptr);
  EXPECT_NE(error.find("feed.jsonl:1: a acme.echo.v1.Note message is written as a JSON object"),
            std::string::npos)
      << error;

  WriteFeed("\n  \n");
  EXPECT_EQ(Resolve("Converse", "", &error), nullptr);
  EXPECT_NE(error.find("x.yaml:6:9: request.feed: feed.jsonl: has no message"), std::string::npos)
      << error;

  fs::remove(dir_ / "feed.jsonl");
  EXPECT_EQ(Resolve("Converse", "", &error), nullptr);
  EXPECT_NE(error.find("request.feed: feed.jsonl: cannot read the file"), std::string::npos)
      << error;
}

TEST_F(RequestFeedTest, CycleWrapsAroundAcrossTheStreamsOfTheRun) {
  WriteFeed("{\"id\": \"a\"}\n{\"id\": \"b\"}\r\n\n{\"id\": \"c\"}\n");
  auto method = Resolve("Converse", "");
  ASSERT_NE(method, nullptr);
  ASSERT_EQ(method->feed->size(), 3u);
  EXPECT_EQ(method->feed->line_of(2), 4);  // the blank line is skipped but counted
  MessageExchange first(method, 0, 0, 1), second(method, 1, 1, 1);
  std::string got;
  for (int i = 0; i < 7; ++i) {
    std::string bytes;
    MessageExchange& exchange = i % 2 ? second : first;
    ASSERT_TRUE(exchange.TryNextRequest(i, 0, &bytes));
    got += IdOf(*method, bytes);
  }
  EXPECT_EQ(got, "abcabca");
  EXPECT_FALSE(first.feed_exhausted());
  EXPECT_EQ(method->feed->taken(), 7u) << "cycle counts every take, wrap-arounds included";
}

TEST_F(RequestFeedTest, OnceSendsEachLineOnceAcrossTheRunThenStops) {
  WriteFeed("{\"id\": \"a\"}\n{\"id\": \"b\"}\n{\"id\": \"c\"}\n");
  auto method = Resolve("Converse", "", nullptr, scenario::FeedOrder::kOnce);
  ASSERT_NE(method, nullptr);
  MessageExchange first(method, 0, 0, 1), second(method, 1, 1, 1);
  std::string got, bytes;
  ASSERT_TRUE(first.TryNextRequest(0, 0, &bytes));
  got += IdOf(*method, bytes);
  ASSERT_TRUE(second.TryNextRequest(0, 0, &bytes));
  got += IdOf(*method, bytes);
  EXPECT_FALSE(second.feed_exhausted());
  ASSERT_TRUE(first.TryNextRequest(0, 0, &bytes));
  got += IdOf(*method, bytes);
  EXPECT_EQ(got, "abc");
  EXPECT_TRUE(first.feed_exhausted());
  EXPECT_TRUE(second.feed_exhausted());
  EXPECT_EQ(method->feed->taken(), 3u);
  // Used up: nothing sent, nothing remembered for pairing.
  bytes = "untouched";
  EXPECT_FALSE(second.TryNextRequest(0, 0, &bytes));
  EXPECT_EQ(bytes, "untouched");
  EXPECT_EQ(second.requests(), 1u);
  EXPECT_FALSE(first.TryNextRequest(0, 0, &bytes));
  EXPECT_EQ(first.requests(), 2u);
  // The takes that found nothing are not lines sent.
  EXPECT_EQ(method->feed->taken(), 3u);
}

TEST_F(RequestFeedTest, OnceGivesEveryLineToExactlyOneRequestWhenThreadsRace) {
  constexpr int kLines = 2000;
  constexpr int kThreads = 4;
  std::string text;
  for (int i = 0; i < kLines; ++i) text += "{\"id\": \"" + std::to_string(i) + "\"}\n";
  WriteFeed(text);
  auto method = Resolve("Converse", "", nullptr, scenario::FeedOrder::kOnce);
  ASSERT_NE(method, nullptr);
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      MessageExchange exchange(method, t, t, 1);
      std::string bytes;
      while (exchange.TryNextRequest(0, 0, &bytes)) ids[t].push_back(IdOf(*method, bytes));
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::multiset<std::string> all;
  for (const auto& some : ids) all.insert(some.begin(), some.end());
  ASSERT_EQ(all.size(), static_cast<size_t>(kLines));
  // Threads that raced past the end moved the cursor beyond it; they took no line.
  EXPECT_EQ(method->feed->taken(), static_cast<uint64_t>(kLines));
  for (int i = 0; i < kLines; ++i) EXPECT_EQ(all.count(std::to_string(i)), 1u) << i;
}

TEST_F(RequestFeedTest, PlaceholdersAreFilledPerMessageAndPlainLinesKeptAsBytes) {
  WriteFeed(
      "{\"id\": \"t-{{seq}}-s{{stream}}\", \"text\": \"{{payload 4}}\"}\n"
      "{\"id\": \"plain\", \"replies\": 3}\n"
      "{\"id\": \"{{env.HOME}}\"}\n");
  auto method = Resolve("Converse", "");
  ASSERT_NE(method, nullptr);
  // Only the first line has a per-message placeholder ({{env.NAME}} is read when compiling).
  EXPECT_EQ(method->feed->templated_messages(), 1u);
  MessageExchange exchange(method, 5, 0, 1);
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    std::string bytes;
    ASSERT_TRUE(exchange.TryNextRequest(0, 0, &bytes));
    ids.push_back(IdOf(*method, bytes));
  }
  EXPECT_EQ(ids[0], "t-0-s5");
  EXPECT_EQ(ids[1], "plain");
  EXPECT_EQ(ids[2], std::getenv("HOME"));
  EXPECT_EQ(ids[3], "t-3-s5");
}

TEST_F(RequestFeedTest, CorrelatesByTheFeedLinesField) {
  WriteFeed("{\"id\": \"x-{{seq}}\"}\n{\"id\": \"fixed\"}\n");
  auto method = Resolve("Converse", "response: {correlate: {request: id, response: reply_to}}\n");
  ASSERT_NE(method, nullptr);
  MessageExchange exchange(method, 0, 0, 1);
  std::string bytes;
  ASSERT_TRUE(exchange.TryNextRequest(0, 0, &bytes));
  ASSERT_TRUE(exchange.TryNextRequest(0, 0, &bytes));
  for (const char* reply_to : {"x-0", "fixed"}) {
    std::unique_ptr<google::protobuf::Message> reply(method->response_prototype->New());
    reply->GetReflection()->SetString(
        reply.get(), reply->GetDescriptor()->FindFieldByName("reply_to"), reply_to);
    const std::string reply_bytes = reply->SerializeAsString();
    exchange.OnResponse(&reply_bytes);
  }
  EXPECT_EQ(exchange.Finish(true).Total(), 0u);
}

}  // namespace
}  // namespace streambench::methods
