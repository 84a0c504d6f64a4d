#pragma once
// Many Server-Sent Events clients on loopback, read by one epoll thread: the soak test counts the
// events each receives, the SSE benchmark measures their lag. Each complete event ("...\n\n") is
// handed to `on_event` with its client's index; a stream the server closed to `on_closed`. Both run
// on the reader's thread.

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace careflow::http::testing {

// A socket that has sent GET /telemetry/stream (with the bearer token when given); -1 when the
// connection was refused.
inline int connect_sse_stream(int port, const std::string& token = "") {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  const std::string request =
      fmt::format("GET /telemetry/stream HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAccept: text/event-stream\r\n{}\r\n", port,
                  token.empty() ? "" : "Authorization: Bearer " + token + "\r\n");
  (void)!write(fd, request.data(), request.size());
  return fd;
}

class SseEventReader {
 public:
  using OnEvent = std::function<void(size_t client, std::string_view event)>;
  using OnClosed = std::function<void(size_t client)>;

  // Reads `fds` (owned by the caller; -1 entries are skipped) until stop().
  SseEventReader(std::vector<int> fds, OnEvent on_event, OnClosed on_closed = {})
      : fds_(std::move(fds)), pending_(fds_.size()), on_event_(std::move(on_event)), on_closed_(std::move(on_closed)) {
    epoll_ = epoll_create1(0);
    for (size_t i = 0; i < fds_.size(); ++i) {
      if (fds_[i] < 0) continue;
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = i;
      epoll_ctl(epoll_, EPOLL_CTL_ADD, fds_[i], &ev);
    }
    thread_ = std::thread([this] { run(); });
  }
  ~SseEventReader() { stop(); }
  SseEventReader(const SseEventReader&) = delete;
  SseEventReader& operator=(const SseEventReader&) = delete;

  void stop() {
    if (!thread_.joinable()) return;
    stopping_ = true;
    thread_.join();
    close(epoll_);
  }

 private:
  void run() {
    std::vector<epoll_event> events(256);
    char buf[65536];
    while (!stopping_) {
      const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 50);
      for (int e = 0; e < n; ++e) {
        const size_t i = events[static_cast<size_t>(e)].data.u64;
        const ssize_t got = read(fds_[i], buf, sizeof buf);
        if (got <= 0) {
          epoll_ctl(epoll_, EPOLL_CTL_DEL, fds_[i], nullptr);
          if (on_closed_) on_closed_(i);
          continue;
        }
        std::string& p = pending_[i];
        p.append(buf, static_cast<size_t>(got));
        size_t end;
        while ((end = p.find("\n\n")) != std::string::npos) {
          on_event_(i, std::string_view(p).substr(0, end));
          p.erase(0, end + 2);
        }
      }
    }
  }

  std::vector<int> fds_;
  std::vector<std::string> pending_;
  OnEvent on_event_;
  OnClosed on_closed_;
  int epoll_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace careflow::http::testing
