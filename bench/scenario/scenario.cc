#include "bench/scenario/scenario.h"

#include <algorithm>

namespace streambench::scenario {

const std::vector<std::string>& ModeNames() {
  static const std::vector<std::string>* const kNames = new std::vector<std::string>{
      "unary", "server_stream", "client_stream", "bidi", "upload", "download", "subscribe", "chat"};
  return *kNames;
}

const std::vector<std::string>& EngineNames() {
  static const std::vector<std::string> names = {"grpc", "h2"};
  return names;
}

const char* EngineName(EngineKind engine) {
  const size_t index = static_cast<size_t>(engine);
  return index < EngineNames().size() ? EngineNames()[index].c_str() : "unknown";
}

const std::vector<std::string>& OverStreamLimitNames() {
  static const std::vector<std::string> names = {"queue", "connect"};
  return names;
}

const char* OverStreamLimitName(OverStreamLimit policy) {
  const size_t index = static_cast<size_t>(policy);
  return index < OverStreamLimitNames().size() ? OverStreamLimitNames()[index].c_str() : "unknown";
}

const char* ModeName(Mode mode) {
  const size_t index = static_cast<size_t>(mode);
  return index < ModeNames().size() ? ModeNames()[index].c_str() : "unknown";
}

const std::vector<std::string>& BuiltInServiceNames() {
  static const std::vector<std::string>* const kNames =
      new std::vector<std::string>{"streambench.v1", "grpc.testing.BenchmarkService"};
  return *kNames;
}

std::string ServiceName(const Scenario& s) {
  if (s.target.service == TargetService::kAnyService) return s.method.service;
  return BuiltInServiceNames()[static_cast<size_t>(s.target.service)];
}

bool IsWorkloadMode(Mode mode) {
  return mode == Mode::kUpload || mode == Mode::kDownload || mode == Mode::kSubscribe ||
         mode == Mode::kChat;
}

bool IsFaultedWorkloadMode(Mode mode) {
  return mode == Mode::kDownload || mode == Mode::kSubscribe || mode == Mode::kChat;
}

uint64_t SizeDistribution::MaxBytes() const {
  switch (kind) {
    case Kind::kFixed:
      return fixed_bytes;
    case Kind::kUniform:
      return max_bytes;
    case Kind::kChoice: {
      // A choice with weight 0 is never drawn, so it does not count.
      uint64_t largest = 0;
      for (size_t i = 0; i < choices_bytes.size(); ++i) {
        if (i < weights.size() && weights[i] <= 0) continue;
        largest = std::max(largest, choices_bytes[i]);
      }
      return largest;
    }
  }
  return 0;
}

}  // namespace streambench::scenario
