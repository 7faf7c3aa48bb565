#include "common/status_names.h"

#include <map>
#include <mutex>

namespace streambench {
namespace {

// Index == numeric code, as grpc::StatusCode and the gRPC spec number them.
constexpr const char* kNames[kStatusCodeCount] = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
};

}  // namespace

const char* StatusCodeName(int code) {
  if (IsStatusCodeInRange(code)) return kNames[code];
  // Out-of-range codes are rare (a misbehaving peer); their names are interned so the returned
  // pointer stays valid for the life of the process, like the table entries.
  static std::mutex mu;
  static std::map<int, std::string> interned;
  std::lock_guard<std::mutex> lock(mu);
  auto it = interned.find(code);
  if (it == interned.end()) it = interned.emplace(code, "CODE_" + std::to_string(code)).first;
  return it->second.c_str();
}

int StatusCodeFromName(std::string_view name) {
  for (int code = 0; code < kStatusCodeCount; ++code) {
    if (name == kNames[code]) return code;
  }
  return -1;
}

const std::vector<std::string>& StatusCodeNames() {
  static const std::vector<std::string> kNameList(std::begin(kNames), std::end(kNames));
  return kNameList;
}

}  // namespace streambench
