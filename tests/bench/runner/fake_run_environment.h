// Test support: a RunEnvironment that runs on a FakeClock. Sleeping moves the clock by exactly
// the time asked for and then lets the fake slots make their traffic and the scheduled events
// (a stop request at a given time) happen, all on the controller's thread; a run of seconds
// takes milliseconds. The target is a fake handle and the slots are FakeSlots.
// Thread-safety: none; for one run at a time on the test's thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench/drivers/driver.h"
#include "bench/runner/run_environment.h"
#include "common/clock.h"

namespace streambench::runner::testing {

constexpr int64_t kMsNs = 1'000'000;

// What a FakeSlot went through, kept by the factory so tests can read it after the run has
// destroyed its slots.
struct FakeSlotRecord {
  bool started_ = false, stopped_ = false, cancelled_ = false;
  bool started() const { return started_; }
  bool stopped() const { return stopped_; }
  bool cancelled() const { return cancelled_; }
};

// One slot with one call in flight from Start() on. While started and not stopped it sends and
// receives one 100-byte message per traffic step (one sleep of the controller); after Stop() it
// receives `replies_after_stop` more (the drain), then ends OK unless told to hang.
class FakeSlot final : public drivers::Slot {
 public:
  struct Behavior {
    int replies_after_stop = 0;
    bool ends_after_replies = true;  // false: the call stays open until cancelled
    bool ends_on_cancel = true;      // false: the call never ends (leaked at the end)
    // > 0: the run's finite work (DriverContext::work()), shared by the slots: each message
    // sent takes an item, and the one that takes the last marks it exhausted; then the slots
    // send nothing more.
    uint64_t work_items = 0;
    // Called at Stop() (e.g. to charge the CPU that closing a call costs).
    std::function<void()> on_stop;
  };
  // `record` outlives the slot; `live` lists the slots that exist (the slot removes itself);
  // `work_taken` counts the items of the run's finite work the slots took.
  FakeSlot(drivers::DriverContext& context, Behavior behavior,
           std::shared_ptr<FakeSlotRecord> record, std::vector<FakeSlot*>* live,
           std::shared_ptr<uint64_t> work_taken)
      : context_(context),
        behavior_(behavior),
        record_(std::move(record)),
        live_(live),
        work_taken_(std::move(work_taken)) {
    live_->push_back(this);
  }
  ~FakeSlot() override { live_->erase(std::find(live_->begin(), live_->end(), this)); }

  void Start() override {
    record_->started_ = true;
    active_ = true;
    context_.CallBegan();
    Recorder().AddCallStarted();
  }
  void Submit(int64_t) override {}
  void Stop() override {
    record_->stopped_ = true;
    if (behavior_.on_stop) behavior_.on_stop();
    MaybeEndAfterStop();
  }
  void CancelAll() override {
    record_->cancelled_ = true;
    if (behavior_.ends_on_cancel) End(/*CANCELLED*/ 1);
  }

  // One step of traffic (called after every sleep of the controller).
  void Traffic() {
    if (!active_) return;
    if (!record_->stopped_) {
      if (!TakeWorkItem()) return;
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

 private:
  stats::Recorder& Recorder() { return context_.registry().ForCurrentThread(); }
  // Without finite work, always; with it, false once the work is exhausted.
  bool TakeWorkItem() {
    drivers::WorkSupply& work = context_.work();
    if (!work.finite()) return true;
    if (work.exhausted()) return false;
    if (++*work_taken_ == work.items()) work.MarkExhausted(context_.clock().NowNs());
    return true;
  }
  void MaybeEndAfterStop() {
    if (record_->stopped_ && replies_left_ == 0 && behavior_.ends_after_replies) End(/*OK*/ 0);
  }
  void End(int code) {
    if (!active_) return;
    active_ = false;
    Recorder().AddCallFinished(code);
    context_.CallEnded();
  }

  drivers::DriverContext& context_;
  const Behavior behavior_;
  const std::shared_ptr<FakeSlotRecord> record_;
  std::vector<FakeSlot*>* const live_;
  const std::shared_ptr<uint64_t> work_taken_;
  int replies_left_ = behavior_.replies_after_stop;
  bool active_ = false;
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
    last_slots = out;
    last_context = &context;
    if (make_status != SlotsStatus::kMade) {
      *error = "fake slots not made";
      return make_status;
    }
    auto work_taken = std::make_shared<uint64_t>(0);
    if (behavior.work_items > 0) {
      context.work().Set(behavior.work_items, [work_taken] { return *work_taken; });
    }
    for (uint32_t i = 0; i < context.scenario().connections; ++i) {
      made.push_back(std::make_shared<FakeSlotRecord>());
      out->slots.push_back(
          std::make_unique<FakeSlot>(context, behavior, made.back(), &live, work_taken));
    }
    return SlotsStatus::kMade;
  }
  // The traffic of every slot that still exists.
  void Traffic() {
    for (FakeSlot* slot : live) slot->Traffic();
  }

  std::string refused_variant;  // when not empty, Check refuses the runs of this variant
  SlotsStatus make_status = SlotsStatus::kMade;
  FakeSlot::Behavior behavior;
  mutable int checks = 0;
  std::vector<std::string> dialled;
  // What each slot of the latest MakeSlots went through (readable after the run).
  std::vector<std::shared_ptr<FakeSlotRecord>> made;
  std::vector<FakeSlot*> live;  // the slots that exist now (owned by the run)
  // What the latest run made its slots into and with: a test whose run leaked them (calls that
  // never ended) frees them through these, since the fake's calls run no callbacks.
  RunSlots* last_slots = nullptr;
  drivers::DriverContext* last_context = nullptr;
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

// Half a core busy on one thread, whatever the wall time, plus `extra_cpu_ns` charged by a test.
class FakeCpuSampler final : public CpuSampler {
 public:
  explicit FakeCpuSampler(const Clock& clock) : clock_(clock) {}
  CpuSample Sample() const override {
    CpuSample sample;
    sample.wall_ns = clock_.NowNs();
    sample.process_cpu_ns = sample.wall_ns / 2 + extra_cpu_ns;
    sample.thread_cpu_ns[1] = sample.wall_ns / 2;
    return sample;
  }
  int UsableCores() const override { return 2; }
  int64_t extra_cpu_ns = 0;

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
