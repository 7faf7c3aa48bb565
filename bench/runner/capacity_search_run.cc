#include "bench/runner/capacity_search_run.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "bench/gate/threshold_judge.h"
#include "bench/report/console_report.h"
#include "bench/report/format.h"
#include "bench/report/result_fields.h"
#include "bench/runner/dispatch_lag.h"
#include "bench/search/capacity_search.h"

namespace streambench::runner {
namespace {

// The latency kind the steps report: the objective's first latency metric's kind, else the run's
// message latency, else its call latency.
std::string StepLatencyKind(const report::RunResult& run,
                            const std::vector<criteria::Threshold>& objective) {
  const std::string suffix = "_latency.";
  for (const criteria::Threshold& t : objective) {
    const size_t at = t.metric.find(suffix);
    if (at != std::string::npos) return t.metric.substr(0, at);
  }
  for (const char* kind : {"message", "call"}) {
    if (run.latency_us.count(kind) > 0) return kind;
  }
  return "";
}

class RunnerSteps final : public search::StepRunner {
 public:
  RunnerSteps(const scenario::Scenario& s, const RunOptions& options)
      : scenario_(s), options_(options) {}

  Outcome RunStep(double rate_per_s) override {
    scenario::Scenario step = scenario_;
    step.load.model = scenario::LoadModel::kConstant;
    step.load.rate_per_s = rate_per_s;
    step.duration_us = scenario_.load.search.step_duration_us;
    const Clock& clock = *Env().clock;
    const int64_t start_ns = clock.NowNs();
    RunOutcome run = RunController(options_).Run(step);
    Outcome out;
    if (run.status != RunOutcome::Status::kCompleted) {
      out.could_not_run = true;
      failure_ = std::move(run);
      return out;
    }
    out.step = StepFromRun(run.result, rate_per_s, scenario_.load.search.objective);
    out.step.elapsed_s = static_cast<double>(clock.NowNs() - start_ns) / 1e9;
    out.interrupted = run.result.interrupted || run.stop_now;
    stop_now_ = stop_now_ || run.stop_now;
    dropped_ops_.push_back(run.dropped_ops);
    results_.push_back(std::move(run.result));
    return out;
  }

  const RunEnvironment& Env() const {
    return options_.environment != nullptr ? *options_.environment : ProductionRunEnvironment();
  }

  std::vector<report::RunResult> results_;
  std::vector<uint64_t> dropped_ops_;
  RunOutcome failure_;
  bool stop_now_ = false;

 private:
  const scenario::Scenario& scenario_;
  const RunOptions& options_;
};

search::SearchSettings SettingsOf(const scenario::Scenario& s) {
  search::SearchSettings settings;
  settings.start_rate_per_s = s.load.start_rate_per_s;
  settings.min_rate_per_s = s.load.search.min_rate_per_s;
  settings.max_rate_per_s = s.load.search.max_rate_per_s;
  settings.growth_factor = s.load.search.growth_factor;
  settings.precision_fraction = s.load.search.precision_fraction;
  settings.confirm_failures = static_cast<int>(s.load.search.confirm_failures);
  settings.time_budget_s = static_cast<double>(s.load.search.time_budget_us) / 1e6;
  return settings;
}

}  // namespace

report::CapacityStep StepFromRun(const report::RunResult& run, double target_rate_per_s,
                                 const std::vector<criteria::Threshold>& objective) {
  report::CapacityStep step;
  step.target_rate_per_s = target_rate_per_s;
  step.duration_s = run.duration_s;
  const double dropped_per_s =
      run.duration_s > 0 ? static_cast<double>(run.dropped_ops) / run.duration_s : 0;
  step.achieved_rate_per_s = std::max(0.0, target_rate_per_s - dropped_per_s);
  step.latency_kind = StepLatencyKind(run, objective);
  auto latency = run.latency_us.find(step.latency_kind);
  if (latency != run.latency_us.end()) {
    step.p50_us = latency->second.p50_us;
    step.p99_us = latency->second.p99_us;
    step.p999_us = latency->second.p999_us;
  }
  step.error_rate = report::FindMetric("error_rate")->value(run);
  step.generator_saturated = run.generator.saturated;
  std::string failure;
  for (const criteria::Threshold& t : objective) {
    const report::Check check = gate::EvaluateThreshold(t, run);
    if (!check.passed) {
      failure = check.detail;
      break;
    }
  }
  // Operations a worker never got to hand over are neither sent nor dropped: a worker that fell
  // behind its schedule did not offer the step's rate, whatever the latency of what it did send.
  if (failure.empty() && run.generator.dispatch_behind_fraction >= kSaturatedBehindFraction) {
    failure = "the generator handed " +
              report::FormatPercent(run.generator.dispatch_behind_fraction) +
              " of its operations over more than 1 ms late: the rate was not offered";
  }
  search::JudgeStep(failure, &step);
  return step;
}

RunOutcome RunCapacitySearchScenario(const scenario::Scenario& s, const RunOptions& options) {
  RunOutcome outcome;
  const RunEnvironment& env =
      options.environment != nullptr ? *options.environment : ProductionRunEnvironment();
  if (!env.slots->Check(s, &outcome.error)) {
    outcome.status = RunOutcome::Status::kBadInput;
    return outcome;
  }
  // One target for every step: the embedded server starts once, so a step measures the server
  // as the previous steps left it, not a cold start.
  std::unique_ptr<TargetProvider> target = env.targets->ShareAmong(s, 1, &outcome.error);
  if (target == nullptr) {
    outcome.status = RunOutcome::Status::kCouldNotRun;
    return outcome;
  }
  RunEnvironment step_env = env;
  step_env.targets = target.get();
  RunOptions step_options = options;
  step_options.environment = &step_env;

  RunnerSteps steps(s, step_options);
  const search::SearchSettings settings = SettingsOf(s);
  search::SearchOutcome searched =
      search::RunCapacitySearch(settings, steps, [&](const report::CapacityStep& step) {
        if (options.log_out != nullptr) {
          *options.log_out << report::FormatCapacityStep(step, steps.results_.size() - 1) << "\n";
        }
      });
  if (searched.could_not_run) return std::move(steps.failure_);
  if (steps.results_.empty()) {  // cannot happen: the first step always runs
    outcome.status = RunOutcome::Status::kCouldNotRun;
    outcome.error = "the capacity search ran no step";
    return outcome;
  }
  const size_t shown =
      searched.best_step >= 0 ? static_cast<size_t>(searched.best_step) : steps.results_.size() - 1;
  outcome.result = std::move(steps.results_[shown]);
  outcome.dropped_ops = steps.dropped_ops_[shown];
  outcome.stop_now = steps.stop_now_;
  outcome.result.interrupted = outcome.result.interrupted || searched.interrupted;
  report::CapacityResult& capacity = outcome.result.capacity;
  capacity = std::move(searched.capacity);
  for (const criteria::Threshold& t : s.load.search.objective) {
    capacity.objective += (capacity.objective.empty() ? "" : "; ") + t.text;
  }
  if (options.log_out != nullptr) {
    *options.log_out << "capacity search: " << search::StopReasonText(searched.reason, settings)
                     << "\n";
  }
  return outcome;
}

}  // namespace streambench::runner
