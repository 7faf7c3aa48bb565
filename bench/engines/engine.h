// Engine: the transport the drivers put their calls on. A run chooses one (the scenario's
// `engine: grpc | h2`); every driver speaks only this interface, so each driver runs on both.
//   grpc  gRPC C++'s callback API, one generic call per call (bench/engines/grpc)
//   h2    gRPC over HTTP/2 on nghttp2, one event loop per thread that writes the frames of all
//         its streams in one go (bench/engines/h2)
// The interface is byte-level: a driver serializes its requests and parses its responses itself,
// so what a message is stays in the drivers and the engines only move bytes.
//
// Every call is bidirectional on the wire: a unary or server-stream call is one WriteLast (a
// Write, then WritesDone); the engine does not care how many messages either side sends.
//
// The contract both engines keep (tests/bench/engines/engine_contract_test.cc holds them to it):
// - Callbacks never run inside a Call or Channel method: a failure found at once (no connection,
//   a write after the end) is delivered later, from the engine's own thread.
// - For one call: OnMessage calls never overlap each other. An OnWriteDone overlaps another only
//   when the driver started the next write from inside the first (gRPC may complete that write on
//   another thread before the first callback returned). An OnMessage may run at the same time as
//   an OnWriteDone (the grpc engine completes reads and writes on different threads; the h2
//   engine runs everything on its loop thread).
// - OnReadsDone comes after the last OnMessage, once the server's side is over (status received,
//   or the call failed). It is how a driver learns that it should stop writing and WritesDone.
// - OnClose is the last callback. It comes once the call has ended AND the driver has called
//   WritesDone (the driver's hold on the call), after every other callback has returned; a write
//   still in flight when the call ended gets OnWriteDone(false) first. The observer may be
//   destroyed from OnClose on.
// Thread-safety: Channel and Engine are thread-safe. Write and WritesDone come from one thread at
// a time per call (the driver's write pump serialises them); Cancel from any thread at any time
// while the caller holds the Call.
#pragma once

#include <grpcpp/support/status.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/transport_settings.h"

namespace streambench::engines {

// Request metadata in the order sent; keys lower case; "-bin" values are the raw bytes (the
// engine encodes them for the wire).
using Metadata = std::vector<std::pair<std::string, std::string>>;

// Receives one call's events (see the contract above for order and threads).
class CallObserver {
 public:
  // One response message; `message` is valid during the callback only.
  virtual void OnMessage(std::string_view message) = 0;
  // The message of the last Write left the call (ok; on the h2 engine: flow control let its last
  // byte into a DATA frame, so the time from Write to here is the time writes were blocked), or
  // never will because the call ended (not ok).
  virtual void OnWriteDone(bool ok) = 0;
  // The server's side is over: no more messages; OnClose follows once WritesDone was called.
  virtual void OnReadsDone() {}
  // The last callback: how the call ended.
  virtual void OnClose(const grpc::Status& status) = 0;

 protected:
  ~CallObserver() = default;
};

// One call in flight. The engine keeps its own reference until OnClose has returned; a driver
// keeps one while it may still Cancel (so a late Cancel finds a live object and does nothing).
class Call {
 public:
  virtual ~Call() = default;
  // Sends one message (copied before returning). One write in flight: the next Write only after
  // OnWriteDone. A write after the call ended completes with OnWriteDone(false).
  virtual void Write(std::string_view message) = 0;
  // Half-closes once the write in flight (if any) is out, and releases the driver's hold: no
  // Write after it, and OnClose may run on another thread as soon as this is called.
  virtual void WritesDone() = 0;
  // Write(message) then WritesDone() as one step (no write in flight before it): OnWriteDone
  // follows as for Write, and the hold is released at once. An engine may send the message and
  // the half-close together (the grpc engine: one gRPC batch, with the request headers when the
  // call was started with CallSpec::single_request).
  virtual void WriteLast(std::string_view message) {
    Write(message);
    WritesDone();
  }
  // Ends the call with CANCELLED (nothing when it already ended). OnClose still waits for
  // WritesDone.
  virtual void Cancel() = 0;
};

// What a call is: the method and its metadata and deadline.
struct CallSpec {
  std::string_view path;               // "/package.Service/Method"
  const Metadata* metadata = nullptr;  // may be null; read during StartCall only
  int64_t timeout_us = 0;              // the deadline, from now; 0 = none
  // The driver sends one message, with WriteLast, right after StartCall (a unary or server-stream
  // call), so the engine may hold the request's headers back to send them with it.
  bool single_request = false;
};

// One connection's worth of calls to the target (each channel of a run has its own connection);
// it reconnects by itself after the target went away.
class Channel {
 public:
  virtual ~Channel() = default;
  // Starts a call; `observer` must live until its OnClose. Never null: a call that cannot start
  // (no connection) ends UNAVAILABLE through the observer.
  virtual std::shared_ptr<Call> StartCall(const CallSpec& spec, CallObserver* observer) = 0;
  // True while the channel has a working connection. A call that ended UNAVAILABLE on a channel
  // that is not connected failed for lack of a connection (an outage), not by the server's word.
  virtual bool connected() const = 0;
  // Connects if not connected and waits until it is, or `deadline` passes; false then, with
  // *why saying what the channel saw (e.g. "connection refused", "channel state CONNECTING").
  virtual bool WaitForConnected(std::chrono::system_clock::time_point deadline,
                                std::string* why) = 0;
};

// Transport security of a channel: the contents of the key files (PEM), read once by the runner,
// so an engine never opens a file and every channel of a run uses the same bytes.
struct TlsSettings {
  bool enabled = false;         // false = plaintext (h2c); every other field is then ignored
  std::string root_certs_pem;   // trusted CAs; empty = the system's roots
  std::string cert_chain_pem;   // the client's certificate chain (mTLS); empty = none
  std::string private_key_pem;  // its key; set exactly when cert_chain_pem is
  std::string server_name;      // the name sent as SNI and verified; empty = the address's host
  // Accept any server certificate (no chain or name check). Only from the scenario's explicit
  // `insecure_skip_verify`, which the CLI warns about.
  bool skip_verify = false;
};

// How the channels of a run reach the target.
struct ChannelOptions {
  std::vector<std::string> addresses;  // "host:port" each; several = client-side balancing
  bool round_robin = false;            // spread calls over `addresses` (else pick first)
  int index = 0;                       // the channel's number in the run (own connection each)
  TransportSettings transport;         // the scenario's client `transport`
  TlsSettings tls;
  // Sent as "authorization: Bearer <token>" with every call; empty = none. A secret: engines
  // never print or log it.
  std::string bearer_token;
};

// One per run; it owns the threads its channels need (the h2 engine's event loops) and must
// outlive every channel and call it made.
class Engine {
 public:
  virtual ~Engine() = default;
  virtual std::shared_ptr<Channel> MakeChannel(const ChannelOptions& options) = 0;
};

}  // namespace streambench::engines
