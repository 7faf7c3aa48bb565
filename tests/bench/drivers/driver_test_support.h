// What the driver tests that run real drivers against a real server share: loading a scenario
// from text, an engine and its channel to the server, and waiting (without sleeping) for what
// the drivers do on the engine's threads.
#pragma once

#include <grpcpp/channel.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "bench/engines/engine.h"
#include "bench/engines/grpc/grpc_channels.h"
#include "bench/engines/grpc/grpc_engine.h"
#include "bench/engines/h2/h2_engine.h"
#include "bench/scenario/scenario_loader.h"
#include "tests/bench/test_engine.h"

namespace streambench::drivers::testing {

using streambench::testing::LoadFirstRun;

// An engine of `kind` and one channel of it to `address`, plus the gRPC channel a driver's
// Prepare takes. Destroy the slots first.
struct TestChannel {
  std::unique_ptr<engines::Engine> engine;
  std::shared_ptr<engines::Channel> channel;
  std::shared_ptr<grpc::Channel> prepare_channel;
};
inline TestChannel MakeTestChannel(const std::string& address, scenario::EngineKind kind) {
  TestChannel out;
  switch (kind) {
    case scenario::EngineKind::kGrpc:
      out.engine = engines::grpc_engine::MakeGrpcEngine();
      break;
    case scenario::EngineKind::kH2:
      out.engine = engines::h2::MakeH2Engine(engines::h2::H2EngineOptions{});
      break;
  }
  engines::ChannelOptions options;
  options.addresses = {address};
  out.channel = out.engine->MakeChannel(options);
  out.prepare_channel = engines::grpc_engine::MakeGrpcChannel(options);
  return out;
}

// Spins (no sleep) until `done` or a bounded wait ends; the test fails in the latter case.
template <class Done>
void WaitFor(const char* what, Done done) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) {
      ADD_FAILURE() << "timed out waiting for " << what;
      return;
    }
    std::this_thread::yield();
  }
}

}  // namespace streambench::drivers::testing
