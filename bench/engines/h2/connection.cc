#include "bench/engines/h2/connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "bench/engines/h2/tcp_connect.h"

namespace streambench::engines::h2 {

// One call's state on the connection. Pooled (AcquireStream/ReleaseStream): every field is set
// anew when a call takes it.
struct Connection::Stream {
  // Buffers larger than this are not kept for the next call: a pooled stream holds at most this
  // much idle (a connection keeps as many streams as it ever had open at once), and a call with
  // bigger messages pays one allocation per buffer, small beside copying its messages.
  static constexpr size_t kKeptBufferBytes = 16 * 1024;

  uint32_t slot = 0;
  uint32_t generation = 0;  // changes at each release, so old handles find nothing
  bool in_use = false;
  Stream* prev = nullptr;  // the connection's list of open streams
  Stream* next = nullptr;

  int32_t id = -1;
  StreamHandler* handler = nullptr;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::string pending;        // framed messages not yet taken by nghttp2
  size_t pending_offset = 0;  // bytes of `pending` already taken
  // End offsets in `pending` of the messages whose last byte nghttp2 has not taken yet, from
  // message_ends[message_ends_head] on, oldest first: each one reached is reported to the
  // handler (OnMessageSent).
  std::vector<size_t> message_ends;
  size_t message_ends_head = 0;
  bool writes_done = false;
  bool deferred = false;  // nghttp2 was told there is no data for now
  int http_status = 0;
  bool grpc_content = true;  // the response's content-type is gRPC's (or not given)
  bool has_grpc_status = false;
  bool reset_by_server = false;  // a RST_STREAM arrived (its code is the close's)
  Metadata initial_metadata;     // collected until the response HEADERS frame is complete
  CallStatus status;
  // Set when this side ended the stream, so the reset is reported as what it was.
  std::optional<CallStatus> local_end;
  MessageDeframer deframer{0};

