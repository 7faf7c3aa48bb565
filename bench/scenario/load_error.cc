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
  // Keys and values quoted in the message come from the file and may hold any byte (a quoted
  // "a\nb" key); a newline or escape sequence would break the one-line error or garble the
  // terminal, so control bytes are shown as `?` (as YamlNode::Describe does for values).
  for (char& c : out) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = '?';
  }
  return out;
}

}  // namespace streambench::scenario
