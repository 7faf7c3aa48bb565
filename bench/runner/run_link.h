// Emulated links for one run: when the scenario has `link`, one LinkEmulator (bench/link) per
// target address is started in front of it, and the generator dials the emulators instead. The
// link's spec and counters go into the run's result.
// Internal to the runner. Thread-safety: used from the run controller's thread only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bench/link/link_emulator.h"
#include "bench/report/result.h"
#include "bench/scenario/scenario.h"

namespace streambench::runner {

class RunLinks {
 public:
  // Starts one emulator per address in *addresses ("host:port" each) and replaces each address
  // with its emulator's. False with *error when an address is not host:port (gRPC URIs such as
  // dns:/// or unix: cannot be relayed) or an emulator cannot start.
  bool Start(const scenario::LinkSettings& settings, std::vector<std::string>* addresses,
             std::string* error);

  // The spec and the counters summed over the emulators, for the result.
  report::LinkResult Result() const;

  // Stops every emulator (idempotent; the destructor does it too).
  void Stop();

  bool active() const { return !links_.empty(); }

 private:
  std::vector<std::unique_ptr<link::LinkEmulator>> links_;
};

// The link emulator's spec for a scenario's `link` settings.
link::LinkSpec ToLinkSpec(const scenario::LinkSettings& settings);

}  // namespace streambench::runner
