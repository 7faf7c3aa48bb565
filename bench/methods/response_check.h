// What the generator checks in the responses of a service it has no compiled stub for:
//  - ResponseAssertions: `expect.fields` of the scenario, each a field path with a value the
//    field must equal or a regex its text must match; a response failing any is counted.
//  - StreamCorrelator: `correlate` of the scenario, matching each response to the request whose
//    correlation field held the same value, so lost, duplicated and reordered responses are
//    counted for services that carry no sequence numbers of ours.
// Thread-safety: ResponseAssertions is immutable once compiled; a StreamCorrelator belongs to one
// stream and is not thread-safe.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <cstdint>
#include <deque>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench/methods/field_path.h"
#include "bench/stats/integrity.h"

namespace streambench::methods {

class ResponseAssertions {
 public:
  // `fields`: an object of dotted path -> expected value, where the value is a JSON scalar that
  // must equal the field (enums by name) or {"regex": "..."} that must match its text. Errors
  // name the path in `error_path`.
  static std::optional<ResponseAssertions> Compile(const google::protobuf::Descriptor& type,
                                                   const nlohmann::json& fields,
                                                   std::string* error_path, std::string* error);

  // Empty when `response` passes; else what failed first, e.g. `ok is false, expected true`.
  std::string Check(const google::protobuf::Message& response) const;

  bool empty() const { return assertions_.empty(); }

 private:
  struct Assertion {
    FieldPath path;
    std::optional<nlohmann::json> equals;
    std::optional<std::regex> matches;
    std::string regex_text;
  };
  std::vector<Assertion> assertions_;
};

class StreamCorrelator {
 public:
  // At most this many sent values are remembered per stream; older ones are forgotten, and a
  // response naming one counts as unmatched.
  static constexpr size_t kMaxRemembered = 65536;

  // A request whose correlation field held `value` was sent as this stream's message `seq`.
  void OnRequestSent(const std::string& value, uint64_t seq);
  // A response carrying `value`: feeds the stream's integrity accounting with the matching
  // request's seq (into *seq, if given). False when no request sent that value (counted in
  // unmatched()).
  bool OnResponse(const std::string& value, uint64_t* seq = nullptr);
  // The stream ended after `requests_sent` requests: those never answered count as lost.
  void Finish(uint64_t requests_sent) { integrity_.Finish(requests_sent); }

  const stats::IntegrityCounts& counts() const { return integrity_.counts(); }
  uint64_t unmatched() const { return unmatched_; }

 private:
  std::unordered_map<std::string, uint64_t> seq_by_value_;
  std::deque<std::string> order_;  // the remembered values, oldest first
  stats::StreamIntegrity integrity_;
  uint64_t unmatched_ = 0;
};

}  // namespace streambench::methods
