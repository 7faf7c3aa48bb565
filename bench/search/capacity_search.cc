#include "bench/search/capacity_search.h"

#include <algorithm>
#include <cstdio>

namespace streambench::search {
namespace {

// A step that sent less than this share of its schedule did not run at its rate: the operations
// it dropped were refused because the target had not taken the earlier ones.
constexpr double kMaxShortfallFraction = 0.01;

std::string Percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g%%", fraction * 100);
  return buf;
}

std::string Rate(double per_s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.0f/s", per_s);
  return buf;
}

}  // namespace

const char* StopReasonName(StopReason reason) {
  switch (reason) {
    case StopReason::kPrecisionReached:
      return "precision_reached";
    case StopReason::kMaxRateSustained:
      return "max_rate_sustained";
    case StopReason::kNoSustainableRate:
      return "no_sustainable_rate";
    case StopReason::kTimeBudgetSpent:
      return "time_budget_spent";
    case StopReason::kGeneratorSaturated:
      return "generator_saturated";
    case StopReason::kStepLimit:
      return "step_limit";
    case StopReason::kInterrupted:
      return "interrupted";
  }
  return "?";
}

std::string StopReasonText(StopReason reason, const SearchSettings& settings) {
  switch (reason) {
    case StopReason::kPrecisionReached:
      return "the bracket is within the precision (" + Percent(settings.precision_fraction) + ")";
    case StopReason::kMaxRateSustained:
      return "the objective held at max_rate (" + Rate(settings.max_rate_per_s) +
             "): the capacity is at least that";
    case StopReason::kNoSustainableRate:
      return "no sustainable rate: the objective failed down to min_rate (" +
             Rate(settings.min_rate_per_s) + ")";
    case StopReason::kTimeBudgetSpent:
      return "the time budget is spent: the bracket is as far as it got";
    case StopReason::kGeneratorSaturated:
      return "the generator reached its own limit (its CPU, or its open-loop workers fell behind "
             "their schedule) before the target failed the objective: the upper end is the "
             "generator's limit, not the target's";
    case StopReason::kStepLimit:
      return "the step limit (" + std::to_string(settings.max_steps) + ") was reached";
    case StopReason::kInterrupted:
      return "interrupted";
  }
  return "?";
}

void JudgeStep(const std::string& objective_failure, report::CapacityStep* step) {
  const bool short_of_schedule =
      step->achieved_rate_per_s < step->target_rate_per_s * (1 - kMaxShortfallFraction);
  step->sustained = objective_failure.empty() && !short_of_schedule;
  if (!objective_failure.empty()) {
    step->why = objective_failure;
  } else if (short_of_schedule) {
    step->why = "sent " + Rate(step->achieved_rate_per_s) + " of " + Rate(step->target_rate_per_s) +
                ": operations dropped (the target did not keep up)";
  } else {
    step->why.clear();
  }
  // The generator's limit is named as such: a step it could not carry says nothing of the target.
  if (!step->sustained && step->generator_saturated) {
    step->why += (step->why.empty() ? "" : "; ") +
                 std::string("the generator was saturated (CPU or schedule lag)");
  }
}

namespace {

// The steps at `rate`: how many sustained, how many failed for the target's sake.
struct RateRecord {
  int sustained = 0;
  int failed = 0;
};
RateRecord RecordAt(const std::vector<report::CapacityStep>& steps, double rate_per_s) {
  RateRecord r;
  for (const report::CapacityStep& s : steps) {
    if (s.target_rate_per_s != rate_per_s) continue;
    if (s.sustained) ++r.sustained;
    if (!s.sustained && !s.generator_saturated) ++r.failed;
  }
  return r;
}

}  // namespace

