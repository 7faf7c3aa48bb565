// The registry of drivers, keyed by target service and mode: one explicit table
// (driver_registry.cc) rather than static self-registration, which a static library drops
// silently when nothing references the registering object file. Adding a driver is one new file
// defining its RunDriverFactory and one row (with the factory's declaration) in that table.
// Thread-safety: thread-safe (the table is constant).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bench/drivers/driver.h"
#include "bench/drivers/run_driver.h"
#include "bench/scenario/scenario.h"

namespace streambench::drivers {

// Makes the RunDriver for `dc`'s scenario, or nullptr with *error (e.g. a behaviour the service
// cannot express).
using RunDriverFactory = std::unique_ptr<RunDriver>(DriverContext& dc, std::string* error);

struct DriverRegistration {
  scenario::TargetService service;
  scenario::Mode mode;
  RunDriverFactory* make;
  // What the driver needs of the scenario beyond its service and mode, checked before anything
  // starts: false with *error. nullptr: nothing.
  bool (*check)(const scenario::Scenario& scenario, std::string* error);
};

// Every registered driver, one per (service, mode).
const std::vector<DriverRegistration>& RegisteredDrivers();

// The registration for `service` and `mode`; nullptr when no driver exists for the pair.
const DriverRegistration* FindDriver(scenario::TargetService service, scenario::Mode mode);

// Whether a driver exists for the scenario's service and mode and accepts the scenario; false
// with *error naming both otherwise. For checking a scenario before anything starts.
bool IsSupported(const scenario::Scenario& scenario, std::string* error);

// The run's driver for `dc.scenario()` (IsSupported, then the driver's factory); nullptr with
// *error. `dc` must outlive the driver and every slot it makes.
std::unique_ptr<RunDriver> MakeRunDriver(DriverContext& dc, std::string* error);

}  // namespace streambench::drivers
