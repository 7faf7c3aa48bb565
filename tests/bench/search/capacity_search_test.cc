// The capacity search's decisions against scripted step outcomes: a model target with a known
// capacity (or none), a generator that saturates, and a clock made of the steps' elapsed times.
#include "bench/search/capacity_search.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace streambench::search {
namespace {

using report::CapacityStep;

// A target that sustains every rate up to `capacity_per_s`; a generator that cannot send more
// than `generator_limit_per_s` (0 = no limit) and is then saturated. Each step takes
// `step_elapsed_s`.
class ModelTarget : public StepRunner {
 public:
  double capacity_per_s = 0;
  double generator_limit_per_s = 0;
  double step_elapsed_s = 1;
  int interrupt_at_step = -1;
  std::set<int> noisy_steps;  // these steps fail whatever their rate (a stall on a shared machine)
  std::vector<double> asked;

  Outcome RunStep(double rate_per_s) override {
    asked.push_back(rate_per_s);
    Outcome out;
    CapacityStep& s = out.step;
    s.target_rate_per_s = rate_per_s;
    s.achieved_rate_per_s = rate_per_s;
    s.elapsed_s = step_elapsed_s;
    s.generator_saturated = generator_limit_per_s > 0 && rate_per_s > generator_limit_per_s;
    // A saturated generator falls behind its schedule: the latency from the intended send grows.
    const bool noisy = noisy_steps.count(static_cast<int>(asked.size()) - 1) > 0;
    const bool over = rate_per_s > capacity_per_s || s.generator_saturated || noisy;
    s.p99_us = over ? 50'000 : 1'000;
    JudgeStep(over ? "message_latency.p99 = 50ms, limit < 10ms" : "", &s);
    out.interrupted = static_cast<int>(asked.size()) - 1 == interrupt_at_step;
    return out;
  }
};

SearchSettings Settings() {
  SearchSettings s;
  s.start_rate_per_s = 1000;
  s.min_rate_per_s = 10;
  s.max_rate_per_s = 1'000'000;
  s.growth_factor = 2;
  s.precision_fraction = 0.05;
  s.confirm_failures = 0;
  return s;
}

SearchOutcome Search(const SearchSettings& settings, ModelTarget& target) {
  return RunCapacitySearch(settings, target, nullptr);
}

TEST(CapacitySearch, GrowsGeometricallyUntilTheObjectiveFailsThenBisectsToThePrecision) {
  ModelTarget target;
  target.capacity_per_s = 5'300;
  const SearchOutcome out = Search(Settings(), target);
  const report::CapacityResult& c = out.capacity;
  EXPECT_EQ(c.stop_reason, "precision_reached");
  ASSERT_GE(target.asked.size(), 4u);
  EXPECT_EQ(target.asked[0], 1000);
  EXPECT_EQ(target.asked[1], 2000);
  EXPECT_EQ(target.asked[2], 4000);
  EXPECT_EQ(target.asked[3], 8000);  // the first failure
  EXPECT_EQ(target.asked[4], 6000);  // then the middle of [4000, 8000]
  // The bracket holds the true capacity and is within 5% of its low end.
  EXPECT_LE(c.bracket_low_per_s, 5'300);
  EXPECT_GT(c.bracket_high_per_s, 5'300);
  EXPECT_LE(c.bracket_high_per_s - c.bracket_low_per_s, 0.05 * c.bracket_low_per_s);
  EXPECT_EQ(c.rate_per_s, c.bracket_low_per_s);
  ASSERT_GE(out.best_step, 0);
  EXPECT_EQ(c.steps[out.best_step].target_rate_per_s, c.rate_per_s);
  EXPECT_TRUE(c.steps[out.best_step].sustained);
  EXPECT_EQ(c.steps.size(), target.asked.size());
  EXPECT_DOUBLE_EQ(c.search_s, static_cast<double>(target.asked.size()));
}

TEST(CapacitySearch, AFinerPrecisionTakesMoreStepsAndANarrowerBracket) {
  ModelTarget coarse_target, fine_target;
  coarse_target.capacity_per_s = fine_target.capacity_per_s = 5'300;
  SearchSettings coarse = Settings(), fine = Settings();
  coarse.precision_fraction = 0.2;
  fine.precision_fraction = 0.01;
  const report::CapacityResult c = Search(coarse, coarse_target).capacity;
  const report::CapacityResult f = Search(fine, fine_target).capacity;
  EXPECT_LT(coarse_target.asked.size(), fine_target.asked.size());
  EXPECT_LE(c.bracket_high_per_s - c.bracket_low_per_s, 0.2 * c.bracket_low_per_s);
  EXPECT_LE(f.bracket_high_per_s - f.bracket_low_per_s, 0.01 * f.bracket_low_per_s);
  EXPECT_LE(f.bracket_low_per_s, 5'300);
  EXPECT_GT(f.bracket_high_per_s, 5'300);
}

TEST(CapacitySearch, BelowTheStartRateItShrinksUntilARateIsSustained) {
  ModelTarget target;
  target.capacity_per_s = 300;
  const SearchOutcome out = Search(Settings(), target);
  EXPECT_EQ(target.asked[0], 1000);
  EXPECT_EQ(target.asked[1], 500);
  EXPECT_EQ(target.asked[2], 250);
  EXPECT_EQ(out.capacity.stop_reason, "precision_reached");
  EXPECT_LE(out.capacity.bracket_low_per_s, 300);
  EXPECT_GT(out.capacity.bracket_high_per_s, 300);
}

TEST(CapacitySearch, NoSustainableRateDownToMinRateIsAResultWithItsEvidence) {
  ModelTarget target;
  target.capacity_per_s = 0;  // latency never meets the objective
  const SearchOutcome out = Search(Settings(), target);
  const report::CapacityResult& c = out.capacity;
  EXPECT_EQ(c.stop_reason, "no_sustainable_rate");
  EXPECT_EQ(c.rate_per_s, 0);
  EXPECT_EQ(out.best_step, -1);
  EXPECT_EQ(target.asked.back(), 10);  // min_rate was tried
  EXPECT_EQ(c.bracket_high_per_s, 10);
  for (const CapacityStep& s : c.steps) {
    EXPECT_FALSE(s.sustained);
    EXPECT_EQ(s.why, "message_latency.p99 = 50ms, limit < 10ms");  // the evidence
  }
}

TEST(CapacitySearch, TheObjectiveHoldingAtMaxRateStopsThere) {
  ModelTarget target;
  target.capacity_per_s = 1e12;
  SearchSettings settings = Settings();
  settings.max_rate_per_s = 5'000;
  const SearchOutcome out = Search(settings, target);
  EXPECT_EQ(out.capacity.stop_reason, "max_rate_sustained");
  EXPECT_EQ(target.asked, (std::vector<double>{1000, 2000, 4000, 5000}));  // capped at max_rate
  EXPECT_EQ(out.capacity.rate_per_s, 5'000);
  EXPECT_EQ(out.capacity.bracket_high_per_s, 0);
}

TEST(CapacitySearch, NoStepStartsThatWouldEndPastTheTimeBudget) {
  ModelTarget target;
  target.capacity_per_s = 5'300;
  target.step_elapsed_s = 10;
  SearchSettings settings = Settings();
  settings.time_budget_s = 35;  // three steps of 10 s fit, a fourth would end at 40 s
  const SearchOutcome out = Search(settings, target);
  EXPECT_EQ(out.capacity.stop_reason, "time_budget_spent");
  EXPECT_EQ(target.asked.size(), 3u);
  EXPECT_EQ(out.capacity.rate_per_s, 4'000);
  EXPECT_EQ(out.capacity.bracket_high_per_s, 0);
  EXPECT_LE(out.capacity.search_s, 35);
}

TEST(CapacitySearch, AGeneratorThatSaturatesFirstIsReportedAsSuchNotAsTheTargetsLimit) {
  ModelTarget target;
  target.capacity_per_s = 50'000;
  target.generator_limit_per_s = 6'000;
  const SearchOutcome out = Search(Settings(), target);
  const report::CapacityResult& c = out.capacity;
  EXPECT_EQ(c.stop_reason, "generator_saturated");
  EXPECT_EQ(target.asked.back(), 8000);  // the first step past the generator's limit ends it
  EXPECT_EQ(c.rate_per_s, 4'000);        // what the target was seen to sustain
  EXPECT_EQ(c.bracket_high_per_s, 0);    // the target did not fail: no upper bound on it
  EXPECT_TRUE(c.steps.back().generator_saturated);
  EXPECT_NE(c.steps.back().why.find("generator"), std::string::npos);
  EXPECT_NE(StopReasonText(StopReason::kGeneratorSaturated, Settings()).find("not the target's"),
            std::string::npos);
}

TEST(CapacitySearch, AFailureIsConfirmedBeforeItBoundsTheBracket) {
  // Steps 2 (at 4000/s, below the capacity) fails once from noise.
  ModelTarget unconfirmed, confirmed;
  unconfirmed.capacity_per_s = confirmed.capacity_per_s = 5'300;
  unconfirmed.noisy_steps = confirmed.noisy_steps = {2};
  const report::CapacityResult fooled = Search(Settings(), unconfirmed).capacity;
  EXPECT_LT(fooled.bracket_high_per_s, 5'300);  // without confirmation the noise wins

  SearchSettings settings = Settings();
  settings.confirm_failures = 1;
  const SearchOutcome out = Search(settings, confirmed);
  EXPECT_EQ(confirmed.asked[2], 4000);
  EXPECT_EQ(confirmed.asked[3], 4000);  // run again: sustained, so 4000/s is sustainable
  EXPECT_EQ(confirmed.asked[4], 8000);
  EXPECT_EQ(confirmed.asked[5], 8000);  // a real failure is run twice too
  EXPECT_EQ(out.capacity.stop_reason, "precision_reached");
  EXPECT_LE(out.capacity.bracket_low_per_s, 5'300);
  EXPECT_GT(out.capacity.bracket_high_per_s, 5'300);
}

TEST(CapacitySearch, AStepSentShortOfItsScheduleIsNotSustained) {
  CapacityStep step;
  step.target_rate_per_s = 1000;
  step.achieved_rate_per_s = 950;
  JudgeStep("", &step);
  EXPECT_FALSE(step.sustained);
  EXPECT_NE(step.why.find("dropped"), std::string::npos);
  step.achieved_rate_per_s = 995;
  JudgeStep("", &step);
  EXPECT_TRUE(step.sustained);
  EXPECT_EQ(step.why, "");
}

TEST(CapacitySearch, APassAboveAFailureDoesNotWidenTheBracket) {
  std::vector<CapacityStep> steps(3);
  steps[0].target_rate_per_s = 1000;
  steps[0].sustained = true;
  steps[1].target_rate_per_s = 2000;  // failed
  steps[2].target_rate_per_s = 3000;  // noise: sustained above a failure
  steps[2].sustained = true;
  const Bracket b = BracketOf(steps, 0);
  EXPECT_EQ(b.low_per_s, 1000);
  EXPECT_EQ(b.high_per_s, 2000);
}

TEST(CapacitySearch, AnInterruptionEndsTheSearchWithWhatItFound) {
  ModelTarget target;
  target.capacity_per_s = 5'300;
  target.interrupt_at_step = 1;
  const SearchOutcome out = Search(Settings(), target);
  EXPECT_TRUE(out.interrupted);
  EXPECT_EQ(out.capacity.stop_reason, "interrupted");
  EXPECT_EQ(target.asked.size(), 2u);
  EXPECT_EQ(out.capacity.rate_per_s, 2'000);
}

TEST(CapacitySearch, TheStepCountIsBoundedWhateverTheSettings) {
  ModelTarget target;
  target.capacity_per_s = 5'300;
  SearchSettings settings = Settings();
  settings.precision_fraction = 0;  // never reached
  settings.max_steps = 20;
  const SearchOutcome out = Search(settings, target);
  EXPECT_EQ(out.capacity.stop_reason, "step_limit");
  EXPECT_EQ(target.asked.size(), 20u);
}

}  // namespace
}  // namespace streambench::search
