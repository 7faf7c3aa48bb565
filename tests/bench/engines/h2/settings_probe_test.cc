// ProbePeerSettings: the reference server's announced limit (set and unset), and targets that
// send no HTTP/2 settings (a port that listens and never answers, a closed port), each a clear
// error within the probe's time.
#include "bench/engines/h2/settings_probe.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>

#include "server/reference_server.h"

namespace streambench::engines::h2 {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<ReferenceServer> StartServer(std::optional<uint32_t> max_concurrent_streams) {
  ServerOptions options;
  options.transport.max_concurrent_streams = max_concurrent_streams;
  std::string error;
  auto server = ReferenceServer::Start(options, &error);
  EXPECT_NE(server, nullptr) << error;
  return server;
}

// A loopback port that completes TCP handshakes (the kernel does) and never sends a byte.
class SilentPort {
 public:
  SilentPort() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    listen(fd_, 4);
    socklen_t length = sizeof(address);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~SilentPort() { close(fd_); }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_;
  int port_ = 0;
};

TEST(SettingsProbeTest, ReadsTheLimitTheServerAnnounces) {
  auto server = StartServer(7);
  ASSERT_NE(server, nullptr);
  std::string error;
  const auto settings =
      ProbePeerSettings(server->address(), TlsSettings{}, std::chrono::seconds(5), &error);
  ASSERT_TRUE(settings.has_value()) << error;
  EXPECT_EQ(settings->max_concurrent_streams, 7u);
  EXPECT_GT(settings->initial_window_bytes, 0u);
  EXPECT_GE(settings->max_frame_bytes, 16384u);
}

TEST(SettingsProbeTest, AServerWithoutALimitReadsAsUnlimited) {
  auto server = StartServer(std::nullopt);
  ASSERT_NE(server, nullptr);
  std::string error;
  const auto settings =
      ProbePeerSettings(server->address(), TlsSettings{}, std::chrono::seconds(5), &error);
  ASSERT_TRUE(settings.has_value()) << error;
  EXPECT_EQ(settings->max_concurrent_streams, UINT32_MAX);
}

TEST(SettingsProbeTest, ASilentPortIsAnErrorOnceTheProbesTimeIsUp) {
  SilentPort silent;
  std::string error;
  EXPECT_FALSE(
      ProbePeerSettings(silent.target(), TlsSettings{}, std::chrono::milliseconds(200), &error)
          .has_value());
  EXPECT_THAT(error, HasSubstr("no HTTP/2 settings"));
}

TEST(SettingsProbeTest, AClosedPortIsAnError) {
  std::string target;
  {
    SilentPort closed;  // its port, free again once it is gone
    target = closed.target();
  }
  std::string error;
  EXPECT_FALSE(
      ProbePeerSettings(target, TlsSettings{}, std::chrono::seconds(2), &error).has_value());
  EXPECT_THAT(error, HasSubstr(target));
}

}  // namespace
}  // namespace streambench::engines::h2
