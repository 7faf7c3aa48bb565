#include "server/server_flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace streambench {
namespace {

using ::testing::HasSubstr;

ServerFlags Parse(std::vector<std::string> args) {
  std::vector<const char*> argv = {"streambench-server"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  return ParseServerFlags(static_cast<int>(argv.size()), argv.data());
}

TEST(ParseServerFlagsTest, DefaultsWithoutFlags) {
  ServerFlags f = Parse({});
  ASSERT_EQ(f.outcome, ServerFlags::Outcome::kRun);
  EXPECT_EQ(f.options.host, "127.0.0.1");
  EXPECT_EQ(f.options.port, 0);
  EXPECT_FALSE(f.options.metrics_port);
  EXPECT_EQ(f.options.transport.Describe(), "defaults");
}

TEST(ParseServerFlagsTest, EveryFlagLandsInItsField) {
  ServerFlags f =
      Parse({"--host=0.0.0.0", "--port", "5000", "--metrics-port=0", "--metrics-host=::1",
             "--bdp-probe=false", "--stream-window=64KiB", "--max-frame-size=32KiB",
             "--write-buffer=1MiB", "--max-concurrent-streams=100", "--max-send-message=8MiB",
             "--max-receive-message=2MiB", "--keepalive-time=10s", "--keepalive-timeout=250ms",
             "--max-response-bytes=1MiB", "--max-response-count=1000", "--max-duration=1m",
             "--shutdown-grace=2s", "--max-connection-age=1s"});
  ASSERT_EQ(f.outcome, ServerFlags::Outcome::kRun) << f.error;
  const ServerOptions& o = f.options;
  EXPECT_EQ(o.host, "0.0.0.0");
  EXPECT_EQ(o.port, 5000);
  EXPECT_EQ(o.metrics_port, 0);
  EXPECT_EQ(o.metrics_host, "::1");
  EXPECT_EQ(o.transport.bdp_probe, false);
  EXPECT_EQ(o.transport.stream_window_bytes, 65536u);
  EXPECT_EQ(o.transport.max_frame_size_bytes, 32768u);
  EXPECT_EQ(o.transport.write_buffer_bytes, 1048576u);
  EXPECT_EQ(o.transport.max_concurrent_streams, 100u);
  EXPECT_EQ(o.transport.max_send_message_bytes, 8u << 20);
  EXPECT_EQ(o.transport.max_receive_message_bytes, 2u << 20);
  EXPECT_EQ(o.transport.keepalive_time_us, 10'000'000);
  EXPECT_EQ(o.transport.keepalive_timeout_us, 250'000);
  EXPECT_EQ(o.transport.max_connection_age_us, 1'000'000);
  EXPECT_EQ(o.caps.max_response_bytes, 1u << 20);
  EXPECT_EQ(o.caps.max_response_count, 1000u);
  EXPECT_EQ(o.caps.max_duration_us, 60'000'000);
  EXPECT_EQ(o.shutdown_grace_us, 2'000'000);
}

TEST(ParseServerFlagsTest, BadInputIsOneClearError) {
  struct Case {
    std::vector<std::string> args;
    const char* error;
  };
  const Case cases[] = {
      {{"--bogus"}, "unknown flag --bogus"},
      {{"--port=70000"}, "--port: '70000' is not an integer in [0, 65535]"},
      {{"--port=abc"}, "--port: 'abc'"},
      {{"--stream-window=64XB"}, "--stream-window: '64XB' is not a size"},
      {{"--keepalive-time=10"}, "--keepalive-time: '10' is not a duration"},
      {{"--bdp-probe=maybe"}, "--bdp-probe: 'maybe' is not true or false"},
      {{"--port"}, "--port needs a value"},
      {{"stray"}, "unexpected argument 'stray'"},
      {{"--host="}, "--host: must not be empty"},
  };
  for (const Case& c : cases) {
    ServerFlags f = Parse(c.args);
    EXPECT_EQ(f.outcome, ServerFlags::Outcome::kError) << c.args[0];
    EXPECT_THAT(f.error, HasSubstr(c.error));
    EXPECT_EQ(f.error.find('\n'), std::string::npos);
  }
}

TEST(ParseServerFlagsTest, BareBdpProbeTurnsItOn) {
  EXPECT_EQ(Parse({"--bdp-probe"}).options.transport.bdp_probe, true);
  EXPECT_EQ(Parse({"--bdp-probe", "--port=1"}).options.transport.bdp_probe, true);
  EXPECT_EQ(Parse({"--bdp-probe", "false"}).options.transport.bdp_probe, false);
  EXPECT_EQ(Parse({"--bdp-probe=false"}).options.transport.bdp_probe, false);
  EXPECT_EQ(Parse({"--bdp-probe=1"}).options.transport.bdp_probe, true);
}

TEST(ParseServerFlagsTest, LastValueWins) {
  ServerFlags f = Parse({"--port=1", "--port", "2"});
  ASSERT_EQ(f.outcome, ServerFlags::Outcome::kRun) << f.error;
  EXPECT_EQ(f.options.port, 2);
}

TEST(ParseServerFlagsTest, HelpWins) {
  EXPECT_EQ(Parse({"--port=1", "--help"}).outcome, ServerFlags::Outcome::kHelp);
  EXPECT_THAT(ServerUsage(), HasSubstr("--max-response-bytes"));
  // Usage first (scripts and the binary test read the first line), flags in their groups.
  EXPECT_EQ(ServerUsage().rfind("usage: streambench-server", 0), 0u) << ServerUsage();
  EXPECT_THAT(ServerUsage(), HasSubstr("caps on what one request may ask for:"));
}

// The security flags read their files at parse time: errors name the flag, never the content.
TEST(ParseServerFlagsTest, SecurityFlagsReadTheirFilesAndGoTogether) {
  const std::string dir = ::testing::TempDir();
  const std::string token = dir + "/server_flags_token.txt";
  FILE* f = std::fopen(token.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("s3cret-token\n", f);
  std::fclose(f);

  const ServerFlags read =
      Parse({"--tls-cert", token, "--tls-key", token, "--require-token", token});
  ASSERT_EQ(read.outcome, ServerFlags::Outcome::kRun) << read.error;
  EXPECT_EQ(read.options.required_token, "s3cret-token");
  EXPECT_EQ(read.options.tls.cert_chain_pem, "s3cret-token\n");

  const ServerFlags plaintext_token = Parse({"--require-token", token});
  EXPECT_EQ(plaintext_token.outcome, ServerFlags::Outcome::kError);
  EXPECT_THAT(plaintext_token.error, HasSubstr("--require-token needs --tls-cert and --tls-key"));

  const ServerFlags half = Parse({"--tls-cert", token});
  EXPECT_EQ(half.outcome, ServerFlags::Outcome::kError);
  EXPECT_THAT(half.error, HasSubstr("--tls-cert and --tls-key go together"));

  const ServerFlags missing = Parse({"--tls-cert", dir + "/no_such.pem", "--tls-key", token});
  EXPECT_EQ(missing.outcome, ServerFlags::Outcome::kError);
  EXPECT_THAT(missing.error, HasSubstr("--tls-cert: cannot read " + dir + "/no_such.pem"));
  EXPECT_THAT(missing.error, ::testing::Not(HasSubstr("s3cret")));
}

}  // namespace
}  // namespace streambench
