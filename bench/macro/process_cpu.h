// The calling process's CPU time (user + system, every thread), for the macro benchmarks' CPU
// figures. Thread-safety: thread-safe (getrusage).
#pragma once

namespace streambench::macro {

// Seconds of CPU this process has used since it started.
double ProcessCpuSeconds();

}  // namespace streambench::macro
