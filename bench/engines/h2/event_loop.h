// EventLoop: one thread's loop over its HTTP/2 connections: wait for sockets (epoll), dispatch
// what arrived, then flush every connection once, so the frames all streams queued during one
// pass leave together; streams past their deadline are ended on the way.
// Thread-safety: not thread-safe; the thread that calls Run* owns the loop and its connections.
#pragma once

#include <chrono>
#include <functional>
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

  // One pass: flush, wait up to `timeout` for sockets, dispatch, expire deadlines, flush.
  void RunOnce(std::chrono::milliseconds timeout);
  // Passes until `done()` is true or `deadline` passes; true when done() became true.
  bool RunUntil(const std::function<bool()>& done, std::chrono::steady_clock::time_point deadline);

 private:
  void FlushAll();

  int epoll_fd_ = -1;
  std::vector<Connection*> connections_;
  std::vector<bool> watching_write_;
};

}  // namespace streambench::engines::h2
