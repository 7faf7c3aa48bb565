// Stop signals: SIGINT / SIGTERM only bump an atomic counter (async-signal-safe); the run
// controller polls it, stops the load, drains and still writes results. The first signal asks
// for a graceful stop, the second for an immediate one (skip the drain, write what is there); a
// third, if the process is still alive, exits at once with status 128 + the signal.
// Thread-safety: all functions are thread-safe; the handler is async-signal-safe.
#pragma once

namespace streambench::runner {

// Installs the handlers for SIGINT and SIGTERM (idempotent).
void InstallStopSignalHandlers();
// Signals received since the last reset.
int StopSignalCount();
// Sets the counter to 0 (tests, or a new run of a long-lived process).
void ResetStopSignals();
// Counts a stop request as if a signal had arrived (used by tests and embedders).
void RequestStop();
// The signal number of the latest stop request (SIGINT or SIGTERM; RequestStop counts as
// SIGINT); 0 when none since the last reset. The CLI exits 128 + this after an interrupted run.
int LastStopSignal();

}  // namespace streambench::runner