  // Ready for a new call.
  void Begin(StreamHandler* call_handler, std::chrono::steady_clock::time_point call_deadline,
             size_t max_message_bytes) {
    id = -1;
    handler = call_handler;
    deadline = call_deadline;
    if (pending.capacity() > kKeptBufferBytes) {
      std::string().swap(pending);
    } else {
      pending.clear();
    }
    pending_offset = 0;
    message_ends.clear();
    message_ends_head = 0;
    writes_done = false;
    deferred = false;
    http_status = 0;
    grpc_content = true;
    has_grpc_status = false;
    reset_by_server = false;
    initial_metadata.clear();
    status.code = kOk;
    status.message.clear();
    status.trailing_metadata.clear();
    local_end.reset();
    deframer.Reset(max_message_bytes, kKeptBufferBytes);
  }
  bool has_deadline() const { return deadline != std::chrono::steady_clock::time_point::max(); }
};

namespace {

// Takes the events of a stream whose call has already ended (reset while connecting).
class NoHandler final : public StreamHandler {
 public:
  void OnMessage(std::string_view) override {}
  void OnClose(const CallStatus&) override {}
};

StreamHandler& DetachedHandler() {
  static NoHandler handler;
  return handler;
}

nghttp2_nv Header(std::string_view name, std::string_view value) {
  return {reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
          NGHTTP2_NV_FLAG_NONE};
}

}  // namespace

std::unique_ptr<Connection> Connection::Connect(const std::string& target,
                                                const ConnectionSettings& settings,
                                                std::string* error) {
  return Open(target, settings, /*wait_for_connect=*/true, error);
}

std::unique_ptr<Connection> Connection::StartConnect(const std::string& target,
                                                     const ConnectionSettings& settings,
                                                     std::string* error) {
  return Open(target, settings, /*wait_for_connect=*/false, error);
}

std::unique_ptr<Connection> Connection::Open(const std::string& target,
                                             const ConnectionSettings& settings,
                                             bool wait_for_connect, std::string* error) {
  std::string host, port;
  if (!SplitTarget(target, &host, &port)) {
    *error = "target \"" + target + "\" is not host:port";
    return nullptr;
  }
  bool connecting = false;
  const int fd = ConnectTcp(target, wait_for_connect, settings.connect_timeout, &connecting, error);
  if (fd < 0) return nullptr;
  std::unique_ptr<Connection> connection(
      new Connection(fd, settings, target, settings.authority.empty() ? target : settings.authority,
                     connecting || settings.tls.enabled));
  if (!connection->alive()) {
    *error = target + ": could not set up the HTTP/2 session";
    return nullptr;
  }
  connection->tcp_connected_ = !connecting;
  if (settings.tls.enabled) {
    connection->socket_ = MakeTlsSocket(connection->fd_, settings.tls, host, error);
    if (connection->socket_ == nullptr) return nullptr;
  }
  if (wait_for_connect && !connection->AwaitConnect(settings.connect_timeout)) {
    *error =
        target + ": " + (connection->alive() ? "TLS handshake timed out" : connection->failure());
    return nullptr;
  }
  return connection;
}

Connection::Connection(int fd, const ConnectionSettings& settings, std::string target,
                       std::string authority, bool connecting)
    : fd_(fd),
      settings_(settings),
      target_(std::move(target)),
      authority_(std::move(authority)),
      connecting_(connecting),
      socket_(MakePlainSocket(fd)),
      connect_deadline_(connecting ? std::chrono::steady_clock::now() + settings.connect_timeout
                                   : std::chrono::steady_clock::time_point::max()),
      settings_deadline_(std::chrono::steady_clock::now() + settings.connect_timeout) {
  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, &Connection::OnHeader);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &Connection::OnDataChunk);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &Connection::OnFrameReceived);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &Connection::OnStreamClose);
  nghttp2_session_callbacks_set_on_frame_not_send_callback(callbacks, &Connection::OnFrameNotSent);
  nghttp2_option* options = nullptr;
  nghttp2_option_new(&options);
  // gRPC's own framing and status checks apply; nghttp2's HTTP semantics checks of every header
  // (name and value character sets, content-length) would only repeat them at a cost per call.
  nghttp2_option_set_no_http_messaging(options, 1);
  const int rc = nghttp2_session_client_new3(&session_, callbacks, this, options, memory_.mem());
  nghttp2_option_del(options);
  nghttp2_session_callbacks_del(callbacks);
  if (rc != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  const nghttp2_settings_entry entries[] = {
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, settings_.initial_stream_window_bytes},
      {NGHTTP2_SETTINGS_MAX_FRAME_SIZE, settings_.max_frame_size_bytes},
  };
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, entries,
                          sizeof(entries) / sizeof(entries[0]));
  nghttp2_session_set_local_window_size(
      session_, NGHTTP2_FLAG_NONE, 0,
      static_cast<int32_t>(settings_.initial_connection_window_bytes));
}

Connection::~Connection() {
  Fail("the connection was closed by the client");
  if (session_ != nullptr) nghttp2_session_del(session_);
}

Connection::Stream* Connection::Find(StreamHandle handle) {
  if (handle.slot >= stream_slots_.size()) return nullptr;
  Stream* stream = stream_slots_[handle.slot].get();
  return stream->in_use && stream->generation == handle.generation ? stream : nullptr;
}

Connection::Stream* Connection::FindOpen(int32_t stream_id) {
  // nghttp2 keeps each stream's Stream (StartCall submits it as the stream's user data) for as
  // long as the stream is open; one that ended here (the connection failed) is not in use.
  auto* stream = static_cast<Stream*>(nghttp2_session_get_stream_user_data(session_, stream_id));
  return stream != nullptr && stream->in_use && stream->id == stream_id ? stream : nullptr;
}

Connection::Stream* Connection::AcquireStream() {
  Stream* stream;
  if (free_slots_.empty()) {
    stream_slots_.push_back(std::make_unique<Stream>());
    stream = stream_slots_.back().get();
    stream->slot = static_cast<uint32_t>(stream_slots_.size() - 1);
  } else {
    stream = stream_slots_[free_slots_.back()].get();
    free_slots_.pop_back();
  }
  stream->in_use = true;
  stream->prev = nullptr;
  stream->next = open_head_;
  if (open_head_ != nullptr) open_head_->prev = stream;
  open_head_ = stream;
  ++open_streams_;
  return stream;
}

