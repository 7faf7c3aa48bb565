// streambench-server: the reference gRPC server as a process. Parses flags (server/server_flags.h),
// starts a ReferenceServer, prints "listening on HOST:PORT" for scripts, and shuts down gracefully
// on SIGINT/SIGTERM. Exit codes: 0 after a signal, 2 bad flags, 3 could not listen.
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "common/loopback.h"
#include "server/reference_server.h"
#include "server/server_flags.h"

int main(int argc, char** argv) {
  const streambench::ServerFlags flags = streambench::ParseServerFlags(argc, argv);
  switch (flags.outcome) {
    case streambench::ServerFlags::Outcome::kHelp:
      std::cout << streambench::ServerUsage();
      return 0;
    case streambench::ServerFlags::Outcome::kError:
      std::cerr << "streambench-server: " << flags.error << "\n";
      return 2;
    case streambench::ServerFlags::Outcome::kRun:
      break;
  }

  // Block the shutdown signals before gRPC starts its threads (they inherit the mask), so only
  // sigwait below receives them and no handler runs on an arbitrary thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::string error;
  std::unique_ptr<streambench::ReferenceServer> server =
      streambench::ReferenceServer::Start(flags.options, &error);
  if (server == nullptr) {
    std::cerr << "streambench-server: " << error << "\n";
    return 3;
  }
  // The server answers anyone who reaches it; beyond loopback that is a choice worth a line.
  if (const std::string warning = streambench::BeyondLoopbackWarning("--host", flags.options.host);
      !warning.empty()) {
    std::cerr << "streambench-server: " << warning << "\n";
  }
  if (const std::string warning =
          streambench::BeyondLoopbackWarning("--metrics-host", flags.options.metrics_host);
      server->metrics_port() != 0 && !warning.empty()) {
    std::cerr << "streambench-server: " << warning << "\n";
  }
  std::cout << "listening on " << server->address() << "\n";
  if (server->metrics_port() != 0) std::cout << "metrics on " << server->metrics_address() << "\n";
  std::cout.flush();

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  std::cerr << "streambench-server: " << (signal_number == SIGINT ? "SIGINT" : "SIGTERM")
            << ", shutting down\n";
  server->Shutdown();
  return 0;
}
