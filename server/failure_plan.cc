#include "server/failure_plan.h"

#include <random>
#include <thread>

namespace streambench {
namespace {

double DrawUniform01() {
  // One generator per thread: a draw takes no lock and touches no shared cache line.
  thread_local std::mt19937_64 rng{std::random_device{}() ^
                                   std::hash<std::thread::id>{}(std::this_thread::get_id())};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

}  // namespace

FailurePlan PlanFailure(const v1::FailureInjection& failure, double uniform01) {
  FailurePlan plan;
  if (failure.code() == 0) return plan;
  const double p = failure.probability();
  if (p > 0.0 && p < 1.0) {
    const double u = uniform01 >= 0.0 ? uniform01 : DrawUniform01();
    if (u >= p) return plan;
  }
  plan.active = true;
  plan.code = static_cast<grpc::StatusCode>(failure.code());
  plan.message = failure.message();
  plan.after_messages = failure.has_after_messages() ? failure.after_messages() : 0;
  return plan;
}

}  // namespace streambench
