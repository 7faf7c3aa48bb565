#include "bench/link/link_emulator.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "bench/link/link_direction.h"
#include "common/clock.h"

namespace streambench::link {
namespace {

// Bytes read from a socket per recv: one chunk of the emulated link. Larger reads would make
// each chunk's serialization coarser; smaller ones cost more system calls.
constexpr size_t kReadChunkBytes = 16 * 1024;
constexpr int kMaxEventsPerWait = 64;

std::string ErrnoText(const std::string& what) { return what + ": " + std::strerror(errno); }

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// close() on this socket then sends RST instead of FIN: how an abortive close is passed on.
void SetAbortiveClose(int fd) {
  linger option{};
  option.l_onoff = 1;
  option.l_linger = 0;
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, sizeof(option));
}

// Small kernel buffers so the emulated queue, not the kernel, decides how much is in flight.
void SetSocketBuffers(int fd, uint32_t bytes) {
  if (bytes == 0) return;
  const int value = static_cast<int>(bytes);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, sizeof(value));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &value, sizeof(value));
}

// The relay delivers each chunk the moment it is due; Nagle would hold small ones back.
void SetNoDelay(int fd) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

// A per-connection, per-direction seed from the spec's seed (splitmix64 finalizer), so
// directions do not share jitter sequences and a run is reproducible.
uint64_t MixSeed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ull * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void RaiseTo(std::atomic<uint64_t>& counter, uint64_t value) {
  // Only the event-loop thread writes, so load-then-store cannot lose a larger value.
  if (value > counter.load(std::memory_order_relaxed)) {
    counter.store(value, std::memory_order_relaxed);
  }
}

}  // namespace

// The event loop: owns the listener, every relayed connection and their LinkDirections. All of
// its state is touched only by the loop thread, except RequestStop (an eventfd write).
class LinkEmulator::Loop {
 public:
  Loop(const LinkSpec& spec, const sockaddr_storage& upstream, socklen_t upstream_len,
       Counters* counters)
      : spec_(spec),
        upstream_(upstream),
        upstream_len_(upstream_len),
        counters_(counters),
        cut_done_(spec.faults.size(), false),
        bandwidth_now_(spec.bandwidth_bits_per_s) {}

  ~Loop() {
    for (auto& connection : connections_) {
      if (!connection->dead) Abort(*connection);
    }
    CloseFd(listen_fd_);
    CloseFd(wake_fd_);
    CloseFd(timer_fd_);
    CloseFd(epoll_fd_);
  }

