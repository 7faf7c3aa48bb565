// Test support: a RunEnvironment that runs on a FakeClock. Sleeping moves the clock by exactly
// the time asked for and then lets the fake slots make their traffic and the scheduled events
// (a stop request at a given time) happen, all on the controller's thread; a run of seconds
// takes milliseconds. The target is a fake handle and the slots are FakeSlots.
// Thread-safety: none; for one run at a time on the test's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "bench/drivers/driver.h"
#include "bench/runner/run_environment.h"

namespace streambench::runner::testing {

constexpr int64_t kMsNs = 1'000'000;

// One slot with one call in flight from Start() on. While started and not stopped it sends and
// receives one 100-byte message per traffic step (one sleep of the controller); after Stop() it
// receives `replies_after_stop` more (the drain), then ends OK unless told to hang.
class FakeSlot final : public drivers::Slot {
 public:
  struct Behavior {
    int replies_after_stop = 0;
    bool ends_after_replies = true;  // false: the call stays open until cancelled
    bool ends_on_cancel = true;      // false: the call never ends (leaked at the end)
  };
  FakeSlot(drivers::DriverContext& context, Behavior behavior)
      : context_(context), behavior_(behavior) {}

  void Start() override {
    started_ = true;
    active_ = true;
    context_.CallBegan();
    Recorder().AddCallStarted();
  }
  void Submit(int64_t) override {}
  void Stop() override {
    stopped_ = true;
    MaybeEndAfterStop();
  }
  void CancelAll() override {
    cancelled_ = true;
    if (behavior_.ends_on_cancel) End(/*CANCELLED*/ 1);
  }

  // One step of traffic (called after every sleep of the controller).
  void Traffic() {
    if (!active_) return;
    if (!stopped_) {
      Recorder().AddSent(1, 100);
      Recorder().AddReceived(1, 100);
      return;
    }
    if (replies_left_ > 0) {
      --replies_left_;
      Recorder().AddReceived(1, 100);
    }
    MaybeEndAfterStop();
  }

  bool started() const { return started_; }
  bool stopped() const { return stopped_; }
  bool cancelled() const { return cancelled_; }

 private:
  stats::Recorder& Recorder() { return context_.registry().ForCurrentThread(); }
  void MaybeEndAfterStop() {
    if (stopped_ && replies_left_ == 0 && behavior_.ends_after_replies) End(/*OK*/ 0);
  }
  void End(int code) {
    if (!active_) return;
    active_ = false;
    Recorder().AddCallFinished(code);
    context_.CallEnded();
  }

  drivers::DriverContext& context_;
  const Behavior behavior_;
  int replies_left_ = behavior_.replies_after_stop;
  bool started_ = false, stopped_ = false, cancelled_ = false, active_ = false;
};

class FakeSlotFactory final : public SlotFactory {
 public:
  bool Check(const scenario::Scenario& run, std::string* error) const override {
    ++checks;
    if (refused_variant.empty() || run.variant != refused_variant) return true;
    *error = "refused by the fake";
    return false;
  }
  SlotsStatus MakeSlots(drivers::DriverContext& context, const std::vector<std::string>& addresses,
                        std::chrono::milliseconds, RunSlots* out, std::string* error) override {
    dialled = addresses;
    made.clear();
    if (make_status != SlotsStatus::kMade) {
      *error = "fake slots not made";
      return make_status;
    }
    for (uint32_t i = 0; i < context.scenario().connections; ++i) {
      auto slot = std::make_unique<FakeSlot>(context, behavior);
      made.push_back(slot.get());
      out->slots.push_back(std::move(slot));
    }
    return SlotsStatus::kMade;
  }
  // The traffic of every slot made so far that is still alive (the test keeps runs alive).
  void Traffic() {
    for (FakeSlot* slot : made) slot->Traffic();
  }

