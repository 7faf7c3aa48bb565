// Chat over a real loopback server: every member gets every message of its room exactly once, in
// order per sender, and nothing from other rooms; join/leave system messages; errors; rooms are
// gone once everyone left or was cancelled.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "server/workloads/workloads_service.h"
#include "tests/server/server_test_support.h"
#include "tests/server/workloads/workloads_test_support.h"

namespace streambench {
namespace {

using testing::JoinMessage;
using testing::TextMessage;
using Stream = grpc::ClientReaderWriter<v1::ChatClientMessage, v1::ChatServerMessage>;

class ChatTest : public testing::WorkloadsServiceTest {
 protected:
  struct Member {
    std::string room, name;
    grpc::ClientContext context;
    std::unique_ptr<Stream> stream;
  };
  // Joins (asking for `faults` in what it receives) and waits for the acknowledgement (its own
  // `joined`).
  std::unique_ptr<Member> Join(const std::string& room, const std::string& name,
                               const v1::IntegrityFaults& faults = {}) {
    auto m = std::make_unique<Member>();
    m->room = room;
    m->name = name;
    m->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    m->stream = stub_->Chat(&m->context);
    v1::ChatClientMessage join = JoinMessage(room, name);
    *join.mutable_join()->mutable_integrity_faults() = faults;
    EXPECT_TRUE(m->stream->Write(join));
    v1::ChatServerMessage message;
    while (m->stream->Read(&message)) {
      if (message.has_joined() && message.sender() == name) break;
    }
    return m;
  }
};

TEST_F(ChatTest, EveryMemberGetsEveryMessageOfItsRoomOnceInOrder) {
  constexpr int kMessages = 100;
  const std::map<std::string, int> room_sizes = {{"r1", 4}, {"r2", 3}};
  std::vector<std::unique_ptr<Member>> members;
  for (const auto& [room, size] : room_sizes) {
    for (int i = 0; i < size; ++i) members.push_back(Join(room, room + "-m" + std::to_string(i)));
  }
  ASSERT_EQ(server_->workloads_service().rooms().member_count(), 7u);

  std::vector<std::map<std::string, std::vector<uint64_t>>> received(members.size());
  std::vector<std::thread> threads;
  for (size_t k = 0; k < members.size(); ++k) {
    threads.emplace_back([&, k] {
      Member& m = *members[k];
      // Writes interleaved with the others' (all threads run at once); typing counts too.
      for (uint64_t seq = 0; seq < kMessages; ++seq) {
        if (seq % 10 == 9) {
          v1::ChatClientMessage typing;
          typing.mutable_typing()->set_typing(true);
          typing.set_seq(seq);
          m.stream->Write(typing);
        } else {
          m.stream->Write(TextMessage(seq, "hello"));
        }
      }
      const size_t expected = static_cast<size_t>(kMessages) * (room_sizes.at(m.room) - 1);
      size_t got = 0;
      v1::ChatServerMessage message;
      while (got < expected && m.stream->Read(&message)) {
        if (!message.has_text() && !message.has_typing()) continue;
        EXPECT_EQ(message.room(), m.room);
        EXPECT_NE(message.sender(), m.name);
        received[k][message.sender()].push_back(message.sender_seq());
        ++got;
      }
    });
  }
  for (auto& t : threads) t.join();

  for (size_t k = 0; k < members.size(); ++k) {
    const Member& m = *members[k];
    EXPECT_EQ(received[k].size(), static_cast<size_t>(room_sizes.at(m.room) - 1)) << m.name;
    for (const auto& [sender, seqs] : received[k]) {
      EXPECT_EQ(sender.substr(0, 2), m.room);
      ASSERT_EQ(seqs.size(), static_cast<size_t>(kMessages)) << m.name << " from " << sender;
      for (size_t i = 0; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], i);
    }
  }
  // Leaving: a leave message, then the half-close; the call ends OK.
  for (auto& m : members) {
    v1::ChatClientMessage leave;
    leave.mutable_leave();
    m->stream->Write(leave);
    m->stream->WritesDone();
    v1::ChatServerMessage message;
    EXPECT_TRUE(testing::DrainAndFinish(*m->stream, &message).ok()) << m->name;
  }
  EXPECT_EQ(server_->workloads_service().rooms().room_count(), 0u);
}

TEST_F(ChatTest, MembersSeeJoinsAndLeaves) {
  auto a = Join("room", "a");
  auto b = Join("room", "b");
  v1::ChatServerMessage message;
  ASSERT_TRUE(a->stream->Read(&message));
  EXPECT_EQ(message.sender(), "b");
  EXPECT_EQ(message.joined().members(), 2u);
  b->stream->WritesDone();  // half-close leaves too
  EXPECT_TRUE(b->stream->Finish().ok());
  ASSERT_TRUE(a->stream->Read(&message));
  EXPECT_EQ(message.sender(), "b");
  ASSERT_TRUE(message.has_left());
  EXPECT_EQ(message.left().members(), 1u);
  a->stream->WritesDone();
  EXPECT_TRUE(a->stream->Finish().ok());
}

TEST_F(ChatTest, FirstMessageMustBeAJoin) {
  grpc::ClientContext context;
  auto stream = stub_->Chat(&context);
  stream->Write(TextMessage(0, "hi"));
  v1::ChatServerMessage message;
  EXPECT_FALSE(stream->Read(&message));
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ChatTest, SecondJoinAndTakenNameAreRejected) {
  auto a = Join("room", "a");
  a->stream->Write(JoinMessage("other", "a"));
  v1::ChatServerMessage message;
  EXPECT_EQ(testing::DrainAndFinish(*a->stream, &message).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  auto b = Join("room2", "b");
  grpc::ClientContext context;
  auto dup = stub_->Chat(&context);
  dup->Write(JoinMessage("room2", "b"));
  EXPECT_EQ(testing::DrainAndFinish(*dup, &message).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  b->stream->WritesDone();
  EXPECT_TRUE(b->stream->Finish().ok());
}

// Integrity faults hit the broadcasts a member receives (n counting them from 1), never the
// system messages; a sender's sending_done reaches the others behind everything it sent, and a
// held message goes out, in order, before it.
TEST_F(ChatTest, IntegrityFaultsHitWhatAMemberReceivesAndSendingDoneComesLast) {
  v1::IntegrityFaults faults;
  faults.mutable_drop()->set_every_nth(3);
  faults.mutable_duplicate()->set_every_nth(4);
  faults.mutable_reorder()->set_every_nth(5);
  faults.mutable_corrupt()->set_every_nth(2);
  auto a = Join("room", "a");
  auto b = Join("room", "b", faults);
  // Messages 1..5 to b: 2 corrupted, 3 dropped, 4 duplicated, 5 held (no successor: it goes out
  // before a's sending_done, uncounted).
  for (uint64_t seq = 0; seq < 5; ++seq) ASSERT_TRUE(a->stream->Write(TextMessage(seq, "hello")));
  v1::ChatClientMessage done;
  done.mutable_sending_done();
  ASSERT_TRUE(a->stream->Write(done));
  std::vector<std::string> got;
  v1::ChatServerMessage message;
  while (b->stream->Read(&message)) {
    if (message.has_sending_done()) {
      EXPECT_EQ(message.sender(), "a");
      break;
    }
    got.push_back(std::to_string(message.sender_seq()) + ":" + message.text().text());
  }
  EXPECT_EQ(got, (std::vector<std::string>{"0:hello", "1:iello", "3:hello", "3:hello", "4:hello"}));
  const std::map<std::string, double> injected = {
      {"drop", 1}, {"duplicate", 1}, {"reorder", 0}, {"corrupt", 1}};
  for (const auto& [kind, count] : injected) {
    const double value = testing::MetricValue(server_->metrics(),
                                              "streambench_server_injected_integrity_faults_total",
                                              WorkloadsService::kChatMethod, "kind", kind);
    EXPECT_EQ(std::isnan(value) ? 0 : value, count) << kind;
  }
  for (auto* m : {a.get(), b.get()}) {
    m->stream->WritesDone();
    EXPECT_TRUE(testing::DrainAndFinish(*m->stream, &message).ok()) << m->name;
  }

  faults.mutable_corrupt()->set_probability(2);
  grpc::ClientContext context;
  auto bad = stub_->Chat(&context);
  v1::ChatClientMessage join = JoinMessage("room2", "c");
  *join.mutable_join()->mutable_integrity_faults() = faults;
  bad->Write(join);
  const grpc::Status status = testing::DrainAndFinish(*bad, &message);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("join.integrity_faults.corrupt.probability"),
            std::string::npos)
      << status.error_message();
}

// Members on one connection cancelled at once: the rooms and reactors go.
TEST_F(ChatTest, CancelledMembersLeaveNoRoomBehind) {
  std::vector<std::unique_ptr<Member>> members;
  for (int i = 0; i < 40; ++i) {
    members.push_back(Join("room" + std::to_string(i % 4), "m" + std::to_string(i)));
  }
  EXPECT_EQ(server_->workloads_service().rooms().room_count(), 4u);
  members[0]->stream->Write(TextMessage(0, "unread by most"));
  for (auto& m : members) m->context.TryCancel();
  for (auto& m : members) EXPECT_EQ(m->stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(testing::WaitFor([&] {
    return server_->workloads_service().rooms().room_count() == 0 &&
           server_->workloads_service().rooms().member_count() == 0 &&
           testing::MetricValue(server_->metrics(), "streambench_server_active_streams",
                                WorkloadsService::kChatMethod) == 0;
  }));
}

}  // namespace
}  // namespace streambench