void Connection::ReleaseStream(Stream* stream) {
  if (stream->prev != nullptr) {
    stream->prev->next = stream->next;
  } else {
    open_head_ = stream->next;
  }
  if (stream->next != nullptr) stream->next->prev = stream->prev;
  stream->prev = stream->next = nullptr;
  --open_streams_;
  if (stream->has_deadline()) --streams_with_deadline_;
  stream->in_use = false;
  ++stream->generation;
  stream->handler = nullptr;
  free_slots_.push_back(stream->slot);
}

StreamHandle Connection::StartCall(std::string_view path, const Metadata& metadata,
                                   std::chrono::steady_clock::time_point deadline,
                                   StreamHandler* handler) {
  if (!alive()) {
    handler->OnClose({kUnavailable, "the connection is closed"});
    return {};
  }
  if (!accepting_streams()) {
    handler->OnClose({kUnavailable, "the server sent GOAWAY: no new streams on this connection"});
    return {};
  }
  static const std::string kMethod = ":method", kPost = "POST", kScheme = ":scheme", kHttp = "http",
                           kPath = ":path", kAuthority = ":authority",
                           kContentType = "content-type", kGrpc = "application/grpc", kTe = "te",
                           kTrailers = "trailers", kUserAgent = "user-agent",
                           kAgent = "streambench-h2", kTimeout = "grpc-timeout", kHttps = "https",
                           kAuthorization = "authorization";
  std::vector<nghttp2_nv>& headers = request_headers_;  // reused: no allocation per call
  headers = {Header(kMethod, kPost),      Header(kScheme, settings_.tls.enabled ? kHttps : kHttp),
             Header(kPath, path),         Header(kAuthority, authority_),
             Header(kContentType, kGrpc), Header(kTe, kTrailers),
             Header(kUserAgent, kAgent)};
  if (!settings_.authorization.empty()) {
    headers.push_back(Header(kAuthorization, settings_.authorization));
  }
  std::string timeout;
  if (deadline != std::chrono::steady_clock::time_point::max()) {
    timeout = GrpcTimeoutHeader(deadline - std::chrono::steady_clock::now());
    headers.push_back(Header(kTimeout, timeout));
  }
  std::vector<std::string> encoded;  // -bin values on the wire; nghttp2 copies what it submits
  if (!metadata.empty()) encoded.reserve(metadata.size());
  for (const auto& [key, value] : metadata) {
    if (IsBinaryHeader(key)) {
      encoded.push_back(Base64Encode(value));
      headers.push_back(Header(key, encoded.back()));
    } else {
      headers.push_back(Header(key, value));
    }
  }

  RequestFlush();
  Stream* stream = AcquireStream();
  stream->Begin(handler, deadline, settings_.max_receive_message_bytes);
  if (stream->has_deadline()) ++streams_with_deadline_;
  nghttp2_data_provider body{};
  body.source.ptr = stream;  // ReadBody finds its stream without a lookup
  body.read_callback = &Connection::ReadBody;
  const int32_t id =
      nghttp2_submit_request(session_, nullptr, headers.data(), headers.size(), &body, stream);
  if (id < 0) {
    ReleaseStream(stream);
    handler->OnClose({kUnavailable, std::string("cannot open a stream: ") + nghttp2_strerror(id)});
    return {};
  }
  stream->id = id;
  return StreamHandle{stream->slot, stream->generation};
}

void Connection::Write(StreamHandle handle, std::string_view message) {
  Stream* stream = Find(handle);
  if (stream == nullptr || stream->writes_done) return;
  if (stream->pending_offset == stream->pending.size()) {
    stream->pending.clear();
    stream->pending_offset = 0;
  }
  AppendFramedMessage(message, &stream->pending);
  stream->message_ends.push_back(stream->pending.size());
  RequestFlush();
  if (stream->deferred) {
    stream->deferred = false;
    nghttp2_session_resume_data(session_, stream->id);
  }
}

void Connection::WritesDone(StreamHandle handle) {
  Stream* stream = Find(handle);
  if (stream == nullptr || stream->writes_done) return;
  stream->writes_done = true;
  RequestFlush();
  if (stream->deferred) {
    stream->deferred = false;
    nghttp2_session_resume_data(session_, stream->id);
  }
}

void Connection::Cancel(StreamHandle handle) {
  Reset(handle, CallStatus{kCancelled, "cancelled by the client"});
}

