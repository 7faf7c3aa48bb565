#include "bench/scenario/load_error.h"

namespace streambench::scenario {

std::string LoadError::ToString() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  out += ": ";
  if (!key.empty()) out += key + ": ";
  out += message;
  if (!variant.empty()) out += " (variant `" + variant + "`)";
  return out;
}

}  // namespace streambench::scenario
