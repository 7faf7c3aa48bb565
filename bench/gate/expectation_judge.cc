#include "bench/gate/expectation_judge.h"

#include <map>
#include <string>

#include "bench/report/format.h"

namespace streambench::gate {
namespace {

using report::Check;
using report::FormatCount;
using report::FormatNumber;
using report::FormatPercent;
using report::RunResult;

uint64_t CountOf(const RunResult& run, const std::string& code) {
  auto it = run.calls_by_code.find(code);
  return it == run.calls_by_code.end() ? 0 : it->second;
}

Check CheckStatus(const std::string& code, const scenario::StatusExpectation& expect,
                  const RunResult& run) {
  Check check;
  check.name = "status " + code;
  check.metric = "calls." + code;
  const uint64_t count = CountOf(run, code);
  check.measured = static_cast<double>(count);
  const uint64_t finished = run.calls_finished;
  std::string measured =
      code + " " + FormatCount(count) + " of " + FormatCount(finished) + " finished calls";
  std::string limits;
  bool passed = true;

  // Shares are only meaningful with finished calls; the count rule still applies without them.
  const bool bounded_share = expect.min_fraction > 0 || expect.max_fraction < 1;
  if (bounded_share) {
    limits = "share in [" + FormatPercent(expect.min_fraction) + ", " +
             FormatPercent(expect.max_fraction) + "]";
    if (finished > 0) {
      const double fraction = static_cast<double>(count) / static_cast<double>(finished);
      measured += " (" + FormatPercent(fraction) + ")";
      if (fraction < expect.min_fraction || fraction > expect.max_fraction) passed = false;
    } else if (expect.min_fraction > 0) {
      passed = false;
    }
  }
  if (expect.min_calls > 0) {
    if (!limits.empty()) limits += ", ";
    limits +=
        "at least " + FormatCount(expect.min_calls) + (expect.min_calls == 1 ? " call" : " calls");
    if (count < expect.min_calls) passed = false;
  }
  check.passed = passed;
  check.detail = measured + "; expected " + (limits.empty() ? "any" : limits);
  return check;
}

}  // namespace

bool InjectsFaults(const scenario::Scenario& scenario) {
  return !scenario.behavior.failure.code.empty() || scenario.call.cancel_after_us > 0 ||
         scenario.behavior.integrity_faults.Any();
}

std::vector<Check> ExpectationChecks(const scenario::Scenario& scenario, const RunResult& run) {
  std::vector<Check> checks;

  const uint64_t messages = run.messages_sent + run.messages_received;
  if (run.calls_finished == 0 && messages == 0) {
    Check none;
    none.name = "no traffic";
    none.passed = false;
    none.detail = "0 calls finished and 0 messages moved in " + FormatNumber(run.duration_s, 3) +
                  " s; expected some traffic";
    checks.push_back(none);
  }

  std::map<std::string, scenario::StatusExpectation> statuses = scenario.expect.statuses;
  if (statuses.empty()) {
    // The documented default: OK, at least one call.
    scenario::StatusExpectation some_ok;
    some_ok.min_calls = 1;
    statuses["OK"] = some_ok;
  }
  for (const auto& [code, expect] : statuses) {
    checks.push_back(CheckStatus(code, expect, run));
  }

  Check unexpected;
  unexpected.name = "unexpected statuses";
  for (const auto& [code, count] : run.calls_by_code) {
    if (count == 0 || statuses.count(code) != 0) continue;
    unexpected.passed = false;
    if (!unexpected.detail.empty()) unexpected.detail += ", ";
    unexpected.detail += code + " " + FormatCount(count);
  }
  unexpected.detail =
      unexpected.passed ? "none; expected none" : unexpected.detail + "; expected none";
  checks.push_back(unexpected);

  Check integrity;
  integrity.name = "integrity errors";
  integrity.metric = "integrity_errors";
  const stats::IntegrityCounts& counts = run.integrity;
  const uint64_t errors = counts.Total();
  const std::string measured = FormatCount(errors) + " (lost " + FormatCount(counts.lost) +
                               ", duplicated " + FormatCount(counts.duplicated) + ", reordered " +
                               FormatCount(counts.reordered) + ", corrupted " +
                               FormatCount(counts.corrupted) + ")";
  if (scenario.expect.allow_integrity_errors) {
    integrity.detail = measured + "; allowed (expect.allow_integrity_errors)";
  } else if (InjectsFaults(scenario)) {
    integrity.detail = measured + "; allowed (the scenario injects faults)";
  } else {
    integrity.passed = errors == 0;
    integrity.detail = measured + "; expected 0";
  }
  integrity.measured = static_cast<double>(errors);
  checks.push_back(integrity);
  // A server whose stream limit is below streams_per_connection: under `queue` the streams
  // beyond it wait for a free one. Calls that come and go (unary) just queue, as gRPC clients
  // do; a stream held open for the run may wait for all of it, which is a stalled load.
  const report::StreamLimitResult& limit = run.stream_limit;
  if (limit.server_max_concurrent_streams > 0) {
    Check stream_limit;
    stream_limit.name = "server stream limit";
    stream_limit.metric = "stream_limit.waiting_streams";
    stream_limit.measured = static_cast<double>(limit.waiting_streams);
    const std::string allowed = "the server allows " +
                                FormatCount(limit.server_max_concurrent_streams) +
                                " concurrent streams per connection";
    if (limit.waiting_streams == 0) {
      stream_limit.detail = allowed + "; the run spread its streams over " +
                            FormatCount(limit.connections) + " connections of " +
                            FormatCount(limit.streams_per_connection) +
                            " (over_stream_limit: " + limit.policy + ")";
    } else {
      stream_limit.passed = scenario.mode == scenario::Mode::kUnary;
      stream_limit.detail =
          allowed + "; " + FormatCount(limit.waiting_streams) +
          " of the run's streams waited for " + "a free one (over_stream_limit: " + limit.policy +
          ")" +
          (stream_limit.passed ? "; unary calls queue as gRPC clients do"
                               : "; expected none: use over_stream_limit: connect, or fewer "
                                 "streams_per_connection");
    }
    checks.push_back(stream_limit);
  }
  // A named method's `response.expect.fields`: every response must pass, as every call must end
  // with an expected status.
  if (scenario.method.expect_fields.IsMap()) {
    Check responses;
    responses.name = "response checks";
    responses.metric = "response_check_failures";
    responses.passed = run.response_check_failures == 0;
    responses.measured = static_cast<double>(run.response_check_failures);
    responses.detail = FormatCount(run.response_check_failures) +
                       " responses failed response.expect.fields; expected 0";
    checks.push_back(responses);
  }
  return checks;
}

void EvaluateExpectations(const scenario::Scenario& scenario, RunResult* run) {
  run->checks = ExpectationChecks(scenario, *run);
  run->pass = AllPassed(run->checks);
}

std::vector<Check> ExpectationJudge::Checks(const report::ScenarioResult& result) const {
  std::vector<Check> checks;
  for (const RunResult& run : result.runs) {
    for (const scenario::Scenario& declared : file_.runs) {
      if (declared.variant != run.variant) continue;
      for (Check& check : ExpectationChecks(declared, run)) {
        check.variant = run.variant;
        checks.push_back(std::move(check));
      }
      break;
    }
  }
  return checks;
}

}  // namespace streambench::gate