void Connection::Reset(StreamHandle handle, CallStatus status) {
  if (Stream* stream = Find(handle)) ResetStream(stream, std::move(status));
}

void Connection::ResetStream(Stream* stream, CallStatus status) {
  if (!stream->local_end) stream->local_end = std::move(status);
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream->id, NGHTTP2_CANCEL);
  RequestFlush();
  if (connecting_ && stream->handler != &DetachedHandler()) {
    // Nothing of the stream can leave before the handshake, which may take connect_timeout: the
    // call ends now, and nghttp2's close of the stream later goes to no one.
    StreamHandler* handler = stream->handler;
    stream->handler = &DetachedHandler();
    handler->OnClose(*stream->local_end);
  }
}

void Connection::ExpireDeadlines(std::chrono::steady_clock::time_point now) {
  if (connecting_ && now >= connect_deadline_) {
    Fail("failed to connect to " + target_ + ": no answer within " +
         std::to_string(settings_.connect_timeout.count()) + " ms");
    return;
  }
  if (!server_settings_received_ && now >= settings_deadline_) {
    Fail(target_ + ": no HTTP/2 SETTINGS from the server within " +
         std::to_string(settings_.connect_timeout.count()) + " ms (is it an HTTP/2 server?)");
    return;
  }
  if (streams_with_deadline_ == 0) return;  // the common case, checked on every loop pass
  // ResetStream ends no stream here (nghttp2 closes it when the reset is sent), unless the
  // connection is still connecting; then a handler's OnClose runs, which touches no stream.
  for (Stream* stream = open_head_; stream != nullptr; stream = stream->next) {
    if (stream->deadline <= now && !stream->local_end) {
      ResetStream(stream, CallStatus{kDeadlineExceeded, "Deadline Exceeded"});
    }
  }
}

std::chrono::steady_clock::time_point Connection::next_deadline() const {
  auto next = connecting_ ? connect_deadline_ : std::chrono::steady_clock::time_point::max();
  if (!server_settings_received_) next = std::min(next, settings_deadline_);
  if (streams_with_deadline_ == 0) return next;
  for (const Stream* stream = open_head_; stream != nullptr; stream = stream->next) {
    next = std::min(next, stream->deadline);
  }
  return next;
}

ssize_t Connection::ReadBody(nghttp2_session*, int32_t, uint8_t* buf, size_t length,
                             uint32_t* data_flags, nghttp2_data_source* source, void*) {
  // nghttp2 asks only for open streams' data, and a Stream lives until its stream closes.
  auto* stream = static_cast<Stream*>(source->ptr);
  const size_t available = stream->pending.size() - stream->pending_offset;
  if (available == 0) {
    if (stream->writes_done) {
      *data_flags |= NGHTTP2_DATA_FLAG_EOF;
      return 0;
    }
    stream->deferred = true;
    return NGHTTP2_ERR_DEFERRED;
  }
  const size_t n = std::min(available, length);
  std::memcpy(buf, stream->pending.data() + stream->pending_offset, n);
  stream->pending_offset += n;
  if (stream->pending_offset == stream->pending.size() && stream->writes_done) {
    *data_flags |= NGHTTP2_DATA_FLAG_EOF;
  }
  // A message is sent once its last byte is in a DATA frame: the time from Write to here is the
  // time flow control held it.
  while (stream->message_ends_head < stream->message_ends.size() &&
         stream->message_ends[stream->message_ends_head] <= stream->pending_offset) {
    ++stream->message_ends_head;
    stream->handler->OnMessageSent();
  }
  if (stream->message_ends_head == stream->message_ends.size()) {
    stream->message_ends.clear();
    stream->message_ends_head = 0;
  }
  return static_cast<ssize_t>(n);
}

