#include "bench/report/flow_json.h"

namespace streambench::report {
namespace {

using OrderedJson = nlohmann::ordered_json;
using Json = nlohmann::json;

// Minimal typed reading: the first problem wins.
class FieldReader {
 public:
  explicit FieldReader(std::string* error) : error_(error) {}

  template <typename T>
  void Read(const Json& obj, const std::string& path, const char* key, T* out) {
    if (!error_->empty() || !obj.is_object()) return;
    auto it = obj.find(key);
    if (it == obj.end()) return;
    const std::string where = path + "." + key;
    if constexpr (std::is_same_v<T, std::string>) {
      if (!it->is_string()) return Fail(where, "expected a string");
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!it->is_boolean()) return Fail(where, "expected true or false");
    } else if constexpr (std::is_same_v<T, double>) {
      if (!it->is_number()) return Fail(where, "expected a number");
    } else if constexpr (std::is_unsigned_v<T>) {
      if (!it->is_number_unsigned()) return Fail(where, "expected an unsigned integer");
    } else {
      if (!it->is_number_integer()) return Fail(where, "expected an integer");
    }
    *out = it->get<T>();
  }

  const Json* Object(const Json& obj, const std::string& path, const char* key) {
    if (!error_->empty() || !obj.is_object()) return nullptr;
    auto it = obj.find(key);
    if (it == obj.end()) return nullptr;
    if (!it->is_object()) {
      Fail(path + "." + key, "expected an object");
      return nullptr;
    }
    return &*it;
  }

  void Fail(const std::string& where, const std::string& message) {
    if (error_->empty()) *error_ = where + ": " + message;
  }

 private:
  std::string* error_;
};

OrderedJson SpreadToJson(const Spread& s) {
  return OrderedJson{{"median", s.median}, {"min", s.min}, {"max", s.max}};
}

void ReadSpread(FieldReader& r, const Json& row, const std::string& path, const char* key,
                Spread* s) {
  if (const Json* j = r.Object(row, path, key)) {
    const std::string p = path + "." + key;
    r.Read(*j, p, "median", &s->median);
    r.Read(*j, p, "min", &s->min);
    r.Read(*j, p, "max", &s->max);
  }
}

}  // namespace

void AddFlowFieldsToRunJson(const RunResult& run, OrderedJson* j) {
  const QueueDepthSummary& q = run.send_queue_depth;
  (*j)["send_queue_depth"] = {
      {"samples", q.samples}, {"mean", q.mean}, {"p50", q.p50}, {"p99", q.p99}, {"max", q.max}};
  (*j)["server_dropped_messages"] = run.server_dropped_messages;
  if (!run.link.enabled) return;
  const LinkResult& l = run.link;
  (*j)["link"] = {{"rtt_us", l.rtt_us},
                  {"bandwidth_bits_per_s", l.bandwidth_bits_per_s},
                  {"jitter_us", l.jitter_us},
                  {"buffer_bytes", l.buffer_bytes},
                  {"description", l.description},
                  {"connections", l.connections},
                  {"bytes_up", l.bytes_up},
                  {"bytes_down", l.bytes_down},
                  {"max_queued_bytes_up", l.max_queued_bytes_up},
                  {"max_queued_bytes_down", l.max_queued_bytes_down}};
}

