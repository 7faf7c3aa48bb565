#include "bench/scenario/scenario.h"

#include <algorithm>

namespace streambench::scenario {

const char* ModeName(Mode mode) {
  switch (mode) {
    case Mode::kUnary:
      return "unary";
    case Mode::kServerStream:
      return "server_stream";
    case Mode::kClientStream:
      return "client_stream";
    case Mode::kBidi:
      return "bidi";
    case Mode::kUpload:
      return "upload";
    case Mode::kDownload:
      return "download";
    case Mode::kSubscribe:
      return "subscribe";
    case Mode::kChat:
      return "chat";
  }
  return "unknown";
}

bool IsWorkloadMode(Mode mode) {
  return mode == Mode::kUpload || mode == Mode::kDownload || mode == Mode::kSubscribe ||
         mode == Mode::kChat;
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
