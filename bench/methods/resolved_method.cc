#include "bench/methods/resolved_method.h"

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>

#include "bench/methods/proto_sources.h"
#include "bench/methods/reflection_source.h"
#include "bench/scenario/load_error.h"
#include "common/edit_distance.h"

namespace streambench::methods {

namespace pb = google::protobuf;
using nlohmann::json;
using scenario::FilePosition;
using scenario::YamlMapEntry;
using scenario::YamlNode;

namespace {

// "file:line:column: key: message" for a problem at `at` in the run's scenario file.
SourceError At(const scenario::Scenario& run, FilePosition at, const std::string& key,
               const std::string& message, SourceError::Kind kind = SourceError::Kind::kBadInput) {
  scenario::LoadError e;
  e.file = run.source_path;
  e.line = at.line;
  e.column = at.column;
  e.key = key;
  e.message = message;
  e.variant = run.variant == "default" ? "" : run.variant;
  return {kind, e.ToString()};
}

FilePosition PositionOf(const YamlNode& node) { return {node.line, node.column}; }

std::string FirstLine(const std::string& text) {
  const size_t end = text.find('\n');
  if (end == std::string::npos || end + 1 >= text.size()) return text.substr(0, end);
  return text.substr(0, end) + " (and more)";
}

std::string ScenarioFolder(const scenario::Scenario& run) {
  const size_t slash = run.source_path.rfind('/');
  return slash == std::string::npos ? "." : run.source_path.substr(0, slash);
}

std::string FromScenarioFolder(const scenario::Scenario& run, const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  return ScenarioFolder(run) + "/" + path;
}

// A YAML scalar as the JSON value of a field of `field`'s type: YAML does not say whether `12`
// is text or a number, the message does.
json ScalarFor(const pb::FieldDescriptor* field, const YamlNode& node) {
  if (node.IsNull()) return nullptr;
  const std::string& text = node.scalar;
  const json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  const bool is_number = parsed.is_number();
  if (field == nullptr) {  // unknown field: the template names it; any value will do
    if (text == "true" || text == "false") return text == "true";
    return is_number ? parsed : json(text);
  }
  switch (field->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      if (text == "true" || text == "false") return text == "true";
      return text;  // protobuf's JSON parser refuses it with the field's name
    case pb::FieldDescriptor::CPPTYPE_STRING:
      return text;
    case pb::FieldDescriptor::CPPTYPE_ENUM:
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:  // well-known types written as text
      return is_number && field->cpp_type() == pb::FieldDescriptor::CPPTYPE_ENUM ? parsed
                                                                                 : json(text);
    default:
      return is_number ? parsed : json(text);
  }
}

const pb::FieldDescriptor* FieldNamed(const pb::Descriptor* type, const std::string& name) {
  if (type == nullptr) return nullptr;
  if (const pb::FieldDescriptor* field = type->FindFieldByName(name)) return field;
  for (int i = 0; i < type->field_count(); ++i) {
    if (type->field(i)->json_name() == name) return type->field(i);
  }
  return nullptr;
}

json ValueFor(const pb::FieldDescriptor* field, const YamlNode& node, bool element);

// A YAML mapping as the JSON object of a message of `type` (nullptr: unknown, converted as is).
json ObjectFor(const pb::Descriptor* type, const YamlNode& node) {
  json out = json::object();
  for (const YamlMapEntry& entry : node.entries) {
    out[entry.key] = ValueFor(FieldNamed(type, entry.key), entry.value, false);
  }
  return out;
}

json ValueFor(const pb::FieldDescriptor* field, const YamlNode& node, bool element) {
  if (node.IsSequence()) {
    json out = json::array();
    for (const YamlNode& item : node.items) out.push_back(ValueFor(field, item, true));
    return out;
  }
  if (node.IsMap()) {
    if (field != nullptr && field->is_map() && !element) {
      json out = json::object();
      const pb::FieldDescriptor* value_field = field->message_type()->map_value();
      for (const YamlMapEntry& entry : node.entries) {
        out[entry.key] = ValueFor(value_field, entry.value, false);
      }
      return out;
    }
    const bool message =
        field != nullptr && field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE;
    return ObjectFor(message ? field->message_type() : nullptr, node);
  }
  return ScalarFor(field, node);
}

// The node a template error's path ("items[2]", "header", "id") leads to, for its position: the
// key's position for a field, the element's for a list item.
FilePosition PositionOfPath(const YamlNode& root, const std::vector<std::string>& path) {
  FilePosition at = PositionOf(root);
  const YamlNode* node = &root;
  for (const std::string& part : path) {
    const size_t bracket = part.find('[');
    const std::string name = part.substr(0, bracket);
    const YamlMapEntry* found = nullptr;
    for (const YamlMapEntry& entry : node->entries) {
      if (entry.key == name) found = &entry;
    }
    if (found == nullptr) break;
    at = {found->line, found->column};
    node = &found->value;
    if (bracket != std::string::npos) {
      const size_t index = std::strtoul(part.c_str() + bracket + 1, nullptr, 10);
      if (!node->IsSequence() || index >= node->items.size()) break;
      node = &node->items[index];
      at = PositionOf(*node);
    }
  }
  return at;
}

const char* SourceKey(scenario::ProtoSourceSpec::Kind kind) {
  switch (kind) {
    case scenario::ProtoSourceSpec::Kind::kFiles:
      return "proto.files";
    case scenario::ProtoSourceSpec::Kind::kProtoset:
      return "proto.protoset";
    case scenario::ProtoSourceSpec::Kind::kReflection:
      break;
  }
  return "proto.reflection";
}

// "did you mean `X`?" when a name is a plausible typo of one of `names`.
std::string Suggestion(const std::string& word, const std::vector<std::string>& names) {
  const NearestCandidate nearest = Nearest(word, names);
  if (nearest.name.empty() || !IsPlausibleTypo(word, nearest.distance)) return "";
  return "did you mean `" + nearest.name + "`? ";
}

bool CompileMetadata(const scenario::Scenario& run, ResolvedMethod* out, SourceError* error) {
  for (const auto& [name, value] : run.method.metadata) {
    std::string why;
    std::optional<TextTemplate> compiled = TextTemplate::Compile(value, &why);
    if (!compiled) {
      *error = At(run, run.method.method_at, "metadata." + name, why);
      return false;
    }
    out->metadata.emplace_back(name, std::move(*compiled));
  }
  return true;
}

// `request.json` compiled into out->request; a field that does not fit is reported at its line.
bool CompileRequestJson(const scenario::Scenario& run, const pb::Descriptor& request_type,
                        ResolvedMethod* out, SourceError* error) {
  const scenario::MethodSpec& spec = run.method;
  const YamlNode& request = spec.request_json;
  const json request_json =
      request.IsMap() ? ObjectFor(&request_type, request) : json(json::object());
  TemplateError template_error;
  out->request =
      MessageTemplate::Compile(request_type, request_json, *out->factory, &template_error);
  if (!out->request) {
    const FilePosition at =
        request.IsMap() ? PositionOfPath(request, template_error.path) : spec.method_at;
    const std::string path = template_error.PathText();
    *error = At(run, at, "request.json" + (path.empty() ? "" : "." + path), template_error.message);
    return false;
  }
  return true;
}

bool CompileChecks(const scenario::Scenario& run, const pb::Descriptor& request_type,
                   const pb::Descriptor& response_type, ResolvedMethod* out, SourceError* error) {
  const scenario::MethodSpec& spec = run.method;
  if (!spec.correlate_request.empty()) {
    std::string why;
    out->correlate_request = FieldPath::Resolve(request_type, spec.correlate_request, &why);
    if (!out->correlate_request) {
      *error = At(run, spec.correlate_at, "response.correlate.request", why);
      return false;
    }
    out->correlate_response = FieldPath::Resolve(response_type, spec.correlate_response, &why);
    if (!out->correlate_response) {
      *error = At(run, spec.correlate_at, "response.correlate.response", why);
      return false;
    }
  }
  if (spec.expect_fields.IsMap()) {
    // Each expected value typed by the field its path leads to.
    json fields = json::object();
    for (const YamlMapEntry& entry : spec.expect_fields.entries) {
      std::string why;
      std::optional<FieldPath> path = FieldPath::Resolve(response_type, entry.key, &why);
      const pb::FieldDescriptor* leaf = path ? &path->leaf() : nullptr;
      fields[entry.key] = entry.value.IsMap() ? ObjectFor(nullptr, entry.value)
                                              : ValueFor(leaf, entry.value, false);
    }
    std::string error_path, why;
    out->assertions = ResponseAssertions::Compile(response_type, fields, &error_path, &why);
    if (!out->assertions) {
      FilePosition at = PositionOf(spec.expect_fields);
      for (const YamlMapEntry& entry : spec.expect_fields.entries) {
        if (entry.key == error_path) at = {entry.line, entry.column};
      }
      *error = At(run, at, "response.expect.fields." + error_path, why);
      return false;
    }
  }
  return true;
}

}  // namespace

scenario::Mode ModeOf(CallShape shape) {
  switch (shape) {
    case CallShape::kUnary:
      return scenario::Mode::kUnary;
    case CallShape::kServerStream:
      return scenario::Mode::kServerStream;
    case CallShape::kClientStream:
      return scenario::Mode::kClientStream;
    case CallShape::kBidi:
      break;
  }
  return scenario::Mode::kBidi;
}

std::optional<DescriptorSet> LoadMethodDescriptors(const scenario::Scenario& run,
                                                   const std::shared_ptr<grpc::Channel>& channel,
                                                   const std::string& target, SourceError* error) {
  const scenario::ProtoSourceSpec& proto = run.method.proto;
  SourceError why;
  std::optional<DescriptorSet> set;
  switch (proto.kind) {
    case scenario::ProtoSourceSpec::Kind::kFiles: {
      std::vector<std::string> files, imports;
      for (const std::string& f : proto.files) files.push_back(FromScenarioFolder(run, f));
      for (const std::string& i : proto.import_paths) imports.push_back(FromScenarioFolder(run, i));
      if (imports.empty()) imports.push_back(ScenarioFolder(run));
      set = LoadProtoFiles(files, imports, &why);
      break;
    }
    case scenario::ProtoSourceSpec::Kind::kProtoset:
      set = LoadProtoset(FromScenarioFolder(run, proto.protoset), &why);
      if (set && !set->BuildAll(proto.protoset, &why)) set.reset();
      break;
    case scenario::ProtoSourceSpec::Kind::kReflection: {
      ReflectionQuery query;
      query.channel = channel;
      query.target = target;
      query.services = {run.method.service};
      // The metadata as for a call (placeholders rendered once, for call 0).
      ResolvedMethod metadata_only;
      if (!CompileMetadata(run, &metadata_only, error)) return std::nullopt;
      std::mt19937_64 rng(run.seed);
      methods::TemplateContext context;
      context.rng = &rng;
      for (const auto& [name, value] : metadata_only.metadata) {
        std::string text;
        value.Render(context, &text);
        query.metadata.emplace_back(name, text);
      }
      set = LoadByReflection(query, &why);
      break;
    }
  }
  if (!set) *error = At(run, proto.at, SourceKey(proto.kind), FirstLine(why.message), why.kind);
  return set;
}

std::shared_ptr<const ResolvedMethod> ResolveMethod(const scenario::Scenario& run,
                                                    DescriptorSet descriptors, SourceError* error) {
  const scenario::MethodSpec& spec = run.method;
  auto out = std::make_shared<ResolvedMethod>();
  out->descriptors = std::make_shared<const DescriptorSet>(std::move(descriptors));
  const pb::DescriptorPool& pool = out->descriptors->pool();

  if (pool.FindServiceByName(spec.service) == nullptr) {
    const std::vector<std::string> services = out->descriptors->ServiceNames();
    std::string list;
    for (const std::string& s : services) list += (list.empty() ? "" : ", ") + s;
    *error = At(run, spec.service_at, "service",
                "`" + spec.service + "` is not in the descriptors; " +
                    Suggestion(spec.service, services) +
                    "(services there: " + (list.empty() ? "none" : list) + ")");
    return nullptr;
  }
  SourceError why;
  out->method = out->descriptors->FindMethod(spec.service, spec.method, &why);
  if (out->method == nullptr) {
    const pb::ServiceDescriptor* service = pool.FindServiceByName(spec.service);
    std::vector<std::string> names;
    for (int i = 0; i < service->method_count(); ++i) names.push_back(service->method(i)->name());
    *error = At(run, spec.method_at, "method", Suggestion(spec.method, names) + why.message);
    return nullptr;
  }
  out->shape = ShapeOf(*out->method);
  out->path = "/" + spec.service + "/" + spec.method;
  out->pairing = spec.pairing;
  if (spec.mode_given && run.mode != ModeOf(out->shape)) {
    *error = At(run, spec.mode_at, "mode",
                std::string("is ") + scenario::ModeName(run.mode) + " but " + spec.service + "/" +
                    spec.method + " is " + CallShapeName(out->shape) +
                    " (leave `mode` out to take the method's)");
    return nullptr;
  }
  if (out->shape != CallShape::kBidi && spec.pairing != scenario::ResponsePairing::kOnePerRequest) {
    *error = At(run, spec.method_at, "response.pairing",
                std::string("applies to bidi methods only; ") + spec.method + " is " +
                    CallShapeName(out->shape));
    return nullptr;
  }

  out->factory = std::make_unique<pb::DynamicMessageFactory>(&pool);
  const pb::Descriptor& request_type = *out->method->input_type();
  const pb::Descriptor& response_type = *out->method->output_type();
  out->request_prototype = out->factory->GetPrototype(&request_type);
  out->response_prototype = out->factory->GetPrototype(&response_type);
  if (!spec.request_feed.empty()) {
    FeedError why;
    out->feed = RequestFeed::Load(FromScenarioFolder(run, spec.request_feed), request_type,
                                  *out->factory, spec.feed_order, &why);
    if (out->feed == nullptr) {
      *error = At(run, spec.request_feed_at, "request.feed",
                  spec.request_feed + (why.line > 0 ? ":" + std::to_string(why.line) : "") + ": " +
                      why.message);
      return nullptr;
    }
  } else if (!CompileRequestJson(run, request_type, out.get(), error)) {
    return nullptr;
  }
  if (!CompileMetadata(run, out.get(), error) ||
      !CompileChecks(run, request_type, response_type, out.get(), error)) {
    return nullptr;
  }
  return out;
}

bool ResolveMethodsOnDisk(scenario::ScenarioFile* file, SourceError* error) {
  for (scenario::Scenario& run : file->runs) {
    if (run.target.service != scenario::TargetService::kAnyService ||
        run.method.proto.kind == scenario::ProtoSourceSpec::Kind::kReflection) {
      continue;
    }
    std::optional<DescriptorSet> descriptors = LoadMethodDescriptors(run, nullptr, "", error);
    if (!descriptors) return false;
    std::shared_ptr<const ResolvedMethod> method =
        ResolveMethod(run, std::move(*descriptors), error);
    if (method == nullptr) return false;
    run.mode = ModeOf(method->shape);
  }
  return true;
}

}  // namespace streambench::methods
