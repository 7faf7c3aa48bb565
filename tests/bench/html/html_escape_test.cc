#include "bench/html/html_escape.h"

#include <gtest/gtest.h>

namespace streambench::html {
namespace {

TEST(EscapeHtmlTest, MarkupCharactersBecomeReferences) {
  EXPECT_EQ(EscapeHtml("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
}

TEST(EscapeHtmlTest, PlainTextAndUtf8AreUnchanged) {
  EXPECT_EQ(EscapeHtml("bidi-64KiB µs\tok\n"), "bidi-64KiB µs\tok\n");
}

TEST(EscapeHtmlTest, ControlBytesBecomeReplacementCharacters) {
  EXPECT_EQ(EscapeHtml(std::string("a\x1b[31mb\0c", 9)), "a&#xFFFD;[31mb&#xFFFD;c");
}

}  // namespace
}  // namespace streambench::html