std::string ReadFlowFieldsFromRunJson(const Json& j, const std::string& path, RunResult* run) {
  std::string error;
  FieldReader r(&error);
  if (const Json* q = r.Object(j, path, "send_queue_depth")) {
    const std::string p = path + ".send_queue_depth";
    r.Read(*q, p, "samples", &run->send_queue_depth.samples);
    r.Read(*q, p, "mean", &run->send_queue_depth.mean);
    r.Read(*q, p, "p50", &run->send_queue_depth.p50);
    r.Read(*q, p, "p99", &run->send_queue_depth.p99);
    r.Read(*q, p, "max", &run->send_queue_depth.max);
  }
  r.Read(j, path, "server_dropped_messages", &run->server_dropped_messages);
  if (const Json* l = r.Object(j, path, "link")) {
    const std::string p = path + ".link";
    LinkResult& link = run->link;
    link.enabled = true;
    r.Read(*l, p, "rtt_us", &link.rtt_us);
    r.Read(*l, p, "bandwidth_bits_per_s", &link.bandwidth_bits_per_s);
    r.Read(*l, p, "jitter_us", &link.jitter_us);
    r.Read(*l, p, "buffer_bytes", &link.buffer_bytes);
    r.Read(*l, p, "description", &link.description);
    r.Read(*l, p, "connections", &link.connections);
    r.Read(*l, p, "bytes_up", &link.bytes_up);
    r.Read(*l, p, "bytes_down", &link.bytes_down);
    r.Read(*l, p, "max_queued_bytes_up", &link.max_queued_bytes_up);
    r.Read(*l, p, "max_queued_bytes_down", &link.max_queued_bytes_down);
  }
  return error;
}

OrderedJson ComparisonToJson(const std::vector<ComparisonRow>& rows) {
  OrderedJson array = OrderedJson::array();
  for (const ComparisonRow& row : rows) {
    OrderedJson j;
    j["variant"] = row.variant;
    j["repeats"] = row.repeats;
    j["messages_per_s"] = SpreadToJson(row.messages_per_s);
    j["bytes_per_s"] = SpreadToJson(row.bytes_per_s);
    j["message_p50_us"] = SpreadToJson(row.message_p50_us);
    j["message_p99_us"] = SpreadToJson(row.message_p99_us);
    j["write_blocked_p99_us"] = SpreadToJson(row.write_blocked_p99_us);
    j["send_queue_depth_max"] = SpreadToJson(row.send_queue_depth_max);
    j["server_dropped_messages"] = SpreadToJson(row.server_dropped_messages);
    j["ratio"] = {{"messages_per_s", row.messages_per_s_ratio},
                  {"bytes_per_s", row.bytes_per_s_ratio},
                  {"message_p50", row.message_p50_ratio},
                  {"message_p99", row.message_p99_ratio}};
    array.push_back(std::move(j));
  }
  return array;
}

std::string ReadComparisonJson(const Json& array, std::vector<ComparisonRow>* rows) {
  if (!array.is_array()) return "comparison: expected an array";
  std::string error;
  FieldReader r(&error);
  for (size_t k = 0; k < array.size() && error.empty(); ++k) {
    const std::string path = "comparison[" + std::to_string(k) + "]";
    const Json& j = array[k];
    if (!j.is_object()) return path + ": expected an object";
    ComparisonRow row;
    r.Read(j, path, "variant", &row.variant);
    r.Read(j, path, "repeats", &row.repeats);
    ReadSpread(r, j, path, "messages_per_s", &row.messages_per_s);
    ReadSpread(r, j, path, "bytes_per_s", &row.bytes_per_s);
    ReadSpread(r, j, path, "message_p50_us", &row.message_p50_us);
    ReadSpread(r, j, path, "message_p99_us", &row.message_p99_us);
    ReadSpread(r, j, path, "write_blocked_p99_us", &row.write_blocked_p99_us);
    ReadSpread(r, j, path, "send_queue_depth_max", &row.send_queue_depth_max);
    ReadSpread(r, j, path, "server_dropped_messages", &row.server_dropped_messages);
    if (const Json* ratio = r.Object(j, path, "ratio")) {
      r.Read(*ratio, path + ".ratio", "messages_per_s", &row.messages_per_s_ratio);
      r.Read(*ratio, path + ".ratio", "bytes_per_s", &row.bytes_per_s_ratio);
      r.Read(*ratio, path + ".ratio", "message_p50", &row.message_p50_ratio);
      r.Read(*ratio, path + ".ratio", "message_p99", &row.message_p99_ratio);
    }
    rows->push_back(std::move(row));
  }
  return error;
}

}  // namespace streambench::report