  // Creates the listener (127.0.0.1:0), epoll, the wake eventfd and the delivery timerfd.
  bool Init(int* port, std::string* error) {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    timer_fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (epoll_fd_ < 0 || wake_fd_ < 0 || timer_fd_ < 0 || listen_fd_ < 0) {
      *error = ErrnoText("link emulator: cannot create its sockets");
      return false;
    }
    // Accepted sockets inherit these; setting them before listen() also sizes the TCP window
    // scale negotiated in the handshake.
    SetSocketBuffers(listen_fd_, spec_.socket_buffer_bytes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(listen_fd_, SOMAXCONN) != 0) {
      *error = ErrnoText("link emulator: cannot listen on 127.0.0.1:0");
      return false;
    }
    socklen_t length = sizeof(address);
    if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      *error = ErrnoText("link emulator: getsockname");
      return false;
    }
    *port = ntohs(address.sin_port);
    start_ns_ = SteadyClock::Get().NowNs();  // the faults' schedule counts from here
    if (!Watch(listen_fd_, EPOLLIN, &listen_tag_) || !Watch(wake_fd_, EPOLLIN, &wake_tag_) ||
        !Watch(timer_fd_, EPOLLIN, &timer_tag_)) {
      *error = ErrnoText("link emulator: epoll_ctl");
      return false;
    }
    return true;
  }

  void RequestStop() {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t written = ::write(wake_fd_, &one, sizeof(one));
  }

  void Run() {
    epoll_event events[kMaxEventsPerWait];
    while (!stopping_) {
      const int count = ::epoll_wait(epoll_fd_, events, kMaxEventsPerWait, -1);
      if (count < 0) {
        if (errno == EINTR) continue;
        break;  // cannot happen with valid descriptors; ends the loop rather than spinning
      }
      for (int i = 0; i < count; ++i) {
        Tag* tag = static_cast<Tag*>(events[i].data.ptr);
        if (tag == &listen_tag_) {
          AcceptAll();
        } else if (tag == &wake_tag_) {
          stopping_ = true;
        } else if (tag == &timer_tag_) {
          uint64_t expirations = 0;
          [[maybe_unused]] ssize_t got = ::read(timer_fd_, &expirations, sizeof(expirations));
        } else if (!tag->connection->dead) {
          OnSocketEvent(*tag->connection, tag->upstream, events[i].events);
        }
      }
      if (stopping_) break;
      ApplyFaults(SteadyClock::Get().NowNs());
      DeliverDue();
      connections_.erase(
          std::remove_if(connections_.begin(), connections_.end(),
                         [](const std::unique_ptr<Connection>& c) { return c->dead; }),
          connections_.end());
      ArmTimer();
    }
  }

 private:
  struct Connection;
  // What an epoll event refers to: the listener, the wake or timer fd, or one side of a
  // connection.
  struct Tag {
    Connection* connection = nullptr;
    bool upstream = false;
  };
  // One socket of a relayed connection.
  struct Side {
    int fd = -1;
    bool read_eof = false;    // the peer sent FIN and we read it
    bool write_shut = false;  // we passed the other side's FIN on (shutdown SHUT_WR)
    bool want_write = false;  // the last send hit EAGAIN: wait for EPOLLOUT
    bool hup_seen = false;    // epoll reported EPOLLHUP (reported even when not asked for)
    bool registered = false;
    uint32_t events = 0;  // the interest currently registered
    Tag tag;
  };
  struct Connection {
    Connection(const LinkDirection::Params& up_params, const LinkDirection::Params& down_params,
               const Clock& clock)
        : up(up_params, clock), down(down_params, clock) {}
    Side client;
    Side upstream;
    bool upstream_connecting = true;
    bool dead = false;
    LinkDirection up;    // client -> upstream
    LinkDirection down;  // upstream -> client
  };

  // The scheduled faults as of `now_ns`: each cut once (every open connection reset), stalls and
  // bandwidth collapses while their windows last.
  void ApplyFaults(int64_t now_ns) {
    if (spec_.faults.empty()) return;
    bool stalled = false;
    uint64_t bandwidth = spec_.bandwidth_bits_per_s;
    for (size_t i = 0; i < spec_.faults.size(); ++i) {
      const LinkFault& f = spec_.faults[i];
      const int64_t at_ns = start_ns_ + f.at_us * 1000;
      if (now_ns < at_ns) continue;
      if (f.cut && !cut_done_[i]) {
        cut_done_[i] = true;
        for (auto& connection : connections_) {
          if (!connection->dead) Abort(*connection);
        }
      }
      if (f.stall_us > 0 && now_ns < at_ns + f.stall_us * 1000) stalled = true;
      if (f.bandwidth_bits_per_s > 0 && (f.for_us == 0 || now_ns < at_ns + f.for_us * 1000)) {
        bandwidth = f.bandwidth_bits_per_s;
      }
    }
    stalled_ = stalled;
    if (bandwidth == bandwidth_now_) return;
    bandwidth_now_ = bandwidth;
    for (auto& connection : connections_) {
      connection->up.SetBandwidth(bandwidth);
      connection->down.SetBandwidth(bandwidth);
    }
  }

  // The next moment after `now_ns` a fault begins or ends; -1 when none is left.
  int64_t NextFaultEdgeNs(int64_t now_ns) const {
    int64_t next_ns = -1;
    auto consider = [&](int64_t t) {
      if (t > now_ns && (next_ns < 0 || t < next_ns)) next_ns = t;
    };
    for (const LinkFault& f : spec_.faults) {
      const int64_t at_ns = start_ns_ + f.at_us * 1000;
      consider(at_ns);
      if (f.stall_us > 0) consider(at_ns + f.stall_us * 1000);
      if (f.bandwidth_bits_per_s > 0 && f.for_us > 0) consider(at_ns + f.for_us * 1000);
    }
    return next_ns;
  }

  bool Watch(int fd, uint32_t events, Tag* tag) {
    epoll_event event{};
    event.events = events;
    event.data.ptr = tag;
    return ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) == 0;
  }

  LinkDirection::Params DirectionParams(uint64_t stream) const {
    LinkDirection::Params params;
    params.one_way_delay_ns = spec_.OneWayDelayNs();
    params.bandwidth_bits_per_s = bandwidth_now_;
    params.jitter_ns = spec_.jitter_us * 1000;
    params.buffer_bytes = spec_.EffectiveBufferBytes();
    params.seed = MixSeed(spec_.seed, stream);
    return params;
  }

  void AcceptAll() {
    for (;;) {
      const int client_fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (client_fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;  // EAGAIN, or out of descriptors: the pending connection waits in the backlog
      }
      SetNoDelay(client_fd);
      const uint64_t id = next_connection_id_++;
      auto connection = std::make_unique<Connection>(
          DirectionParams(2 * id), DirectionParams(2 * id + 1), SteadyClock::Get());
      connection->client.fd = client_fd;
      connection->client.tag = Tag{connection.get(), false};
      connection->upstream.tag = Tag{connection.get(), true};
      counters_->connections.fetch_add(1, std::memory_order_relaxed);
      counters_->open_connections.fetch_add(1, std::memory_order_relaxed);

      int upstream_fd =
          ::socket(upstream_.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (upstream_fd >= 0) {
        SetSocketBuffers(upstream_fd, spec_.socket_buffer_bytes);
        SetNoDelay(upstream_fd);
        if (::connect(upstream_fd, reinterpret_cast<const sockaddr*>(&upstream_), upstream_len_) !=
                0 &&
            errno != EINPROGRESS) {
          CloseFd(upstream_fd);
        }
      }
      connection->upstream.fd = upstream_fd;
      Connection& c = *connection;
      connections_.push_back(std::move(connection));
      if (upstream_fd < 0) {
        counters_->upstream_connect_failures.fetch_add(1, std::memory_order_relaxed);
        Abort(c);
        continue;
      }
      UpdateInterest(c);
    }
  }

  void OnSocketEvent(Connection& c, bool upstream, uint32_t events) {
    Side& side = upstream ? c.upstream : c.client;
    if (events & EPOLLHUP) side.hup_seen = true;
    if (upstream && c.upstream_connecting) {
      int error = 0;
      socklen_t length = sizeof(error);
      ::getsockopt(side.fd, SOL_SOCKET, SO_ERROR, &error, &length);
      if (error != 0 || (events & (EPOLLERR | EPOLLHUP)) || !(events & EPOLLOUT)) {
        counters_->upstream_connect_failures.fetch_add(1, std::memory_order_relaxed);
        Abort(c);
        return;
      }
      c.upstream_connecting = false;
    } else if (events & EPOLLERR) {
      // A reset: pass it on. (A pending error is reported even when reads are paused, so it is
      // handled here rather than left to recv.)
      int error = 0;
      socklen_t length = sizeof(error);
      ::getsockopt(side.fd, SOL_SOCKET, SO_ERROR, &error, &length);
      if (error != 0) {
        Abort(c);
        return;
      }
    }
    Pump(c);
  }

  // Moves bytes both ways as far as the links and sockets allow, passes FINs on, and closes the
  // connection once both directions have ended.
  void Pump(Connection& c) {
    if (!Transfer(c, c.client, c.upstream, c.up, counters_->bytes_up,
                  counters_->max_queued_bytes_up) ||
        !Transfer(c, c.upstream, c.client, c.down, counters_->bytes_down,
                  counters_->max_queued_bytes_down)) {
      return;  // aborted
    }
    const bool up_done = c.client.read_eof && c.up.empty() && c.upstream.write_shut;
    const bool down_done = c.upstream.read_eof && c.down.empty() && c.client.write_shut;
    if (up_done && down_done) {
      Close(c, /*abortive=*/false);
      return;
    }
    UpdateInterest(c);
  }

  // One direction: read from `src` into `link` while it has room, write due bytes to `dst`, and
  // shut `dst` for writing once `src` has ended and everything was delivered. False when the
  // connection was aborted.
  bool Transfer(Connection& c, Side& src, Side& dst, LinkDirection& link,
                std::atomic<uint64_t>& delivered, std::atomic<uint64_t>& max_queued) {
    while (!src.read_eof && link.WritableBytes() > 0) {
      const size_t want =
          static_cast<size_t>(std::min<uint64_t>(kReadChunkBytes, link.WritableBytes()));
      const ssize_t got = ::recv(src.fd, read_buffer_, want, 0);
      if (got > 0) {
        link.Push(read_buffer_, static_cast<size_t>(got));
      } else if (got == 0) {
        src.read_eof = true;
      } else if (errno == EINTR) {
        continue;
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        break;
      } else {
        Abort(c);
        return false;
      }
    }
    RaiseTo(max_queued, link.max_held_bytes());

    const bool dst_ready = !(&dst == &c.upstream && c.upstream_connecting);
    if (!dst_ready || dst.write_shut || stalled_) return true;
    dst.want_write = false;
    for (;;) {
      const LinkDirection::Span due = link.Due();
      if (due.size_bytes == 0) break;
      const ssize_t sent = ::send(dst.fd, due.data, due.size_bytes, MSG_NOSIGNAL);
      if (sent > 0) {
        link.Consume(static_cast<size_t>(sent));
        delivered.fetch_add(static_cast<uint64_t>(sent), std::memory_order_relaxed);
      } else if (sent < 0 && errno == EINTR) {
        continue;
      } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        dst.want_write = true;
        break;
      } else {
        Abort(c);  // the receiver reset or closed: pass the reset on to the sender
        return false;
      }
    }
    if (src.read_eof && link.empty()) {
      ::shutdown(dst.fd, SHUT_WR);
      dst.write_shut = true;
    }
    return true;
  }

  // Registers each socket for what it can use now: EPOLLIN while its outgoing link has room,
  // EPOLLOUT while a delivery to it is blocked or its connect is in progress.
  void UpdateInterest(Connection& c) {
    SetInterest(c.client, !c.client.read_eof && c.up.WritableBytes() > 0, c.client.want_write);
    SetInterest(c.upstream, !c.upstream.read_eof && c.down.WritableBytes() > 0,
                c.upstream.want_write || c.upstream_connecting);
  }

  void SetInterest(Side& side, bool want_read, bool want_write) {
    const uint32_t events = (want_read ? EPOLLIN : 0u) | (want_write ? EPOLLOUT : 0u);
    // EPOLLHUP is reported whatever the interest; a hung-up socket with nothing to do would
    // wake the loop forever, so it leaves epoll until it has something to do again.
    const bool idle = events == 0 && (side.hup_seen || (side.read_eof && side.write_shut));
    if (idle) {
      if (side.registered) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, side.fd, nullptr);
      side.registered = false;
      return;
    }
    if (side.registered && side.events == events) return;
    epoll_event event{};
    event.events = events;
    event.data.ptr = &side.tag;
    ::epoll_ctl(epoll_fd_, side.registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, side.fd, &event);
    side.registered = true;
    side.events = events;
  }

  // A delivery can happen on `link` now or later: it holds bytes and its receiver can take them.
  bool CanDeliver(const Connection& c, const LinkDirection& link, const Side& dst) const {
    if (stalled_ || link.empty() || dst.want_write || dst.write_shut) return false;
    return !(&dst == &c.upstream && c.upstream_connecting);
  }

  void DeliverDue() {
    const int64_t now_ns = SteadyClock::Get().NowNs();
    for (auto& connection : connections_) {
      Connection& c = *connection;
      if (c.dead) continue;
      const bool up_due = CanDeliver(c, c.up, c.upstream) && c.up.NextDeliveryNs() <= now_ns;
      const bool down_due = CanDeliver(c, c.down, c.client) && c.down.NextDeliveryNs() <= now_ns;
      if (up_due || down_due) Pump(c);
    }
  }

  // Arms the timer for the earliest pending delivery (absolute CLOCK_MONOTONIC, the clock
  // SteadyClock reads), or disarms it.
  void ArmTimer() {
    int64_t next_ns = NextFaultEdgeNs(SteadyClock::Get().NowNs());
    for (const auto& connection : connections_) {
      const Connection& c = *connection;
      if (CanDeliver(c, c.up, c.upstream)) {
        const int64_t t = c.up.NextDeliveryNs();
        if (next_ns < 0 || t < next_ns) next_ns = t;
      }
      if (CanDeliver(c, c.down, c.client)) {
        const int64_t t = c.down.NextDeliveryNs();
        if (next_ns < 0 || t < next_ns) next_ns = t;
      }
    }
    itimerspec spec{};
    if (next_ns >= 0) {
      next_ns = std::max<int64_t>(next_ns, 1);  // 0 would disarm; the past fires at once
      spec.it_value.tv_sec = next_ns / 1'000'000'000;
      spec.it_value.tv_nsec = next_ns % 1'000'000'000;
    }
    ::timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
  }

  void Abort(Connection& c) { Close(c, /*abortive=*/true); }

  void Close(Connection& c, bool abortive) {
    for (Side* side : {&c.client, &c.upstream}) {
      if (side->fd < 0) continue;
      if (abortive) SetAbortiveClose(side->fd);
      if (side->registered) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, side->fd, nullptr);
      side->registered = false;
      CloseFd(side->fd);
    }
    c.dead = true;
    counters_->open_connections.fetch_sub(1, std::memory_order_relaxed);
  }

  const LinkSpec spec_;
  const sockaddr_storage upstream_;
  const socklen_t upstream_len_;
  Counters* const counters_;

  int epoll_fd_ = -1;
  int listen_fd_ = -1;
  int wake_fd_ = -1;
  int timer_fd_ = -1;
  Tag listen_tag_;
  Tag wake_tag_;
  Tag timer_tag_;
  bool stopping_ = false;
  int64_t start_ns_ = 0;        // SteadyClock when the listener opened
  std::vector<bool> cut_done_;  // per fault: its cut was made
  bool stalled_ = false;        // inside a stall's window: nothing is delivered
  uint64_t bandwidth_now_;      // the spec's, or a collapse's while it lasts
  uint64_t next_connection_id_ = 0;
  std::vector<std::unique_ptr<Connection>> connections_;
  char read_buffer_[kReadChunkBytes];
};

