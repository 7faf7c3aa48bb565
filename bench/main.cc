// `streambench`: the load generator's command line (see bench/runner/cli.h).
#include "bench/runner/cli.h"

int main(int argc, char** argv) { return streambench::runner::RunCli(argc, argv); }