int Connection::OnHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                         size_t namelen, const uint8_t* value, size_t valuelen, uint8_t,
                         void* user_data) {
  auto* self = static_cast<Connection*>(user_data);
  if (frame->hd.type != NGHTTP2_HEADERS) return 0;
  Stream* stream = self->FindOpen(frame->hd.stream_id);
  if (stream == nullptr) return 0;
  const std::string_view key(reinterpret_cast<const char*>(name), namelen);
  const std::string_view text(reinterpret_cast<const char*>(value), valuelen);
  if (key == ":status") {
    std::from_chars(text.data(), text.data() + text.size(), stream->http_status);
  } else if (key == "content-type") {
    stream->grpc_content = text.rfind("application/grpc", 0) == 0;
  } else if (key == "grpc-status") {
    stream->has_grpc_status = true;
    if (std::from_chars(text.data(), text.data() + text.size(), stream->status.code).ec !=
        std::errc()) {
      stream->status.code = kUnknown;  // as gRPC reads a grpc-status it cannot parse
    }
  } else if (key == "grpc-message") {
    stream->status.message = PercentDecode(text);
  } else if (!IsReservedResponseHeader(key)) {
    // The first HEADERS of a response carries initial metadata, unless it also ends the stream
    // (trailers-only); any later HEADERS are the trailers.
    const bool initial = frame->headers.cat == NGHTTP2_HCAT_RESPONSE &&
                         (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) == 0;
    Metadata& into = initial ? stream->initial_metadata : stream->status.trailing_metadata;
    std::string decoded;
    if (IsBinaryHeader(key) && Base64Decode(text, &decoded)) {
      into.emplace_back(key, std::move(decoded));
    } else {
      into.emplace_back(key, text);
    }
  }
  return 0;
}

