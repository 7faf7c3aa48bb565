// Builds a judged check in one line for the gate's output tests.
#pragma once

#include <string>

#include "bench/report/result.h"

namespace streambench::gate::testing {

inline report::Check MakeCheck(std::string name, std::string variant, std::string metric,
                               bool passed, std::string detail) {
  report::Check check;
  check.name = std::move(name);
  check.variant = std::move(variant);
  check.metric = std::move(metric);
  check.passed = passed;
  check.detail = std::move(detail);
  return check;
}

}  // namespace streambench::gate::testing
