#include "bench/runner/grpc_log_filter.h"

#include <grpc/support/log.h>

#include <cstdio>
#include <cstring>

namespace streambench::runner {
namespace {

void FilteredLog(gpr_log_func_args* args) {
  const char* file = args->file != nullptr ? args->file : "";
  const char* base = std::strrchr(file, '/');
  base = base != nullptr ? base + 1 : file;
  if (std::strcmp(base, "ssl_transport_security.cc") == 0) return;
  std::fprintf(stderr, "%s %s:%d] %s\n", gpr_log_severity_string(args->severity), base, args->line,
               args->message);
}

}  // namespace

void InstallGrpcLogFilter() { gpr_set_log_function(&FilteredLog); }

}  // namespace streambench::runner
