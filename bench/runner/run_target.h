// What one run dials: an owning handle on the target (an embedded reference server started for
// the run, one shared by concurrent runs, or the scenario's own addresses) and the emulated link
// in front of it, and the provider that opens one per run (injected through the run environment;
// embedded_target.h has the production one).
// Thread-safety: a RunTarget is used from its run's thread; a TargetProvider may be asked by
// several concurrent runs at once.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "bench/report/result.h"
#include "bench/scenario/scenario.h"

namespace streambench::runner {

// Destroying the handle stops what it started (the link, then the embedded server), after the
// run's calls have drained.
class RunTarget {
 public:
  virtual ~RunTarget() = default;
  // What the generator dials ("host:port" each): the emulated link's relays when there is one.
  virtual const std::vector<std::string>& addresses() const = 0;
  // For the result's `target`: "embedded 127.0.0.1:PORT", the scenario's target, and the link.
  virtual const std::string& description() const = 0;
  // True when the server runs in this process (its CPU is in the generator's figures).
  virtual bool includes_server() const = 0;
  // The link's spec and counters (disabled when the run has no link).
  virtual report::LinkResult LinkResult() const = 0;
};

class TargetProvider {
 public:
  virtual ~TargetProvider() = default;
  // The target for `run`; nullptr with a one-line *error when it cannot be set up (the embedded
  // server or the link cannot start): the run could not be carried out.
  virtual std::unique_ptr<RunTarget> Open(const scenario::Scenario& run, std::string* error) = 0;
  // For runs that go at the same time (`concurrent: true`, same target and server settings as
  // `first`): a provider whose targets share one server among `runs` runs (one embedded server
  // started now, or the scenario's own). Destroying it stops what it started, after every handle
  // it opened is gone. nullptr with *error when the shared server cannot start.
  virtual std::unique_ptr<TargetProvider> ShareAmong(const scenario::Scenario& first, size_t runs,
                                                     std::string* error) = 0;
};

}  // namespace streambench::runner
