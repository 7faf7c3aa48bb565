#include "bench/report/comparison_json.h"

#include <string>

namespace streambench::report {
namespace {

using OrderedJson = nlohmann::ordered_json;
using Json = nlohmann::json;

// The figures of a row, in JSON order: each a spread over the repeats, some also a ratio to the
// baseline variant (under `ratio`).
struct Figure {
  const char* key;
  Spread ComparisonRow::*spread;
  const char* ratio_key = nullptr;
  double ComparisonRow::*ratio = nullptr;
};
constexpr Figure kFigures[] = {
    {"messages_per_s", &ComparisonRow::messages_per_s, "messages_per_s",
     &ComparisonRow::messages_per_s_ratio},
    {"bytes_per_s", &ComparisonRow::bytes_per_s, "bytes_per_s", &ComparisonRow::bytes_per_s_ratio},
    {"message_p50_us", &ComparisonRow::message_p50_us, "message_p50",
     &ComparisonRow::message_p50_ratio},
    {"message_p99_us", &ComparisonRow::message_p99_us, "message_p99",
     &ComparisonRow::message_p99_ratio},
    {"write_blocked_p99_us", &ComparisonRow::write_blocked_p99_us},
    {"send_queue_depth_max", &ComparisonRow::send_queue_depth_max},
    {"server_dropped_messages", &ComparisonRow::server_dropped_messages},
};

}  // namespace

OrderedJson ComparisonToJson(const std::vector<ComparisonRow>& rows) {
  OrderedJson array = OrderedJson::array();
  for (const ComparisonRow& row : rows) {
    OrderedJson j;
    j["variant"] = row.variant;
    j["repeats"] = row.repeats;
    OrderedJson ratio;
    for (const Figure& f : kFigures) {
      const Spread& s = row.*f.spread;
      j[f.key] = {{"median", s.median}, {"min", s.min}, {"max", s.max}};
      if (f.ratio != nullptr) ratio[f.ratio_key] = row.*f.ratio;
    }
    j["ratio"] = ratio;
    array.push_back(std::move(j));
  }
  return array;
}

void ReadComparisonJson(const Json& array, JsonReader* r, std::vector<ComparisonRow>* rows) {
  if (!array.is_array()) return r->Fail("comparison", "expected an array");
  for (size_t k = 0; k < array.size() && r->ok(); ++k) {
    const std::string path = "comparison[" + std::to_string(k) + "]";
    const Json& j = array[k];
    if (!j.is_object()) return r->Fail(path, "expected an object");
    ComparisonRow row;
    r->Read(j, path, "variant", &row.variant);
    r->Read(j, path, "repeats", &row.repeats);
    for (const Figure& f : kFigures) {
      if (const Json* s = r->Object(j, path, f.key, false)) {
        const std::string p = path + "." + f.key;
        Spread& spread = row.*f.spread;
        r->Read(*s, p, "median", &spread.median);
        r->Read(*s, p, "min", &spread.min);
        r->Read(*s, p, "max", &spread.max);
      }
    }
    if (const Json* ratio = r->Object(j, path, "ratio", false)) {
      for (const Figure& f : kFigures) {
        if (f.ratio != nullptr) r->Read(*ratio, path + ".ratio", f.ratio_key, &(row.*f.ratio));
      }
    }
    rows->push_back(std::move(row));
  }
}

}  // namespace streambench::report
