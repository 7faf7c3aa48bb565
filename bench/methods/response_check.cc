#include "bench/methods/response_check.h"

namespace streambench::methods {

namespace pb = google::protobuf;
using nlohmann::json;

namespace {

// Whether a JSON scalar can be compared with the field (the check is made once, at compile
// time, so a typo'd expectation is an error rather than a response counted as failing forever).
bool Fits(const pb::FieldDescriptor& field, const json& value) {
  switch (field.cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      return value.is_boolean();
    case pb::FieldDescriptor::CPPTYPE_STRING:
    case pb::FieldDescriptor::CPPTYPE_ENUM:
      return value.is_string();
    default:
      return value.is_number();
  }
}

bool Equal(const json& actual, const json& expected) {
  if (actual.is_number() && expected.is_number()) {
    return actual.get<double>() == expected.get<double>();
  }
  return actual == expected;
}

}  // namespace

std::optional<ResponseAssertions> ResponseAssertions::Compile(const pb::Descriptor& type,
                                                              const json& fields,
                                                              std::string* error_path,
                                                              std::string* error) {
  ResponseAssertions result;
  if (!fields.is_object()) {
    error_path->clear();
    *error = "expected a mapping of field path to expected value";
    return std::nullopt;
  }
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    *error_path = it.key();
    std::optional<FieldPath> path = FieldPath::Resolve(type, it.key(), error);
    if (!path) return std::nullopt;
    Assertion assertion{*path, std::nullopt, std::nullopt, ""};
    const json& want = it.value();
    if (want.is_object()) {
      if (want.size() != 1 || !want.contains("regex") || !want["regex"].is_string()) {
        *error = "expected a value or {regex: \"...\"}";
        return std::nullopt;
      }
      assertion.regex_text = want["regex"].get<std::string>();
      try {
        assertion.matches.emplace(assertion.regex_text, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        *error = "regex \"" + assertion.regex_text + "\" is not valid: " + e.what();
        return std::nullopt;
      }
    } else if (!Fits(path->leaf(), want)) {
      *error = "expected value " + want.dump() + " does not fit field " + path->leaf().name() +
               " (" + path->leaf().type_name() + ")";
      return std::nullopt;
    } else {
      assertion.equals = want;
    }
    result.assertions_.push_back(std::move(assertion));
  }
  error_path->clear();
  return result;
}

std::string ResponseAssertions::Check(const pb::Message& response) const {
  for (const Assertion& a : assertions_) {
    if (a.equals) {
      json actual = a.path.ReadJson(response);
      if (!Equal(actual, *a.equals)) {
        return a.path.dotted() + " is " + actual.dump() + ", expected " + a.equals->dump();
      }
    } else if (!std::regex_search(a.path.ReadText(response), *a.matches)) {
      return a.path.dotted() + " \"" + a.path.ReadText(response) + "\" does not match /" +
             a.regex_text + "/";
    }
  }
  return "";
}

void StreamCorrelator::OnRequestSent(const std::string& value, uint64_t seq) {
  if (order_.size() == kMaxRemembered) {
    seq_by_value_.erase(order_.front());
    order_.pop_front();
  }
  if (seq_by_value_.emplace(value, seq).second) order_.push_back(value);
}

bool StreamCorrelator::OnResponse(const std::string& value, uint64_t* seq) {
  auto it = seq_by_value_.find(value);
  if (it == seq_by_value_.end()) {
    ++unmatched_;
    return false;
  }
  integrity_.OnMessage(it->second, true);
  if (seq != nullptr) *seq = it->second;
  return true;
}

}  // namespace streambench::methods