  std::string refused_variant;  // when not empty, Check refuses the runs of this variant
  SlotsStatus make_status = SlotsStatus::kMade;
  FakeSlot::Behavior behavior;
  mutable int checks = 0;
  std::vector<std::string> dialled;
  std::vector<FakeSlot*> made;  // owned by the run; valid until it returns
};

class FakeTarget final : public RunTarget {
 public:
  explicit FakeTarget(int* closed) : closed_(closed) {}
  ~FakeTarget() override { ++*closed_; }
  const std::vector<std::string>& addresses() const override { return addresses_; }
  const std::string& description() const override { return description_; }
  bool includes_server() const override { return true; }
  report::LinkResult LinkResult() const override { return {}; }

 private:
  int* closed_;
  std::vector<std::string> addresses_{"fake:1"};
  std::string description_ = "fake target";
};

class FakeTargetProvider final : public TargetProvider {
 public:
  std::unique_ptr<RunTarget> Open(const scenario::Scenario&, std::string* error) override {
    ++opened;
    if (fail) {
      *error = "fake target cannot start";
      return nullptr;
    }
    return std::make_unique<FakeTarget>(&closed);
  }
  std::unique_ptr<TargetProvider> ShareAmong(const scenario::Scenario&, size_t,
                                             std::string*) override {
    ++shared;
    return std::make_unique<FakeTargetProvider>();
  }
  bool fail = false;
  int shared = 0;  // ShareAmong calls
  int opened = 0;
  int closed = 0;
};

class FakeStopSource final : public StopSource {
 public:
  int StopRequests() const override { return requests; }
  int requests = 0;
};

// Half a core busy on one thread, whatever the wall time.
class FakeCpuSampler final : public CpuSampler {
 public:
  explicit FakeCpuSampler(const Clock& clock) : clock_(clock) {}
  CpuSample Sample() const override {
    CpuSample sample;
    sample.wall_ns = clock_.NowNs();
    sample.process_cpu_ns = sample.wall_ns / 2;
    sample.thread_cpu_ns[1] = sample.wall_ns / 2;
    return sample;
  }
  int UsableCores() const override { return 2; }

 private:
  const Clock& clock_;
};

class FakeSleeper final : public Sleeper {
 public:
  FakeSleeper(FakeClock& clock, FakeSlotFactory& slots) : clock_(clock), slots_(slots) {}
  void SleepNs(int64_t duration_ns) override {
    clock_.AdvanceNs(duration_ns);
    ++sleeps;
    slots_.Traffic();
    while (!events_.empty() && events_.begin()->first <= clock_.NowNs()) {
      auto event = std::move(events_.begin()->second);
      events_.erase(events_.begin());
      event();
    }
  }
  // Runs `event` after the first sleep that reaches `at_ns`.
  void At(int64_t at_ns, std::function<void()> event) { events_.emplace(at_ns, std::move(event)); }
  int sleeps = 0;

 private:
  FakeClock& clock_;
  FakeSlotFactory& slots_;
  std::multimap<int64_t, std::function<void()>> events_;
};

// Everything together; `environment` points at the members.
struct FakeRunEnvironment {
  FakeRunEnvironment() {
    environment.clock = &clock;
    environment.sleeper = &sleeper;
    environment.stop = &stop;
    environment.cpu = &cpu;
    environment.heap_trimmer = &trimmer;
    environment.targets = &targets;
    environment.slots = &slots;
  }
  FakeRunEnvironment(const FakeRunEnvironment&) = delete;
  FakeRunEnvironment& operator=(const FakeRunEnvironment&) = delete;

  FakeClock clock{1'000'000 * kMsNs};  // an arbitrary epoch, as CLOCK_MONOTONIC's
  FakeSlotFactory slots;
  FakeSleeper sleeper{clock, slots};
  FakeStopSource stop;
  FakeCpuSampler cpu{clock};
  int trims = 0;
  HeapTrimmer trimmer{[this] { ++trims; }};
  FakeTargetProvider targets;
  RunEnvironment environment;
};

}  // namespace streambench::runner::testing