Bracket BracketOf(const std::vector<report::CapacityStep>& steps, int confirm_failures) {
  Bracket b;
  for (const report::CapacityStep& s : steps) {
    const RateRecord r = RecordAt(steps, s.target_rate_per_s);
    if (r.sustained > 0 || r.failed < 1 + confirm_failures) continue;
    if (b.high_per_s == 0 || s.target_rate_per_s < b.high_per_s) b.high_per_s = s.target_rate_per_s;
  }
  for (const report::CapacityStep& s : steps) {
    if (!s.sustained) continue;
    if (b.high_per_s > 0 && s.target_rate_per_s >= b.high_per_s) continue;
    b.low_per_s = std::max(b.low_per_s, s.target_rate_per_s);
  }
  return b;
}

Decision Decide(const SearchSettings& settings, const std::vector<report::CapacityStep>& steps,
                double elapsed_s) {
  Decision d;
  auto stop = [&d](StopReason reason) {
    d.stop = true;
    d.reason = reason;
    return d;
  };
  if (steps.empty()) {
    d.next_rate_per_s = std::min(settings.start_rate_per_s, settings.max_rate_per_s);
    return d;
  }
  const report::CapacityStep& last = steps.back();
  if (!last.sustained && last.generator_saturated) return stop(StopReason::kGeneratorSaturated);
  const Bracket b = BracketOf(steps, settings.confirm_failures);
  const RateRecord at_last = RecordAt(steps, last.target_rate_per_s);
  if (!last.sustained && at_last.sustained == 0 && at_last.failed < 1 + settings.confirm_failures) {
    d.next_rate_per_s = last.target_rate_per_s;  // confirm the failure before it counts
  } else if (b.high_per_s == 0) {                // nothing failed yet: grow
    if (b.low_per_s >= settings.max_rate_per_s) return stop(StopReason::kMaxRateSustained);
    d.next_rate_per_s = std::min(b.low_per_s * settings.growth_factor, settings.max_rate_per_s);
  } else if (b.low_per_s == 0) {  // nothing sustained yet: shrink
    if (b.high_per_s <= settings.min_rate_per_s) return stop(StopReason::kNoSustainableRate);
    d.next_rate_per_s = std::max(b.high_per_s / settings.growth_factor, settings.min_rate_per_s);
  } else {  // bisect
    if (b.high_per_s - b.low_per_s <= settings.precision_fraction * b.low_per_s) {
      return stop(StopReason::kPrecisionReached);
    }
    d.next_rate_per_s = (b.low_per_s + b.high_per_s) / 2;
  }
  if (static_cast<int>(steps.size()) >= settings.max_steps) return stop(StopReason::kStepLimit);
  // The next step is expected to take as long as the last one did.
  if (settings.time_budget_s > 0 && elapsed_s + last.elapsed_s > settings.time_budget_s) {
    return stop(StopReason::kTimeBudgetSpent);
  }
  return d;
}

SearchOutcome RunCapacitySearch(const SearchSettings& settings, StepRunner& runner,
                                const std::function<void(const report::CapacityStep&)>& on_step) {
  SearchOutcome out;
  report::CapacityResult& c = out.capacity;
  c.searched = true;
  StopReason reason = StopReason::kInterrupted;
  while (true) {
    const Decision d = Decide(settings, c.steps, c.search_s);
    if (d.stop) {
      reason = d.reason;
      break;
    }
    StepRunner::Outcome step = runner.RunStep(d.next_rate_per_s);
    if (step.could_not_run) {
      out.could_not_run = true;
      return out;
    }
    c.search_s += step.step.elapsed_s;
    c.steps.push_back(step.step);
    if (on_step) on_step(c.steps.back());
    if (step.interrupted) {
      out.interrupted = true;
      reason = StopReason::kInterrupted;
      break;
    }
  }
  out.reason = reason;
  c.stop_reason = StopReasonName(reason);
  const Bracket b = BracketOf(c.steps, settings.confirm_failures);
  c.rate_per_s = b.low_per_s;
  c.bracket_low_per_s = b.low_per_s;
  c.bracket_high_per_s = b.high_per_s;
  for (size_t i = 0; i < c.steps.size(); ++i) {
    if (c.steps[i].sustained && c.steps[i].target_rate_per_s == b.low_per_s) {
      out.best_step = static_cast<int>(i);
    }
  }
  return out;
}

}  // namespace streambench::search
