#include "bench/criteria/expression_text.h"

namespace streambench::criteria {

std::string TrimChars(const std::string& s, std::string_view blanks) {
  const size_t begin = s.find_first_not_of(blanks);
  if (begin == std::string::npos) return "";
  const size_t end = s.find_last_not_of(blanks);
  return s.substr(begin, end - begin + 1);
}

std::string Printable(std::string s) {
  for (char& c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = '?';
  }
  return s;
}

}  // namespace streambench::criteria
