// What counts as loopback for the bind warnings: 127.0.0.0/8, ::1 (bracketed or not) and
// localhost; anything else (the wildcard, a LAN address, a name) is warned about.
#include "common/loopback.h"

#include <gtest/gtest.h>

namespace streambench {
namespace {

TEST(LoopbackTest, LoopbackHostsGetNoWarning) {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
    EXPECT_EQ(BeyondLoopbackWarning("--metrics-host", host), "") << host;
  }
}

TEST(LoopbackTest, OtherHostsAreWarnedAbout) {
  for (const char* host : {"0.0.0.0", "::", "10.0.0.5", "128.0.0.1", "example.com"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
    EXPECT_EQ(BeyondLoopbackWarning("--metrics-host", host),
              std::string("warning: --metrics-host ") + host +
                  " is beyond loopback: anyone who can reach it can use it; see SECURITY.md");
  }
}

}  // namespace
}  // namespace streambench
