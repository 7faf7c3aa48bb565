// The h2 engine: the engine interface (bench/engines/engine.h) on this folder's nghttp2 client.
//  - Threads: event loops (EventLoop), each on a thread the engine starts and its destructor
//    joins. Channel i runs on loop i % loop_threads (started as channels are made, so never more
//    loops than channels); its connection and every stream on it belong to that thread. A call's
//    method called on that thread runs at once (a driver writing from OnMessage); from any other
//    thread it is posted to the loop, in call order.
//  - Callbacks run on the loop thread. OnMessage comes straight from the socket's bytes; the
//    others are deferred to the start of the next pass, so none runs inside a Call or Channel
//    method. OnWriteDone(true) comes when nghttp2 took the message's last byte into a DATA frame
//    (the server's flow-control windows let it go).
//  - A channel connects on its first StartCall or WaitForConnected, without blocking its loop:
//    calls start on the connection at once and their frames leave when the handshake is done; a
//    refusal, or no answer within connect_timeout_ms, ends them UNAVAILABLE. After its connection
//    was lost or got GOAWAY, the next StartCall connects anew (streams of a GOAWAY'd connection
//    finish on it). There is no backoff between attempts and no per-call balancing: a channel
//    dials addresses[index % addresses.size()].
//  - Transport: stream_window_bytes, max_frame_size_bytes, max_receive_message_bytes and
//    max_send_message_bytes apply; the rest are ignored here (the scenario validator refuses
//    them with engine: h2).
// Thread-safety: as engine.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "bench/engines/engine.h"
#include "bench/engines/h2/connection.h"
#include "common/transport_settings.h"

namespace streambench::engines::h2 {

struct H2EngineOptions {
  int loop_threads = 0;                // event-loop threads; 0: one per core (at most the channels)
  uint32_t connect_timeout_ms = 5000;  // how long a connection attempt may go unanswered
};

std::unique_ptr<Engine> MakeH2Engine(const H2EngineOptions& options);

// The connection settings a channel with `transport` gets: the stream window (the connection
// window at least as large), the largest frame (clamped to HTTP/2's 16 KiB..16 MiB - 1) and the
// largest response message.
ConnectionSettings ConnectionSettingsFor(const TransportSettings& transport,
                                         const H2EngineOptions& options);

}  // namespace streambench::engines::h2
