#include "bench/engines/h2/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <limits>

namespace streambench::engines::h2 {
namespace {
constexpr uint64_t kWakeEvent = std::numeric_limits<uint64_t>::max();
}  // namespace

EventLoop::EventLoop()
    : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)),
      wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kWakeEvent;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event);
}

EventLoop::~EventLoop() {
  if (wake_fd_ >= 0) ::close(wake_fd_);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

void EventLoop::Add(Connection* connection) {
  size_t slot = connections_.size();
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    connections_.push_back(nullptr);
    watching_write_.push_back(false);
  }
  connections_[slot] = connection;
  watching_write_[slot] = false;
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = slot;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, connection->fd(), &event);
  // What it queued before it was added (its SETTINGS, calls already started) leaves at the next
  // flush.
  connection->set_flush_list(&flush_requests_, slot);
  connection->RequestFlush();
}

void EventLoop::Remove(Connection* connection) {
  auto it = std::find(connections_.begin(), connections_.end(), connection);
  if (it == connections_.end()) return;
  if (connection->alive()) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, connection->fd(), nullptr);
  connection->set_flush_list(nullptr, 0);
  *it = nullptr;
  freed_this_pass_.push_back(static_cast<size_t>(it - connections_.begin()));
}

void EventLoop::Post(std::function<void()> task) {
  bool was_empty;
  {
    std::lock_guard<std::mutex> lock(posted_mu_);
    was_empty = posted_.empty();
    posted_.push_back(std::move(task));
  }
  if (was_empty) {
    const uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof(one));
  }
}

void EventLoop::Defer(std::function<void()> callback) { deferred_.push_back(std::move(callback)); }

void EventLoop::RunDeferred() {
  if (deferred_.empty()) return;
  // Callbacks deferred while these run wait for the next pass, so a pass always ends.
  running_.swap(deferred_);
  for (auto& callback : running_) callback();
  running_.clear();
}

void EventLoop::RunPosted() {
  {
    std::lock_guard<std::mutex> lock(posted_mu_);
    if (posted_.empty()) return;
    posted_running_.swap(posted_);
  }
  for (auto& task : posted_running_) task();
  posted_running_.clear();
}

bool EventLoop::FlushRequested() {
  bool ended = false;
  flushing_.swap(flush_requests_);
  for (const size_t i : flushing_) {
    Connection* c = connections_[i];
    if (c == nullptr || !c->alive()) continue;
    ended |= !c->Flush();
    const bool want = c->alive() && c->wants_write();
    if (want != watching_write_[i] && c->alive()) {
      epoll_event event{};
      event.events = EPOLLIN | (want ? EPOLLOUT : 0u);
      event.data.u64 = i;
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c->fd(), &event);
      watching_write_[i] = want;
    }
  }
  flushing_.clear();
  return ended;
}

void EventLoop::RunOnce(std::chrono::milliseconds timeout) {
  owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  free_slots_.insert(free_slots_.end(), freed_this_pass_.begin(), freed_this_pass_.end());
  freed_this_pass_.clear();
  RunDeferred();
  RunPosted();
  // A connection that ended here (a refused connect found by the flush) is news for whoever
  // looks after the pass (the engine's channels): the pass does not wait then.
  const bool ended = FlushRequested();
  auto now = std::chrono::steady_clock::now();
  if (!deferred_.empty() || ended) {
    timeout = std::chrono::milliseconds(0);
  } else {
    auto next_deadline = std::chrono::steady_clock::time_point::max();
    for (Connection* c : connections_) {
      if (c != nullptr && c->alive() && c->has_deadline()) {
        next_deadline = std::min(next_deadline, c->next_deadline());
      }
    }
    if (next_deadline != std::chrono::steady_clock::time_point::max()) {
      const auto until =
          std::chrono::duration_cast<std::chrono::milliseconds>(next_deadline - now) +
          std::chrono::milliseconds(1);
      timeout = std::max(std::chrono::milliseconds(0), std::min(timeout, until));
    }
  }
  epoll_event events[64];
  const int n = ::epoll_wait(epoll_fd_, events, 64, static_cast<int>(timeout.count()));
  for (int i = 0; i < n; ++i) {
    if (events[i].data.u64 == kWakeEvent) {
      uint64_t count;
      (void)!::read(wake_fd_, &count, sizeof(count));
      continue;
    }
    Connection* c = connections_[events[i].data.u64];
    if (c == nullptr || !c->alive()) continue;
    // Writable (a write that waited for the socket, a handshake that completed) or readable:
    // either way the connection is flushed at the end of the pass.
    c->RequestFlush();
    if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) c->OnReadable();
  }
  now = std::chrono::steady_clock::now();
  for (Connection* c : connections_) {
    if (c != nullptr && c->alive() && c->has_deadline()) c->ExpireDeadlines(now);
  }
  FlushRequested();
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
