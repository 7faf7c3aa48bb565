// The keys of a scenario that drives a method of any gRPC service (`service:` with `method:`):
// `proto`, `metadata`, `request.json` or `request.feed`, `response`, and the rules between them and
// the rest of the scenario. The method itself is resolved against its descriptors later
// (bench/methods), since this module knows no protobuf.
#include <cctype>
#include <string>

#include "bench/scenario/key_table.h"
#include "bench/scenario/section_readers.h"

namespace streambench::scenario {
namespace {

FilePosition PositionOf(const YamlNode& node) { return {node.line, node.column}; }

bool IsIdentifier(const std::string& text, bool dots_allowed) {
  if (text.empty()) return false;
  bool at_start = true;
  for (char c : text) {
    const bool letter = std::isalpha(static_cast<unsigned char>(c)) || c == '_';
    const bool digit = std::isdigit(static_cast<unsigned char>(c)) != 0;
    if (c == '.' && dots_allowed && !at_start) {
      at_start = true;
      continue;
    }
    if (!(letter || (digit && !at_start))) return false;
    at_start = false;
  }
  return !at_start;
}

// HTTP/2 header names are lower case; gRPC refuses others, and `grpc-` names are its own.
bool ValidMetadataName(const std::string& name) {
  if (name.empty() || name.rfind("grpc-", 0) == 0) return false;
  for (char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

bool ReadPathList(const YamlNode& node, const std::string& key, ValueReader& r,
                  std::vector<std::string>* out) {
  if (node.IsScalar()) {
    out->push_back(node.scalar);
    return true;
  }
  if (!node.IsSequence() || node.items.empty()) {
    return r.diag()->Fail(node, key, "expected a list of paths, got " + node.Describe());
  }
  for (size_t i = 0; i < node.items.size(); ++i) {
    std::string path;
    if (!r.String(node.items[i], key + "[" + std::to_string(i) + "]", 4096, &path)) return false;
    if (path.empty()) return r.diag()->Fail(node.items[i], key, "a path is empty");
    out->push_back(path);
  }
  return true;
}

// Keys that only mean something for one kind of service.
constexpr const char* kAnyServiceKeys[] = {"proto",        "metadata",           "request.json",
                                           "request.feed", "request.feed_order", "response"};
constexpr const char* kBuiltInKeys[] = {"request.payload_size", "server_behavior"};

}  // namespace

bool ReadService(const YamlNode& node, const YamlNode& root, ValueReader& r, Scenario* out) {
  std::string name;
  if (!r.String(node, "service", 256, &name)) return false;
  if (root.Find("method") != nullptr) {
    if (!IsIdentifier(name, true)) {
      return r.diag()->Fail(
          node, "service",
          "expected a fully qualified service name like acme.chat.v1.ChatService, "
          "got " +
              node.Describe());
    }
    out->target.service = TargetService::kAnyService;
    out->method.service = name;
    out->method.service_at = PositionOf(node);
    return true;
  }
  const std::vector<std::string>& built_in = BuiltInServiceNames();
  for (size_t i = 0; i < built_in.size(); ++i) {
    if (name == built_in[i]) {
      out->target.service = static_cast<TargetService>(i);
      return true;
    }
  }
  return r.diag()->Fail(node, "service",
                        "`" + name +
                            "` is not a built-in service (streambench.v1, "
                            "grpc.testing.BenchmarkService); to drive another service, name its "
                            "`method:` and where its descriptors come from (`proto:`)");
}

bool ReadMethod(const YamlNode& node, const YamlNode& root, ValueReader& r, Scenario* out) {
  std::string name;
  if (!r.String(node, "method", 256, &name)) return false;
  if (!IsIdentifier(name, false)) {
    return r.diag()->Fail(node, "method",
                          "expected a method name like Converse, got " + node.Describe());
  }
  if (root.Find("service") == nullptr) {
    return r.diag()->Fail(node, "method",
                          "needs `service:`, the fully qualified name of the method's service");
  }
  out->method.method = name;
  out->method.method_at = PositionOf(node);
  if (const YamlNode* mode = root.Find("mode")) {
    out->method.mode_given = true;
    out->method.mode_at = PositionOf(*mode);
  }
  return true;
}

bool ReadProto(const YamlNode& node, const YamlNode&, ValueReader& r, Scenario* out) {
  ProtoSourceSpec& proto = out->method.proto;
  proto.at = PositionOf(node);
  const YamlNode* files = node.Find("files");
  const YamlNode* protoset = node.Find("protoset");
  const YamlNode* reflection = node.Find("reflection");
  const int sources = (files != nullptr) + (protoset != nullptr) + (reflection != nullptr);
  if (sources != 1) {
    return r.diag()->Fail(node, "proto",
                          std::string(sources == 0 ? "names no source" : "names several sources") +
                              "; give exactly one of `files` (with `import_paths`), `protoset`, "
                              "`reflection: true`");
  }
  const YamlNode* imports = node.Find("import_paths");
  if (imports != nullptr && files == nullptr) {
    return r.diag()->Fail(*imports, "proto.import_paths", "applies to `files` only");
  }
  if (files != nullptr) {
    proto.kind = ProtoSourceSpec::Kind::kFiles;
    return ReadPathList(*files, "proto.files", r, &proto.files) &&
           (imports == nullptr ||
            ReadPathList(*imports, "proto.import_paths", r, &proto.import_paths));
  }
  if (protoset != nullptr) {
    proto.kind = ProtoSourceSpec::Kind::kProtoset;
    if (!r.String(*protoset, "proto.protoset", 4096, &proto.protoset)) return false;
    if (proto.protoset.empty()) return r.diag()->Fail(*protoset, "proto.protoset", "is empty");
    return true;
  }
  bool enabled = false;
  if (!r.Bool(*reflection, "proto.reflection", false, &enabled)) return false;
  if (!enabled) {
    return r.diag()->Fail(*reflection, "proto.reflection",
                          "`false` names no source; use `files` or `protoset` instead");
  }
  proto.kind = ProtoSourceSpec::Kind::kReflection;
  return true;
}

bool ReadMetadata(const YamlNode& node, const YamlNode&, ValueReader& r, Scenario* out) {
  for (const YamlMapEntry& entry : node.entries) {
    const std::string key = "metadata." + entry.key;
    if (!ValidMetadataName(entry.key)) {
      return r.diag()->FailAt(&entry.value, entry.line, entry.column, key,
                              "a metadata name is lower case letters, digits, `-`, `_` and `.`, "
                              "not starting with `grpc-`");
    }
    std::string value;
    if (!r.String(entry.value, key, 8192, &value)) return false;
    out->method.metadata.emplace_back(entry.key, value);
  }
  return true;
}

bool ReadRequestJson(const YamlNode& node, const YamlNode&, ValueReader& r, Scenario* out) {
  if (!node.IsMap() && !node.IsNull()) {
    return r.diag()->Fail(node, "request.json",
                          "expected the request message as a mapping of its fields (proto3 JSON "
                          "names or field names), got " +
                              node.Describe());
  }
  out->method.request_json = node;
  return true;
}

bool ReadRequestFeed(const YamlNode& node, const YamlNode& root, ValueReader& r, Scenario* out) {
  if (!r.String(node, "request.feed", 4096, &out->method.request_feed)) return false;
  if (out->method.request_feed.empty()) return r.diag()->Fail(node, "request.feed", "is empty");
  if (const YamlNode* json = NodeAt(root, "request.json")) {
    return r.diag()->Fail(*json, "request.json",
                          "and `request.feed` both say what to send; give exactly one of them");
  }
  out->method.request_feed_at = PositionOf(node);
  return true;
}

bool ReadCorrelate(const YamlNode& node, const YamlNode&, ValueReader& r, Scenario* out) {
  const YamlNode* request = RequiredKey(node, "response.correlate.request", r);
  if (request == nullptr ||
      !r.String(*request, "response.correlate.request", 256, &out->method.correlate_request)) {
    return false;
  }
  const YamlNode* response = RequiredKey(node, "response.correlate.response", r);
  if (response == nullptr ||
      !r.String(*response, "response.correlate.response", 256, &out->method.correlate_response)) {
    return false;
  }
  out->method.correlate_at = PositionOf(node);
  return true;
}

bool ReadExpectFields(const YamlNode& node, const YamlNode&, ValueReader& r, Scenario* out) {
  if (!node.IsMap()) {
    return r.diag()->Fail(
        node, "response.expect.fields",
        "expected a mapping of field path to value or {regex: ...}, got " + node.Describe());
  }
  out->method.expect_fields = node;
  return true;
}

bool CheckMethodKeys(const YamlNode& root, const Scenario& s, Diagnostics* diag) {
  const YamlNode* mode = root.Find("mode");
  if (s.target.service != TargetService::kAnyService) {
    for (const char* path : kAnyServiceKeys) {
      if (const YamlNode* node = NodeAt(root, path)) {
        return diag->Fail(*node, path,
                          "applies only to a scenario that names a `method:` (of any service)");
      }
    }
    return true;
  }
  for (const char* path : kBuiltInKeys) {
    if (const YamlNode* node = NodeAt(root, path)) {
      return diag->Fail(*node, path,
                        "applies to the built-in services only; a named method's requests come "
                        "from `request.json` or `request.feed`, its responses from the service");
    }
  }
  if (IsWorkloadMode(s.mode) && mode != nullptr) {
    return diag->Fail(*mode, "mode",
                      "a named method is unary, server_stream, client_stream or bidi (its "
                      "descriptor says which)");
  }
  const YamlNode* proto = root.Find("proto");
  if (proto == nullptr) {
    return diag->Fail(root, "proto",
                      "required key `proto` is missing; where the method's descriptors come from: "
                      "files (with import_paths), protoset, or reflection: true");
  }
  if (s.method.proto.kind == ProtoSourceSpec::Kind::kReflection && mode == nullptr) {
    return diag->Fail(*proto, "mode",
                      "with `proto: {reflection: true}` the method's shape is only known once the "
                      "target answers: give `mode:` too (it is checked against the method then)");
  }
  const YamlNode* feed_order = NodeAt(root, "request.feed_order");
  if (feed_order != nullptr && s.method.request_feed.empty()) {
    return diag->Fail(*feed_order, "request.feed_order",
                      "applies to `request.feed` only (the order its lines are sent in)");
  }
  // `once` sends each line by exactly one request; a warm-up's results are thrown away, so the
  // lines it sent would be neither sent again nor reported. A user who asks for `once` wants
  // every line measured: the warm-up (default 1s) is refused rather than silently eating lines.
  if (s.method.feed_order == FeedOrder::kOnce && s.warmup_us > 0) {
    const YamlNode* warmup = root.Find("warmup");
    return diag->Fail(warmup != nullptr ? *warmup : (feed_order != nullptr ? *feed_order : root),
                      "warmup",
                      "`request.feed_order: once` sends each line once, and a warm-up's results "
                      "are not reported, so its lines would be lost to the measurement; set "
                      "`warmup: 0s`");
  }
  const YamlNode* pairing = NodeAt(root, "response.pairing");
  if (pairing != nullptr && mode != nullptr && s.mode != Mode::kBidi) {
    return diag->Fail(*pairing, "response.pairing", "applies to bidi methods only");
  }
  if (s.method.pairing == ResponsePairing::kCorrelated) {
    if (s.method.correlate_request.empty()) {
      return diag->Fail(*pairing, "response.pairing",
                        "`correlated` pairs each response with its request by `response.correlate`"
                        ", which is missing");
    }
  }
  return true;
}

}  // namespace streambench::scenario
