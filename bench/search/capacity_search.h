// The capacity search's decisions: which rate the next open-loop step runs at, given the steps so
// far, and why the search stops. The rate grows geometrically from `start_rate` while the
// objective holds, then bisects between the highest sustained rate and the lowest failed one until
// they are within `precision` of each other. A step is run through an injected StepRunner (the
// runner's glue runs a real open-loop run; tests script the outcomes), so this module knows
// nothing of servers, clocks or scenarios.
//
// Steps are assumed to be judged independently (each starts with nothing queued), and capacity
// monotone: a failure at rate r means every rate above r fails. Noise that breaks this (a pass
// above a failure) is resolved in favour of the failure, so the bracket never widens.
// Thread-safety: pure functions; RunCapacitySearch runs on the caller's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bench/report/result.h"

namespace streambench::search {

// The search's knobs, in the scenario's `load` keys (key_table.cc documents each).
struct SearchSettings {
  double start_rate_per_s = 0;       // the first step (key `start_rate`)
  double min_rate_per_s = 1;         // below this the search gives up (key `min_rate`)
  double max_rate_per_s = 0;         // never asked for more (key `max_rate`)
  double growth_factor = 2;          // rate multiplier while nothing failed (key `growth`)
  double precision_fraction = 0.05;  // stop when (high - low) <= precision x low (`precision`)
  double time_budget_s = 0;          // 0 = none; no step starts that would end past it
  int max_steps = 64;                // a bound on the steps whatever the settings
  // How many times a failed rate is run again before the failure counts (key
  // `confirm_failures`). Noise on a shared machine (a descheduled process, a neighbour's burst)
  // only ever adds latency, so one sustained step proves a rate while a failure may be noise.
  int confirm_failures = 1;
};

enum class StopReason {
  kPrecisionReached,    // the bracket is within the precision
  kMaxRateSustained,    // the objective held at max_rate: the capacity is at least that
  kNoSustainableRate,   // it failed down to min_rate
  kTimeBudgetSpent,     // the next step would not end within the time budget
  kGeneratorSaturated,  // a step failed while the generator's own CPU was saturated
  kStepLimit,           // max_steps ran
  kInterrupted,         // a stop signal
};
const char* StopReasonName(StopReason reason);  // "precision_reached", ...
// One sentence for the console and the report, e.g. "the bracket is within the precision (5%)".
std::string StopReasonText(StopReason reason, const SearchSettings& settings);

// Reading one step: sustained when every objective held and the generator sent (nearly) every
// operation the schedule asked for; otherwise `why` says what failed first.
// `objective_failure` is "" when the objective held.
void JudgeStep(const std::string& objective_failure, report::CapacityStep* step);

// The bracket the steps so far give: `low` = the highest sustained rate below `high`, `high` =
// the lowest rate that failed for the target's sake (0 = none): every one of its steps failed,
// and there were 1 + confirm_failures of them. A rate sustained once is sustained; a step that
// failed with the generator saturated bounds nothing.
struct Bracket {
  double low_per_s = 0;
  double high_per_s = 0;
};
Bracket BracketOf(const std::vector<report::CapacityStep>& steps, int confirm_failures);

struct Decision {
  bool stop = false;
  StopReason reason = StopReason::kPrecisionReached;  // when stop
  double next_rate_per_s = 0;                         // when !stop
};

// The next step's rate, or why to stop, from the steps so far (in order) and the wall time they
// took (`elapsed_s`, each step's `elapsed_s` summed by the caller or measured apart).
Decision Decide(const SearchSettings& settings, const std::vector<report::CapacityStep>& steps,
                double elapsed_s);

// Runs one step at a rate. The runner fills the step's figures (target and achieved rate,
// latency, error rate, saturation, elapsed time) and judges it with JudgeStep.
class StepRunner {
 public:
  virtual ~StepRunner() = default;
  struct Outcome {
    report::CapacityStep step;
    bool interrupted = false;    // a stop signal came: the search ends after this step
    bool could_not_run = false;  // the step could not be carried out: the search ends, no result
  };
  virtual Outcome RunStep(double rate_per_s) = 0;
};

struct SearchOutcome {
  report::CapacityResult capacity;  // searched = true; stop_reason set unless could_not_run
  StopReason reason = StopReason::kInterrupted;  // why it stopped (unless could_not_run)
  int best_step = -1;  // index of the step at capacity.rate_per_s; -1 = none
  bool interrupted = false;
  bool could_not_run = false;  // a step could not be carried out (the runner says why)
};

// Runs steps until Decide stops, calling `on_step` after each (may be empty). `search_s` is the
// sum of the steps' elapsed times.
SearchOutcome RunCapacitySearch(const SearchSettings& settings, StepRunner& runner,
                                const std::function<void(const report::CapacityStep&)>& on_step);

}  // namespace streambench::search
