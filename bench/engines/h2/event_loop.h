// EventLoop: one thread's loop over its HTTP/2 connections: wait for sockets (epoll), dispatch
// what arrived, then flush each connection that has something to send once, so the frames all
// streams queued during one pass leave together; streams past their deadline are ended on the
// way, and the wait never outlasts the earliest deadline.
// Only connections that asked for it are flushed (Connection::RequestFlush: a call written,
// bytes read, a socket event), so a pass costs what happened in it, not the number of
// connections: a trickle of messages over thousands of mostly idle connections stays cheap.
// Other threads hand it work with Post(): a mutex-guarded vector of closures plus an eventfd in
// the epoll set, written only when the vector goes from empty to non-empty, drained once per pass
// before the flush. Defer() keeps a closure for the start of the next pass, so whatever the loop
// thread is inside (a Connection method, an nghttp2 callback) has returned before it runs.
// Thread-safety: Post() and InLoopThread() from any thread; everything else only on the thread
// that runs the loop (the one calling RunOnce/RunUntil).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/engines/h2/connection.h"

namespace streambench::engines::h2 {

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Watches `connection` (owned by the caller; Remove it before destroying it).
  void Add(Connection* connection);
  void Remove(Connection* connection);

  // Runs `task` on the loop's thread at its next pass (any thread; wakes the loop).
  void Post(std::function<void()> task);
  // Runs `callback` at the start of the next pass (loop thread only), before the posted tasks
  // queued since; a pass with deferred work does not wait for sockets.
  void Defer(std::function<void()> callback);
  // True on the thread that last ran a pass of this loop.
  bool InLoopThread() const {
    return owner_.load(std::memory_order_relaxed) == std::this_thread::get_id();
  }

  // One pass: deferred callbacks, posted tasks, flush, wait up to `timeout` for sockets (less when
  // a deadline comes sooner; none when callbacks are deferred or a connection ended in the
  // flush), dispatch, expire deadlines, flush.
  void RunOnce(std::chrono::milliseconds timeout);
  // Passes until `done()` is true or `deadline` passes; true when done() became true.
  bool RunUntil(const std::function<bool()>& done, std::chrono::steady_clock::time_point deadline);

 private:
  bool FlushRequested();  // true when a connection ended in it
  void RunDeferred();
  void RunPosted();

  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: readable while posted tasks wait
  std::atomic<std::thread::id> owner_{};
  std::vector<Connection*> connections_;  // index = epoll data; removed ones are null
  std::vector<bool> watching_write_;
  // Slots of the connections that asked for a flush (the connections append to it), and the
  // list being flushed (swapped, so requests made during a flush wait for the next one). A slot
  // removed meanwhile is null in connections_ and skipped; one reused by then is flushed
  // needlessly, which is harmless.
  std::vector<size_t> flush_requests_, flushing_;
  // Slots freed by Remove: reused from the next pass on, so an event of the pass that removed a
  // connection never reaches the one added in its place.
  std::vector<size_t> free_slots_, freed_this_pass_;
  std::vector<std::function<void()>> deferred_, running_;

  std::mutex posted_mu_;
  std::vector<std::function<void()>> posted_;  // guarded by posted_mu_
  std::vector<std::function<void()>> posted_running_;
};

}  // namespace streambench::engines::h2