LinkEmulator::LinkEmulator(const LinkSpec& spec) : spec_(spec) {}

LinkEmulator::~LinkEmulator() { Stop(); }

std::unique_ptr<LinkEmulator> LinkEmulator::Start(const LinkSpec& spec,
                                                  const std::string& upstream_host,
                                                  int upstream_port, std::string* error) {
  std::string ignored;
  if (error == nullptr) error = &ignored;
  if (std::string problem = spec.Validate(); !problem.empty()) {
    *error = problem;
    return nullptr;
  }
  if (upstream_port <= 0 || upstream_port > 65535) {
    *error =
        "link emulator: upstream port must be in 1..65535, got " + std::to_string(upstream_port);
    return nullptr;
  }
  // An IPv6 literal may come bracketed ("[::1]"), as in "host:port" strings.
  std::string host = upstream_host;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* resolved = nullptr;
  const int rc =
      ::getaddrinfo(host.c_str(), std::to_string(upstream_port).c_str(), &hints, &resolved);
  if (rc != 0 || resolved == nullptr) {
    *error = "link emulator: cannot resolve upstream " + upstream_host + ": " + ::gai_strerror(rc);
    return nullptr;
  }
  sockaddr_storage upstream{};
  const socklen_t upstream_len = resolved->ai_addrlen;
  std::memcpy(&upstream, resolved->ai_addr, resolved->ai_addrlen);
  ::freeaddrinfo(resolved);

  std::unique_ptr<LinkEmulator> emulator(new LinkEmulator(spec));
  emulator->loop_ = std::make_unique<Loop>(spec, upstream, upstream_len, &emulator->counters_);
  if (!emulator->loop_->Init(&emulator->port_, error)) {
    emulator->loop_.reset();
    emulator->stopped_ = true;
    return nullptr;
  }
  Loop* loop = emulator->loop_.get();
  emulator->thread_ = std::thread([loop] { loop->Run(); });
  return emulator;
}

std::string LinkEmulator::address() const { return "127.0.0.1:" + std::to_string(port_); }

LinkEmulator::Stats LinkEmulator::stats() const {
  Stats stats;
  stats.connections = counters_.connections.load(std::memory_order_relaxed);
  stats.upstream_connect_failures =
      counters_.upstream_connect_failures.load(std::memory_order_relaxed);
  stats.bytes_up = counters_.bytes_up.load(std::memory_order_relaxed);
  stats.bytes_down = counters_.bytes_down.load(std::memory_order_relaxed);
  stats.max_queued_bytes_up = counters_.max_queued_bytes_up.load(std::memory_order_relaxed);
  stats.max_queued_bytes_down = counters_.max_queued_bytes_down.load(std::memory_order_relaxed);
  stats.open_connections = counters_.open_connections.load(std::memory_order_relaxed);
  return stats;
}

void LinkEmulator::Stop() {
  std::lock_guard<std::mutex> lock(stop_mu_);
  if (stopped_) return;
  stopped_ = true;
  if (loop_ != nullptr) loop_->RequestStop();
  if (thread_.joinable()) thread_.join();
  loop_.reset();  // aborts the remaining connections and closes the listener
}

}  // namespace streambench::link
