// The driver registry: every service and mode the scenario loader accepts has exactly one driver,
// and a pair without one is refused before anything starts with an error naming both.
#include "bench/drivers/driver_registry.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bench/drivers/driver.h"
#include "bench/scenario/scenario.h"
#include "bench/scenario/scenario_loader.h"
#include "bench/stats/recorder.h"
#include "common/clock.h"

namespace streambench::drivers {
namespace {

using scenario::Mode;
using scenario::TargetService;

// Every mode, with the keys a scenario of it needs beyond its service and mode to load at all.
struct ModeCase {
  Mode mode;
  const char* keys;
};
constexpr char kClosedLoop[] = "load: {type: closed, outstanding: 1}\n";
constexpr char kTransfer[] = "load: {type: closed, outstanding: 1}\nworkload: {file_size: 64KiB}\n";
const ModeCase kAllModes[] = {
    {Mode::kUnary, kClosedLoop},
    {Mode::kServerStream,
     "load: {type: closed, outstanding: 1}\nserver_behavior: {response_count: 3}\n"},
    {Mode::kClientStream, kClosedLoop},
    {Mode::kBidi, kClosedLoop},
    {Mode::kUpload, kTransfer},
    {Mode::kDownload, kTransfer},
    {Mode::kSubscribe, "pubsub: {topics: 1, subscribers: 1, publishers: 1, publish_rate: 10/s}\n"},
    {Mode::kChat, "chat: {rooms: 1, members_per_room: 2, message_rate: 10/s}\n"},
};
const std::vector<TargetService> kAllServices = {TargetService::kStreambenchV1,
                                                 TargetService::kGrpcTestingBenchmark,
                                                 TargetService::kAnyService};

const char* ServiceKey(TargetService service) {
  switch (service) {
    case TargetService::kStreambenchV1:
      return "streambench.v1";
    case TargetService::kGrpcTestingBenchmark:
      return "grpc.testing.BenchmarkService";
    case TargetService::kAnyService:
      break;
  }
  // The loader does not read the protoset: the method is resolved when the run is prepared.
  return "acme.echo.v1.EchoService\nmethod: Converse\nproto: {protoset: echo.pb}";
}

// Whether the loader accepts a scenario of `service` and `mode` (error text in *why otherwise).
bool LoaderAccepts(TargetService service, const ModeCase& mode, std::string* why) {
  // A named method's requests and responses are its own: no server_behavior.
  const bool any = service == TargetService::kAnyService && !scenario::IsWorkloadMode(mode.mode);
  const std::string yaml = std::string("name: pair\nservice: ") + ServiceKey(service) +
                           "\nmode: " + scenario::ModeName(mode.mode) + "\n" +
                           (any ? kClosedLoop : mode.keys) + "duration: 1s\n";
  scenario::ScenarioFile file;
  scenario::LoadError error;
  const bool ok = scenario::LoadScenarioString(yaml, "pair.yaml", {}, &file, &error);
  *why = error.ToString();
  return ok;
}

TEST(DriverRegistryTest, EveryPairTheLoaderAcceptsHasADriverAndNoOtherHasOne) {
  int accepted = 0;
  for (TargetService service : kAllServices) {
    for (const ModeCase& mode : kAllModes) {
      SCOPED_TRACE(std::string(ServiceKey(service)) + " " + scenario::ModeName(mode.mode));
      std::string why;
      const bool loads = LoaderAccepts(service, mode, &why);
      accepted += loads ? 1 : 0;
      EXPECT_EQ(FindDriver(service, mode.mode) != nullptr, loads) << why;
    }
  }
  // streambench.v1 in every mode; BenchmarkService and a named method in the four basic ones.
  EXPECT_EQ(accepted, 16);
  EXPECT_EQ(RegisteredDrivers().size(), 16u);
}

TEST(DriverRegistryTest, OneRegistrationPerPair) {
  const std::vector<DriverRegistration>& drivers = RegisteredDrivers();
  for (size_t i = 0; i < drivers.size(); ++i) {
    EXPECT_NE(drivers[i].make, nullptr);
    for (size_t j = i + 1; j < drivers.size(); ++j) {
      EXPECT_FALSE(drivers[i].service == drivers[j].service && drivers[i].mode == drivers[j].mode)
          << "rows " << i << " and " << j << " register the same pair";
    }
  }
}

TEST(DriverRegistryTest, AnUnknownPairIsAClearError) {
  scenario::Scenario s;
  s.target.service = TargetService::kGrpcTestingBenchmark;
  s.mode = Mode::kChat;
  std::string error;
  EXPECT_FALSE(IsSupported(s, &error));
  EXPECT_EQ(error,
            "grpc.testing.BenchmarkService: mode chat is not supported (use unary, server_stream, "
            "client_stream or bidi)");

  // The run's driver is refused the same way, before any slot exists.
  stats::RecorderRegistry registry;
  FakeClock clock(0);
  DriverContext dc(s, registry, clock);
  std::string make_error;
  EXPECT_EQ(MakeRunDriver(dc, &make_error), nullptr);
  EXPECT_EQ(make_error, error);
}

TEST(DriverRegistryTest, ADriversOwnCheckRefusesWhatItCannotRun) {
  scenario::Scenario s;
  s.target.service = TargetService::kGrpcTestingBenchmark;
  s.mode = Mode::kServerStream;
  s.behavior.response_count = 0;
  std::string error;
  EXPECT_FALSE(IsSupported(s, &error));
  EXPECT_NE(error.find("needs server_behavior.response_count > 0"), std::string::npos) << error;
  s.behavior.response_count = 3;
  EXPECT_TRUE(IsSupported(s, &error)) << error;
}

TEST(DriverRegistryTest, AFactoryErrorComesBackFromMakeRunDriver) {
  scenario::Scenario s;
  s.mode = Mode::kUnary;
  s.behavior.failure.code = "NO_SUCH_CODE";
  stats::RecorderRegistry registry;
  FakeClock clock(0);
  DriverContext dc(s, registry, clock);
  std::string error;
  EXPECT_EQ(MakeRunDriver(dc, &error), nullptr);
  EXPECT_NE(error.find("NO_SUCH_CODE"), std::string::npos) << error;
}

}  // namespace
}  // namespace streambench::drivers
