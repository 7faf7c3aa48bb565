// Test support for the nghttp2 engine: a StreamHandler that records a call's messages and end,
// and a whole call (start, send, half-close, run the loop until it ends) in one line.
// Thread-safety: used from the test's thread (the loop's).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bench/engines/h2/connection.h"
#include "bench/engines/h2/event_loop.h"

namespace streambench::engines::h2 {

class Recorder : public StreamHandler {
 public:
  void OnInitialMetadata(const Metadata& metadata) override {
    EXPECT_FALSE(got_initial_metadata) << "initial metadata twice";
    EXPECT_TRUE(messages.empty()) << "initial metadata after a message";
    initial_metadata = metadata;
    got_initial_metadata = true;
  }
  void OnMessage(std::string_view message) override { messages.emplace_back(message); }
  void OnClose(const CallStatus& s) override {
    status = s;
    closed = true;
  }
  bool got_initial_metadata = false;
  Metadata initial_metadata;
  std::vector<std::string> messages;
  CallStatus status;
  bool closed = false;
};

// The value of `key` in `metadata` ("<absent>" when it is not there).
inline std::string Lookup(const Metadata& metadata, const std::string& key) {
  for (const auto& [k, v] : metadata) {
    if (k == key) return v;
  }
  return "<absent>";
}

// Runs `loop` until `recorder`'s call has ended, at most 20 s.
inline bool WaitForEnd(EventLoop& loop, const Recorder& recorder) {
  return loop.RunUntil([&] { return recorder.closed; },
                       std::chrono::steady_clock::now() + std::chrono::seconds(20));
}

// Calls `path` with `requests`, half-closes, and waits for the end (20 s deadline). The recorder
// says what came back; `closed` is false when the call did not end in time.
inline std::unique_ptr<Recorder> CallToEnd(Connection& connection, EventLoop& loop,
                                           const std::string& path,
                                           const std::vector<std::string>& requests,
                                           const Metadata& metadata = {}) {
  auto recorder = std::make_unique<Recorder>();
  const StreamHandle id = connection.StartCall(
      path, metadata, std::chrono::steady_clock::now() + std::chrono::seconds(20), recorder.get());
  for (const std::string& request : requests) connection.Write(id, request);
  connection.WritesDone(id);
  WaitForEnd(loop, *recorder);
  return recorder;
}

}  // namespace streambench::engines::h2
