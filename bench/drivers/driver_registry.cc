#include "bench/drivers/driver_registry.h"

namespace streambench::drivers {

// Each factory is defined in its driver's file.
RunDriverFactory MakeV1UnaryDriver;
RunDriverFactory MakeV1ServerStreamDriver;
RunDriverFactory MakeV1ClientStreamDriver;
RunDriverFactory MakeV1BidiDriver;
RunDriverFactory MakeUploadDriver;
RunDriverFactory MakeDownloadDriver;
RunDriverFactory MakePubSubDriver;
RunDriverFactory MakeChatDriver;
RunDriverFactory MakeBenchmarkUnaryDriver;
RunDriverFactory MakeBenchmarkServerStreamDriver;
RunDriverFactory MakeBenchmarkClientStreamDriver;
RunDriverFactory MakeBenchmarkBidiDriver;
RunDriverFactory MakeAnyServiceDriver;
bool CheckBenchmarkServerStream(const scenario::Scenario& scenario, std::string* error);

namespace {

using scenario::Mode;
using scenario::TargetService;

const char* ServiceText(TargetService service) {
  switch (service) {
    case TargetService::kGrpcTestingBenchmark:
      return "grpc.testing.BenchmarkService";
    case TargetService::kAnyService:
      return "a named method";
    case TargetService::kStreambenchV1:
      break;
  }
  return "streambench.v1";
}

}  // namespace

const std::vector<DriverRegistration>& RegisteredDrivers() {
  static const std::vector<DriverRegistration> kDrivers = {
      {TargetService::kStreambenchV1, Mode::kUnary, MakeV1UnaryDriver, nullptr},
      {TargetService::kStreambenchV1, Mode::kServerStream, MakeV1ServerStreamDriver, nullptr},
      {TargetService::kStreambenchV1, Mode::kClientStream, MakeV1ClientStreamDriver, nullptr},
      {TargetService::kStreambenchV1, Mode::kBidi, MakeV1BidiDriver, nullptr},
      {TargetService::kStreambenchV1, Mode::kUpload, MakeUploadDriver, nullptr},
      {TargetService::kStreambenchV1, Mode::kDownload, MakeDownloadDriver, nullptr},
      {TargetService::kStreambenchV1, Mode::kSubscribe, MakePubSubDriver, nullptr},
      {TargetService::kStreambenchV1, Mode::kChat, MakeChatDriver, nullptr},
      {TargetService::kGrpcTestingBenchmark, Mode::kUnary, MakeBenchmarkUnaryDriver, nullptr},
      {TargetService::kGrpcTestingBenchmark, Mode::kServerStream, MakeBenchmarkServerStreamDriver,
       CheckBenchmarkServerStream},
      {TargetService::kGrpcTestingBenchmark, Mode::kClientStream, MakeBenchmarkClientStreamDriver,
       nullptr},
      {TargetService::kGrpcTestingBenchmark, Mode::kBidi, MakeBenchmarkBidiDriver, nullptr},
      // One driver for every shape of a named method (its mode is the method's shape).
      {TargetService::kAnyService, Mode::kUnary, MakeAnyServiceDriver, nullptr},
      {TargetService::kAnyService, Mode::kServerStream, MakeAnyServiceDriver, nullptr},
      {TargetService::kAnyService, Mode::kClientStream, MakeAnyServiceDriver, nullptr},
      {TargetService::kAnyService, Mode::kBidi, MakeAnyServiceDriver, nullptr},
  };
  return kDrivers;
}

const DriverRegistration* FindDriver(TargetService service, Mode mode) {
  for (const DriverRegistration& r : RegisteredDrivers()) {
    if (r.service == service && r.mode == mode) return &r;
  }
  return nullptr;
}

bool IsSupported(const scenario::Scenario& scenario, std::string* error) {
  const DriverRegistration* driver = FindDriver(scenario.target.service, scenario.mode);
  if (driver == nullptr) {
    *error = std::string(ServiceText(scenario.target.service)) + ": mode " +
             scenario::ModeName(scenario.mode) + " is not supported";
    if (scenario.target.service == TargetService::kGrpcTestingBenchmark) {
      *error += " (use unary, server_stream, client_stream or bidi)";
    }
    return false;
  }
  return driver->check == nullptr || driver->check(scenario, error);
}

std::unique_ptr<RunDriver> MakeRunDriver(DriverContext& dc, std::string* error) {
  if (!IsSupported(dc.scenario(), error)) return nullptr;
  return FindDriver(dc.scenario().target.service, dc.scenario().mode)->make(dc, error);
}

}  // namespace streambench::drivers
