// Command-line flags of `streambench-server` turned into ServerOptions. The flags are declared on
// CLI11 (common/cli/cli_flags.h) with the project's one unit grammar (common/units.h: "64KiB",
// "1MiB", "250ms", "10s", "1m") plugged in as transformers; kept out of main.cc so the parsing is
// unit-tested; errors are values (one line naming the flag and why).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/reference_server.h"

namespace streambench {

struct ServerFlags {
  enum class Outcome { kRun, kHelp, kError };
  Outcome outcome = Outcome::kRun;
  ServerOptions options;  // with the contents of the TLS and token files, read by the parse
  std::string error;  // kError: e.g. "--stream-window: '64KB!' is not a size (like 65536 or 64KiB)"
};

// Parses argv[1..argc) ("--flag=value" or "--flag value"; a bare --bdp-probe is true).
ServerFlags ParseServerFlags(int argc, const char* const* argv);

// The --help text (generated from the flag declarations).
std::string ServerUsage();

}  // namespace streambench
