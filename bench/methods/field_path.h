// FieldPath: a dotted path to one singular field of a message type ("header.id"), resolved
// against the descriptor once, then read from any message of that type as text or JSON. Used to
// correlate responses with requests and to assert on response fields.
// Thread-safety: immutable once made.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace streambench::methods {

class FieldPath {
 public:
  // Resolves `dotted` in `type`; each part is a field's proto or JSON name, every part but the
  // last a singular message field, the last a singular scalar, string, bytes or enum field.
  static std::optional<FieldPath> Resolve(const google::protobuf::Descriptor& type,
                                          const std::string& dotted, std::string* error);

  // The field's value in `message` as text: strings and bytes as they are, numbers in decimal,
  // bools as true/false, enums by name. An unset submessage reads as its defaults.
  std::string ReadText(const google::protobuf::Message& message) const;
  // The value as JSON: numbers as numbers, bools as bools, the rest as strings.
  nlohmann::json ReadJson(const google::protobuf::Message& message) const;

  const google::protobuf::FieldDescriptor& leaf() const { return *path_.back(); }
  const std::string& dotted() const { return dotted_; }

 private:
  const google::protobuf::Message& Parent(const google::protobuf::Message& message) const;

  std::vector<const google::protobuf::FieldDescriptor*> path_;
  std::string dotted_;
};

}  // namespace streambench::methods
