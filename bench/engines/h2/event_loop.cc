#include "bench/engines/h2/event_loop.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>

namespace streambench::engines::h2 {

EventLoop::EventLoop() : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)) {}

EventLoop::~EventLoop() {
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

void EventLoop::Add(Connection* connection) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = connections_.size();
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, connection->fd(), &event);
  connections_.push_back(connection);
  watching_write_.push_back(false);
}

void EventLoop::Remove(Connection* connection) {
  auto it = std::find(connections_.begin(), connections_.end(), connection);
  if (it == connections_.end()) return;
  if (connection->alive()) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, connection->fd(), nullptr);
  // Slots keep their index (epoll data); a removed one becomes empty.
  *it = nullptr;
}

void EventLoop::FlushAll() {
  for (size_t i = 0; i < connections_.size(); ++i) {
    Connection* c = connections_[i];
    if (c == nullptr || !c->alive()) continue;
    c->Flush();
    const bool want = c->alive() && c->wants_write();
    if (want != watching_write_[i] && c->alive()) {
      epoll_event event{};
      event.events = EPOLLIN | (want ? EPOLLOUT : 0u);
      event.data.u64 = i;
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c->fd(), &event);
      watching_write_[i] = want;
    }
  }
}

void EventLoop::RunOnce(std::chrono::milliseconds timeout) {
  FlushAll();
  auto now = std::chrono::steady_clock::now();
  auto next_deadline = std::chrono::steady_clock::time_point::max();
  for (Connection* c : connections_) {
    if (c != nullptr && c->alive()) next_deadline = std::min(next_deadline, c->next_deadline());
  }
  if (next_deadline != std::chrono::steady_clock::time_point::max()) {
    const auto until = std::chrono::duration_cast<std::chrono::milliseconds>(next_deadline - now) +
                       std::chrono::milliseconds(1);
    timeout = std::max(std::chrono::milliseconds(0), std::min(timeout, until));
  }
  epoll_event events[64];
  const int n = ::epoll_wait(epoll_fd_, events, 64, static_cast<int>(timeout.count()));
  for (int i = 0; i < n; ++i) {
    Connection* c = connections_[events[i].data.u64];
    if (c == nullptr || !c->alive()) continue;
    if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) c->OnReadable();
  }
  now = std::chrono::steady_clock::now();
  for (Connection* c : connections_) {
    if (c != nullptr && c->alive()) c->ExpireDeadlines(now);
  }
  FlushAll();
}

bool EventLoop::RunUntil(const std::function<bool()>& done,
                         std::chrono::steady_clock::time_point deadline) {
  while (!done()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    RunOnce(std::min(std::chrono::milliseconds(100),
                     std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now)));
  }
  return true;
}

}  // namespace streambench::engines::h2
