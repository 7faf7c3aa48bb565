#include "bench/drivers/write_pump.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace streambench::drivers {
namespace {

// A pump whose "writes" complete on another thread, like gRPC's OnWriteDone. Checks that writes
// never overlap, all operations are written in order, and none is left behind (no lost wake-up).
class FakeStreamPump : public WritePump<FakeStreamPump> {
 public:
  FakeStreamPump() : WritePump<FakeStreamPump>(1024) {}
  ~FakeStreamPump() { Join(); }

  void Open() { Release(); }  // the owner gives the initial token away

  void Join() {
    std::lock_guard<std::mutex> lock(threads_mu_);
    for (auto& t : completions_) t.join();
    completions_.clear();
  }

  std::vector<int64_t> written;  // guarded by the token
  std::atomic<int> in_flight{0};
  std::atomic<int> max_in_flight{0};
  std::atomic<int64_t> completed{0};

 private:
  friend class WritePump;
  bool WorkLocked() {
    int64_t v;
    if (!queue().Pop(&v)) return false;
    written.push_back(v);
    const int now = in_flight.fetch_add(1) + 1;
    int prev = max_in_flight.load();
    while (now > prev && !max_in_flight.compare_exchange_weak(prev, now)) {
    }
    std::lock_guard<std::mutex> lock(threads_mu_);
    completions_.emplace_back([this] {
      std::this_thread::yield();
      in_flight.fetch_sub(1);
      completed.fetch_add(1);
      Release();  // OnWriteDone
    });
    return true;
  }

 private:
  std::mutex threads_mu_;
  std::vector<std::thread> completions_;
};

TEST(WritePumpTest, NothingRunsUntilTheOwnerReleasesTheToken) {
  FakeStreamPump pump;
  EXPECT_TRUE(pump.Submit(1));
  EXPECT_TRUE(pump.written.empty());
  pump.Open();
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (pump.completed.load() < 1 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::yield();
  }
  pump.Join();
  ASSERT_EQ(pump.written.size(), 1u);
  EXPECT_EQ(pump.written[0], 1);
}

TEST(WritePumpTest, OneWriteInFlightAllWrittenInOrderFromAnotherThread) {
  FakeStreamPump pump;
  pump.Open();
  constexpr int64_t kOps = 3000;
  int64_t dropped = 0;
  std::thread producer([&] {
    for (int64_t v = 0; v < kOps; ++v) {
      if (!pump.Submit(v)) ++dropped;
      if (v % 64 == 0) std::this_thread::yield();
    }
  });
  producer.join();
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (pump.completed.load() < kOps - dropped && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  pump.Join();
  EXPECT_EQ(pump.max_in_flight.load(), 1);
  ASSERT_EQ(static_cast<int64_t>(pump.written.size()), kOps - dropped);
  for (size_t i = 1; i < pump.written.size(); ++i) {
    ASSERT_LT(pump.written[i - 1], pump.written[i]);
  }
}

// A pump whose extra work (like "half-close now") arrives without a queued operation.
class ExtraWorkPump : public WritePump<ExtraWorkPump> {
 public:
  ExtraWorkPump() : WritePump<ExtraWorkPump>(8) {}
  std::atomic<bool> close_requested{false};
  int closes = 0;

 private:
  friend class WritePump;
  bool WorkLocked() {
    if (close_requested.load()) {
      ++closes;
      return true;  // keeps the token, like a half-closed stream
    }
    return false;
  }
  bool HasWork() const { return !queue().Empty() || close_requested.load(); }
};

TEST(WritePumpTest, ExtraWorkIsPickedUpAndKeepsTheToken) {
  ExtraWorkPump pump;
  pump.Release();
  EXPECT_EQ(pump.closes, 0);
  pump.close_requested = true;
  pump.Kick();
  EXPECT_EQ(pump.closes, 1);
  pump.Kick();  // the token is held: nothing more runs
  EXPECT_EQ(pump.closes, 1);
}

// A pump that holds its queued operations back until a gate opens (like a chat member before its
// room is complete): they are not work, so Kick() returns instead of spinning, and opening the
// gate then kicking sends them.
class GatedPump : public WritePump<GatedPump> {
 public:
  GatedPump() : WritePump<GatedPump>(8) {}
  std::atomic<bool> open{false};
  std::vector<int64_t> written;

  void Complete() { Release(); }

 private:
  friend class WritePump;
  bool WorkLocked() {
    int64_t op;
    if (!open.load() || !queue().Pop(&op)) return false;
    written.push_back(op);
    return true;  // an asynchronous write: Complete() gives the token back
  }
  bool HasWork() const { return open.load() && !queue().Empty(); }
};

TEST(WritePumpTest, HeldBackOperationsAreNotWorkUntilTheGateOpens) {
  GatedPump pump;
  pump.Release();
  EXPECT_TRUE(pump.Submit(1));  // returns: the queued operation is held back, not spun on
  EXPECT_TRUE(pump.Submit(2));
  EXPECT_TRUE(pump.written.empty());
  pump.open = true;
  pump.Kick();
  EXPECT_EQ(pump.written, std::vector<int64_t>({1}));
  pump.Complete();
  EXPECT_EQ(pump.written, std::vector<int64_t>({1, 2}));
  pump.Complete();
  EXPECT_EQ(pump.written.size(), 2u);
}

}  // namespace
}  // namespace streambench::drivers
