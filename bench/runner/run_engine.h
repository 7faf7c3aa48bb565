// RunEngine: the engine a run's calls go over (the scenario's `engine`), and its channels to the
// target, connected before the run starts.
// Thread-safety: free functions; the engine and channels are thread-safe (engine.h).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bench/engines/engine.h"
#include "bench/runner/run_security.h"
#include "bench/scenario/scenario.h"

namespace streambench::runner {

// The engine `run` asks for; nullptr with *error when this build cannot make it.
std::unique_ptr<engines::Engine> MakeRunEngine(const scenario::Scenario& run, std::string* error);

// The options of the run's channel `index` to `addresses`, with the run's credentials.
engines::ChannelOptions RunChannelOptions(const scenario::Scenario& run,
                                          const std::vector<std::string>& addresses, int index,
                                          const RunCredentials& credentials);

// `run.connections` channels of `engine`, each connected within `timeout`; empty with *error =
// "cannot reach TARGET: ..." when one is not (over TLS: with the handshake's cause, e.g. "the
// server's certificate has expired").
std::vector<std::shared_ptr<engines::Channel>> ConnectRunChannels(
    engines::Engine& engine, const scenario::Scenario& run,
    const std::vector<std::string>& addresses, const RunCredentials& credentials,
    std::chrono::milliseconds timeout, std::string* error);

}  // namespace streambench::runner
