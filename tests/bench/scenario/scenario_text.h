// Scenario texts the loader tests build on.
#pragma once

#include <string>

namespace streambench::scenario {

// A valid open-loop bidi scenario named `name` with the `transport` mapping given.
inline std::string BidiScenario(const std::string& name, const std::string& transport) {
  return "name: " + name +
         "\nmode: bidi\nconnections: 2\nload: {type: constant, rate: 1000/s}\ntransport: " +
         transport + "\n";
}

}  // namespace streambench::scenario
