// Escaping of text taken from results (scenario and variant names, check details, targets) for
// HTML text and attribute values, so a hostile name shows as text and never becomes markup.
// Thread-safety: pure functions.
#pragma once

#include <string>

namespace streambench::html {

// `&`, `<`, `>`, `"` and `'` as character references; control bytes other than tab and line
// breaks (which HTML forbids) as U+FFFD. Safe in text and in quoted attribute values.
std::string EscapeHtml(const std::string& text);

}  // namespace streambench::html
