#include "bench/report/comparison_json.h"

#include <string>

#include "bench/report/comparison.h"

namespace streambench::report {
namespace {

using OrderedJson = nlohmann::ordered_json;
using Json = nlohmann::json;

}  // namespace

OrderedJson ComparisonToJson(const std::vector<ComparisonRow>& rows) {
  OrderedJson array = OrderedJson::array();
  for (const ComparisonRow& row : rows) {
    OrderedJson j;
    j["variant"] = row.variant;
    j["repeats"] = row.repeats;
    OrderedJson ratio;
    for (const ComparisonFigure& f : ComparisonFigures()) {
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
    for (const ComparisonFigure& f : ComparisonFigures()) {
      if (const Json* s = r->Object(j, path, f.key, false)) {
        const std::string p = path + "." + f.key;
        Spread& spread = row.*f.spread;
        r->Read(*s, p, "median", &spread.median);
        r->Read(*s, p, "min", &spread.min);
        r->Read(*s, p, "max", &spread.max);
      }
    }
    if (const Json* ratio = r->Object(j, path, "ratio", false)) {
      for (const ComparisonFigure& f : ComparisonFigures()) {
        if (f.ratio != nullptr) r->Read(*ratio, path + ".ratio", f.ratio_key, &(row.*f.ratio));
      }
    }
    rows->push_back(std::move(row));
  }
}

}  // namespace streambench::report
