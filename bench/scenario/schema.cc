#include "bench/scenario/schema.h"

#include <set>

#include "bench/scenario/suggest.h"

namespace streambench::scenario {
namespace {

using Shape = SchemaNode::Shape;

SchemaNode Value(std::string key) {
  return SchemaNode{std::move(key), Shape::kValue, false, false, {}};
}

SchemaNode Map(std::string key, std::vector<SchemaNode> children) {
  return SchemaNode{std::move(key), Shape::kMap, false, false, std::move(children)};
}

// A mapping that also has a short scalar form (`target: host:port`, `payload_size: 64B`).
SchemaNode MapOrScalar(std::string key, std::vector<SchemaNode> children) {
  SchemaNode node = Map(std::move(key), std::move(children));
  node.scalar_ok = true;
  return node;
}

SchemaNode List(std::string key, SchemaNode element) {
  return SchemaNode{std::move(key), Shape::kList, false, false, {std::move(element)}};
}

SchemaNode FreeMap(std::string key, SchemaNode element) {
  return SchemaNode{std::move(key), Shape::kFreeMap, false, false, {std::move(element)}};
}

std::vector<SchemaNode> TransportKeys() {
  return {
      Value("bdp_probe"),           Value("stream_window"),          Value("max_frame_size"),
      Value("write_buffer"),        Value("max_concurrent_streams"), Value("max_send_message"),
      Value("max_receive_message"), Value("keepalive_time"),         Value("keepalive_timeout")};
}

SchemaNode BuildSchema() {
  return Map(
      "",
      {
          Value("name"),
          Value("description"),
          Value("service"),
          MapOrScalar("target", {Value("addresses"), Value("load_balancing")}),
          Value("mode"),
          Value("connections"),
          Value("streams_per_connection"),
          Value("threads"),
          Map("load", {Value("type"), Value("outstanding"), Value("rate"), Value("start_rate"),
                       List("stages", Map("", {Value("duration"), Value("rate")}))}),
          Map("stream", {Value("messages"), Value("duration")}),
          Map("request",
              {MapOrScalar("payload_size", {Value("uniform"), Value("choice"), Value("weights")})}),
          Map("server_behavior",
              {Value("response_size"), Value("response_count"), Value("response_interval"),
               Value("first_response_delay"), Value("response_delay"), Value("bidi"),
               Map("failure", {Value("code"), Value("message"), Value("after_messages"),
                               Value("probability")}),
               Map("read_stall", {Value("after_messages"), Value("duration")}),
               Map("app_flow_control",
                   {Value("queue"), Value("policy"), Value("producer_interval")})}),
          Map("call", {Value("deadline"), Value("cancel_after")}),
          Map("workload", {Value("file_size"), Value("chunk_size"), Value("inject_corruption")}),
          Map("pubsub", {Value("topics"), Value("subscribers"), Value("publishers"),
                         Value("publish_rate"), List("event_types", Value("")),
                         List("filter", Value("")), Value("event_size"), Value("heartbeat")}),
          Map("chat", {Value("rooms"), Value("members_per_room"), Value("message_rate"),
                       Value("typing"), Value("message_size")}),
          Value("warmup"),
          Value("duration"),
          Value("seed"),
          Map("transport", TransportKeys()),
          Map("server_transport", TransportKeys()),
          Map("link", {Value("rtt"), Value("bandwidth"), Value("jitter"), Value("buffer")}),
          Map("expect", {FreeMap("statuses",
                                 MapOrScalar("", {Value("min"), Value("max"), Value("min_calls")})),
                         Value("allow_integrity_errors")}),
          List("thresholds", Value("")),
          List("variants",
               Map("", {Value("name"), Value("description"), FreeMap("set", Value(""))})),
          // `matrix: {key.path: [v1, v2], ...}`: one run per combination (bench/scenario/matrix.h).
          FreeMap("matrix", List("", Value(""))),
          Value("repeat"),
          Value("concurrent"),
      });
}

std::string ShapeText(const SchemaNode& schema) {
  switch (schema.shape) {
    case Shape::kList:
      return "a list";
    case Shape::kFreeMap:
      return "a mapping";
    case Shape::kMap: {
      std::string keys;
      for (const SchemaNode& child : schema.children) {
        keys += (keys.empty() ? "" : ", ") + child.key;
      }
      return std::string(schema.scalar_ok ? "a value or " : "") + "a mapping with keys " + keys;
    }
    case Shape::kValue:
      break;
  }
  return "a value";
}

}  // namespace

const SchemaNode* SchemaNode::Child(const std::string& name) const {
  for (const SchemaNode& child : children) {
    if (child.key == name) return &child;
  }
  return nullptr;
}

std::vector<std::string> SchemaNode::ChildKeys() const {
  std::vector<std::string> keys;
  for (const SchemaNode& child : children) keys.push_back(child.key);
  return keys;
}

const SchemaNode& ScenarioSchema() {
  static const SchemaNode* const kSchema = new SchemaNode(BuildSchema());
  return *kSchema;
}

std::string JoinPath(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string UnknownKeyMessage(const std::string& key, const std::string& parent_path,
                              const SchemaNode& parent) {
  std::string message = "unknown key `" + key + "`";
  if (!parent_path.empty()) message += " in `" + parent_path + "`";
  const std::vector<std::string> keys = parent.ChildKeys();
  const std::string nearest = NearestName(key, keys);
  if (!nearest.empty()) return message + "; did you mean `" + nearest + "`?";
  std::string list;
  for (const std::string& k : keys) list += (list.empty() ? "" : ", ") + k;
  return message + "; valid keys: " + list;
}

bool CheckStructure(const YamlNode& node, const SchemaNode& schema, const std::string& path,
                    StructureError* error) {
  auto fail = [&](std::string message) {
    *error = StructureError{&node, node.line, node.column, path, std::move(message)};
    return false;
  };
  switch (schema.shape) {
    case Shape::kValue:
      return true;  // the typed reader checks values, with a message naming the expected unit
    case Shape::kList:
      if (node.IsNull()) return true;
      if (!node.IsSequence()) return fail("expected a list, got " + node.Describe());
      for (size_t i = 0; i < node.items.size(); ++i) {
        if (!CheckStructure(node.items[i], schema.children[0], path + "[" + std::to_string(i) + "]",
                            error)) {
          return false;
        }
      }
      return true;
    case Shape::kMap:
    case Shape::kFreeMap:
      break;
  }
  if (node.IsNull()) return true;
  if (node.IsScalar() && schema.scalar_ok) return true;
  if (!node.IsMap()) return fail("expected " + ShapeText(schema) + ", got " + node.Describe());
  std::set<std::string> seen;
  for (const YamlMapEntry& entry : node.entries) {
    const std::string child_path = JoinPath(path, entry.key);
    if (!seen.insert(entry.key).second) {
      *error = StructureError{&entry.value, entry.line, entry.column, child_path,
                              "duplicate key `" + entry.key + "`"};
      return false;
    }
    const SchemaNode* child =
        schema.shape == Shape::kFreeMap ? &schema.children[0] : schema.Child(entry.key);
    if (child == nullptr) {
      *error = StructureError{&entry.value, entry.line, entry.column, child_path,
                              UnknownKeyMessage(entry.key, path, schema)};
      return false;
    }
    if (!CheckStructure(entry.value, *child, child_path, error)) return false;
  }
  return true;
}

}  // namespace streambench::scenario
