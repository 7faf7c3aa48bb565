#include "bench/methods/field_path.h"

#include <nlohmann/json.hpp>
#include <sstream>

namespace streambench::methods {

namespace pb = google::protobuf;

std::optional<FieldPath> FieldPath::Resolve(const pb::Descriptor& type, const std::string& dotted,
                                            std::string* error) {
  FieldPath result;
  result.dotted_ = dotted;
  const pb::Descriptor* current = &type;
  std::istringstream parts(dotted);
  std::string part;
  while (std::getline(parts, part, '.')) {
    if (current == nullptr) {
      *error = "\"" + dotted + "\": " + result.path_.back()->name() +
               " is not a message, it has no field \"" + part + "\"";
      return std::nullopt;
    }
    const pb::FieldDescriptor* field = current->FindFieldByName(part);
    for (int i = 0; field == nullptr && i < current->field_count(); ++i) {
      if (current->field(i)->json_name() == part) field = current->field(i);
    }
    if (field == nullptr) {
      *error = "\"" + dotted + "\": " + current->full_name() + " has no field \"" + part + "\"";
      return std::nullopt;
    }
    if (field->is_repeated()) {
      *error = "\"" + dotted + "\": " + field->name() + " is repeated; only singular fields " +
               "can be read";
      return std::nullopt;
    }
    result.path_.push_back(field);
    current =
        field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE ? field->message_type() : nullptr;
  }
  if (result.path_.empty()) {
    *error = "empty field path";
    return std::nullopt;
  }
  if (current != nullptr) {
    *error =
        "\"" + dotted + "\" is a message (" + current->full_name() + "): name one of its fields";
    return std::nullopt;
  }
  return result;
}

const pb::Message& FieldPath::Parent(const pb::Message& message) const {
  const pb::Message* current = &message;
  for (size_t i = 0; i + 1 < path_.size(); ++i) {
    current = &current->GetReflection()->GetMessage(*current, path_[i]);
  }
  return *current;
}

std::string FieldPath::ReadText(const pb::Message& message) const {
  const pb::Message& parent = Parent(message);
  const pb::Reflection* r = parent.GetReflection();
  const pb::FieldDescriptor* f = path_.back();
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING:
      return r->GetString(parent, f);
    case pb::FieldDescriptor::CPPTYPE_ENUM:
      return r->GetEnum(parent, f)->name();
    default:  // numbers in decimal, bools as true/false
      return ReadJson(message).dump();
  }
}

nlohmann::json FieldPath::ReadJson(const pb::Message& message) const {
  const pb::Message& parent = Parent(message);
  const pb::Reflection* r = parent.GetReflection();
  const pb::FieldDescriptor* f = path_.back();
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32:
      return r->GetInt32(parent, f);
    case pb::FieldDescriptor::CPPTYPE_INT64:
      return r->GetInt64(parent, f);
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      return r->GetUInt32(parent, f);
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      return r->GetUInt64(parent, f);
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      return r->GetDouble(parent, f);
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      return r->GetFloat(parent, f);
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      return r->GetBool(parent, f);
    default:
      return ReadText(message);
  }
}

}  // namespace streambench::methods