int Connection::OnFrameReceived(nghttp2_session* session, const nghttp2_frame* frame,
                                void* user_data) {
  auto* self = static_cast<Connection*>(user_data);
  if ((frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
      (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0 &&
      nghttp2_session_get_stream_local_close(session, frame->hd.stream_id) == 0) {
    // The server ended the call before this side half-closed (a status mid-stream): the call is
    // over, as for gRPC's clients; RST_STREAM(NO_ERROR) closes the stream so its end is reported
    // now, with the server's status, and queued writes are dropped.
    nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, frame->hd.stream_id, NGHTTP2_NO_ERROR);
  }
  switch (frame->hd.type) {
    case NGHTTP2_HEADERS: {
      if (frame->headers.cat != NGHTTP2_HCAT_RESPONSE ||
          (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
        return 0;
      }
      Stream* stream = self->FindOpen(frame->hd.stream_id);
      if (stream == nullptr || stream->local_end) return 0;
      stream->handler->OnInitialMetadata(stream->initial_metadata);
      stream->initial_metadata.clear();
      return 0;
    }
    case NGHTTP2_RST_STREAM: {
      // Told apart from nghttp2's own closes (GOAWAY, errors), which report a code too.
      if (Stream* stream = self->FindOpen(frame->hd.stream_id)) stream->reset_by_server = true;
      return 0;
    }
    case NGHTTP2_GOAWAY:
      self->goaway_received_ = true;
      return 0;
    case NGHTTP2_SETTINGS:
      if ((frame->hd.flags & NGHTTP2_FLAG_ACK) == 0) self->server_settings_received_ = true;
      return 0;
    default:
      return 0;
  }
}

int Connection::OnFrameNotSent(nghttp2_session*, const nghttp2_frame* frame, int lib_error_code,
                               void* user_data) {
  // A request nghttp2 would not send (the server sent GOAWAY after StartCall queued it) never
  // opens a stream, so no close follows: end the call here.
  if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
  auto* self = static_cast<Connection*>(user_data);
  // Never opened, so nghttp2 has no user data for it: found in the list (a rare path).
  Stream* stream = self->open_head_;
  while (stream != nullptr && stream->id != frame->hd.stream_id) stream = stream->next;
  if (stream == nullptr) return 0;
  StreamHandler* handler = stream->handler;
  const CallStatus status =
      stream->local_end ? *stream->local_end
                        : CallStatus{kUnavailable, std::string("the request was not sent: ") +
                                                       nghttp2_strerror(lib_error_code)};
  self->ReleaseStream(stream);
  handler->OnClose(status);
  return 0;
}

int Connection::OnDataChunk(nghttp2_session* session, uint8_t, int32_t stream_id,
                            const uint8_t* data, size_t len, void* user_data) {
  auto* self = static_cast<Connection*>(user_data);
  Stream* stream = self->FindOpen(stream_id);
  if (stream == nullptr || stream->local_end) return 0;
  // A body that is not gRPC's (an HTML page) is no message: the call ends on its missing
  // grpc-status (UNKNOWN), as gRPC C++ reports it, not on a framing error.
  if (!stream->grpc_content) return 0;
  std::string error;
  const bool ok = stream->deframer.Feed(
      std::string_view(reinterpret_cast<const char*>(data), len),
      [stream](std::string_view message) { stream->handler->OnMessage(message); }, &error);
  if (!ok) {
    const bool too_large = error.find("over the limit") != std::string::npos;
    stream->local_end = CallStatus{too_large ? kResourceExhausted : kInternal, error};
    nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_CANCEL);
  }
  return 0;
}

int Connection::OnStreamClose(nghttp2_session*, int32_t stream_id, uint32_t error_code,
                              void* user_data) {
  auto* self = static_cast<Connection*>(user_data);
  Stream* stream = self->FindOpen(stream_id);
  if (stream == nullptr) return 0;
  CallStatus status;
  if (stream->local_end) {
    status = *stream->local_end;
  } else if (stream->has_grpc_status) {
    status = std::move(stream->status);
  } else if (std::chrono::steady_clock::now() >= stream->deadline) {
    // Past its deadline, however the server ended it (a reset, a close without status), it is
    // DEADLINE_EXCEEDED, as gRPC's clients report it.
    status = {kDeadlineExceeded, "Deadline Exceeded"};
  } else if (stream->reset_by_server) {
    status = {StatusFromRstStream(error_code),
              std::string("stream reset by the server: ") + nghttp2_http2_strerror(error_code)};
  } else if (error_code == NGHTTP2_REFUSED_STREAM && self->goaway_received_) {
    // Above the GOAWAY's last stream id: the server never processed it (as gRPC reports it).
    status = {kUnavailable, "the server sent GOAWAY before it processed the stream"};
  } else if (error_code != NGHTTP2_NO_ERROR) {
    status = {StatusFromRstStream(error_code),
              std::string("stream closed: ") + nghttp2_http2_strerror(error_code)};
  } else if (stream->http_status != 200) {
    status = {StatusFromHttpStatus(stream->http_status),
              "HTTP status " + std::to_string(stream->http_status) + " without grpc-status"};
  } else {
    // gRPC C++ reports a call whose trailers (or HTTP 200 answer, HTML included) carry no
    // grpc-status as UNKNOWN ("No status received").
    status = {kUnknown, "the stream ended without grpc-status"};
  }
  if (status.code == kOk && !stream->deframer.idle()) {
    status = {kInternal, "the stream ended inside a message"};
  }
  StreamHandler* handler = stream->handler;
  self->ReleaseStream(stream);
  handler->OnClose(status);
  return 0;
}

bool Connection::OnReadable() {
  if (!alive()) return false;
  // What arrives may call for an answer (SETTINGS and PING acks, WINDOW_UPDATEs, resets), or
  // open flow-control windows for data that waited.
  RequestFlush();
  // The TLS handshake's replies: AwaitConnect takes them.
  if (connecting_) return AwaitConnect(std::chrono::milliseconds(0)) || alive();
  for (;;) {
    // nghttp2 takes what it needs from the bytes before mem_recv returns, so one read buffer per
    // thread serves all its connections (a connection then costs no idle 64 KiB of its own). On
    // the heap: a thread_local array would be in every thread's static TLS, carved from each
    // thread's stack, including threads with small stacks (civetweb's).
    constexpr size_t kReadBufferBytes = 64 * 1024;
    thread_local const std::unique_ptr<char[]> in_buffer(new char[kReadBufferBytes]);
    char* const in = in_buffer.get();
    const ssize_t n = socket_->Recv(in, kReadBufferBytes);
    if (n > 0) {
      const ssize_t used =
          nghttp2_session_mem_recv(session_, reinterpret_cast<const uint8_t*>(in), n);
      if (used < 0) {
        Fail(std::string("HTTP/2 error from the server: ") +
             nghttp2_strerror(static_cast<int>(used)));
        return false;
      }
      if (static_cast<size_t>(n) < kReadBufferBytes) return true;
      continue;
    }
    if (n == 0) {
      Fail("the server closed the connection");
      return false;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
    if (errno == EINTR) continue;
    Fail(SocketError(errno));
    return false;
  }
}

std::string Connection::refusal() const {
  return goaway_received_ ? "the server sent GOAWAY"
                          : "the server's bytes are not HTTP/2 (is it an HTTP/2 server?)";
}

bool Connection::accepting_streams() const {
  return alive() && nghttp2_session_check_request_allowed(session_) != 0;
}

bool Connection::wants_write() const {
  if (!alive()) return false;
  // A TLS handshake under way waits for the server, unless its own bytes are still queued.
  if (connecting_ && tcp_connected_) return socket_->has_pending_output();
  return out_offset_ < out_.size() || nghttp2_session_want_write(session_) != 0 ||
         socket_->has_pending_output();
}

bool Connection::Flush() {
  // Frames queued from here on (a handler writing from OnMessageSent) ask for the next flush;
  // most are taken by this one already, and a flush with nothing to send is cheap.
  flush_requested_ = false;
  if (!alive()) return false;
  // Nothing is framed before the handshake is done, so no message counts as sent (OnMessageSent)
  // on a connection that never comes up.
  if (connecting_ && !AwaitConnect(std::chrono::milliseconds(0))) return alive();
  // Collect every frame nghttp2 has for every stream (bounded, so a huge backlog is written in
  // pieces rather than copied whole), then write them together.
  constexpr size_t kMaxBufferedBytes = 1 << 20;
  for (;;) {
    while (out_.size() - out_offset_ < kMaxBufferedBytes) {
      const uint8_t* data = nullptr;
      const ssize_t n = nghttp2_session_mem_send(session_, &data);
      if (n < 0) {
        Fail(std::string("HTTP/2 error: ") + nghttp2_strerror(static_cast<int>(n)));
        return false;
      }
      if (n == 0) break;
      out_.append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
    }
    if (out_offset_ == out_.size()) {
      if (socket_->FlushPending()) return true;
      Fail(SocketError(errno));
      return false;
    }
    const ssize_t written = socket_->Send(out_.data() + out_offset_, out_.size() - out_offset_);
    if (written < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return true;  // the loop waits for POLLOUT
      if (errno == EINTR) continue;
      Fail(SocketError(errno));
      return false;
    }
    out_offset_ += static_cast<size_t>(written);
    if (out_offset_ == out_.size()) {
      out_.clear();
      out_offset_ = 0;
      if (nghttp2_session_want_write(session_) == 0) return true;
    }
  }
}

bool Connection::AwaitConnect(std::chrono::milliseconds timeout) {
  if (!alive()) return false;
  if (!connecting_) return true;
  const auto until = std::chrono::steady_clock::now() + timeout;
  if (!tcp_connected_) {
    pollfd p{fd_, POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return false;
    int so_error = 0;
    socklen_t len = sizeof(so_error);
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &so_error, &len);
    if (so_error != 0) {
      Fail(SocketError(so_error));
      return false;
    }
    tcp_connected_ = true;
  }
  // Then the transport's own handshake (TLS; none for plain TCP), polled for the server's part.
  for (;;) {
    std::string why;
    const int step = socket_->Handshake(&why);
    if (step < 0) {
      Fail(target_ + ": " + why);
      return false;
    }
    if (step > 0) break;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) != 1) return false;
  }
  connecting_ = false;
  return true;
}

std::string Connection::SocketError(int error) const {
  return (connecting_ ? "failed to connect to " + target_ + ": "
                      : std::string("connection error: ")) +
         std::strerror(error);
}

void Connection::Fail(const std::string& why) {
  if (failure_.empty()) failure_ = why;
  connecting_ = false;
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  // Every open stream ends with UNAVAILABLE, as gRPC reports a lost connection. A handler's
  // OnClose may start no stream here (the connection is dead), so the list only shrinks.
  while (open_head_ != nullptr) {
    Stream* stream = open_head_;
    StreamHandler* handler = stream->handler;
    const CallStatus status =
        stream->local_end ? *stream->local_end : CallStatus{kUnavailable, why};
    ReleaseStream(stream);
    handler->OnClose(status);
  }
}

}  // namespace streambench::engines::h2
