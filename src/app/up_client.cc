#include "app/up_client.h"

#include <fmt/format.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>

#include "app/running_listener.h"
#include "common/json_parse.h"

namespace careflow::app {

namespace {

// A connected socket, closed on destruction.
class Socket {
 public:
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status connect(const UpAddress& up) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (int rc = ::getaddrinfo(up.host.c_str(), up.port.c_str(), &hints, &found); rc != 0) {
      return Status::unavailable(fmt::format("{} at {}: {}", up.label, up.text(), gai_strerror(rc)));
    }
    for (addrinfo* a = found; a; a = a->ai_next) {
      fd_ = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
      if (fd_ >= 0 && ::connect(fd_, a->ai_addr, a->ai_addrlen) == 0) break;
      if (fd_ >= 0) ::close(fd_);
      fd_ = -1;
    }
    ::freeaddrinfo(found);
    if (fd_ < 0) return Status::unavailable(fmt::format("{} at {} does not answer (is it running?)", up.label, up.text()));
    return Status::ok();
  }
  Status send_all(const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return Status::unavailable("the server closed the connection while sending");
      sent += static_cast<size_t>(n);
    }
    return Status::ok();
  }
  // Appends what arrives within `wait` to `out`; false once the peer closed.
  Result<bool> receive(std::string* out, std::chrono::milliseconds wait) {
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(wait.count()));
    if (ready < 0 && errno == EINTR) return true;
    if (ready < 0) return Status::io_error("poll failed");
    if (ready == 0) return true;
    char buffer[16384];
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) return true;
    if (n <= 0) return false;
    out->append(buffer, static_cast<size_t>(n));
    return true;
  }

 private:
  int fd_ = -1;
};

std::string request_text(const UpAddress& up, const std::string& method, const std::string& path, const std::string& body,
                         bool stream) {
  std::string r = fmt::format("{} {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", method, path, up.text());
  if (stream) r += "Accept: text/event-stream\r\n";
  if (!up.token.empty()) r += fmt::format("Authorization: Bearer {}\r\n", up.token);
  if (method != "GET") r += fmt::format("Content-Type: application/json\r\nContent-Length: {}\r\n", body.size());
  return r + "\r\n" + body;
}

// The status code and where the body starts, once the head has arrived; nullopt before.
std::optional<std::pair<int, size_t>> parse_head(const std::string& data, size_t* content_length) {
  size_t end = data.find("\r\n\r\n");
  if (end == std::string::npos) return std::nullopt;
  int status = 0;
  if (data.size() > 12) status = std::atoi(data.c_str() + 9);
  *content_length = std::string::npos;
  std::string lower;
  for (size_t i = 0; i < end; ++i) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(data[i])));
  if (size_t at = lower.find("\r\ncontent-length:"); at != std::string::npos) {
    *content_length = static_cast<size_t>(std::atoll(lower.c_str() + at + 17));
  }
  return std::make_pair(status, end + 4);
}

Result<UpAddress> parse_server(const Config& config, std::string server) {
  if (server.rfind("http://", 0) == 0) server = server.substr(7);
  while (!server.empty() && server.back() == '/') server.pop_back();
  const size_t colon = server.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == server.size()) {
    return Status::invalid_argument(fmt::format("--server '{}': expected HOST:PORT such as 127.0.0.1:8000", server));
  }
  return UpAddress{server.substr(0, colon), server.substr(colon + 1), config.str("api.token"), "careflow up"};
}

}  // namespace

Result<UpAnswer> up_request(const UpAddress& up, const std::string& method, const std::string& path, const nlohmann::json* body) {
  Socket socket;
  CF_RETURN_IF_ERROR(socket.connect(up));
  CF_RETURN_IF_ERROR(socket.send_all(request_text(up, method, path, body ? body->dump() : "", false)));
  std::string data;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  size_t length = std::string::npos;
  for (;;) {
    auto head = parse_head(data, &length);
    if (head && length != std::string::npos && data.size() >= head->second + length) break;
    if (std::chrono::steady_clock::now() > deadline) return Status::timeout(fmt::format("{} at {} did not answer {} {} within 60 s", up.label, up.text(), method, path));
    CF_ASSIGN_OR_RETURN(bool open, socket.receive(&data, std::chrono::milliseconds(100)));
    if (!open) break;
  }
  auto head = parse_head(data, &length);
  if (!head) return Status::unavailable(fmt::format("{} at {} closed the connection without an answer", up.label, up.text()));
  UpAnswer answer;
  answer.status = head->first;
  std::string text = data.substr(head->second, length);
  auto parsed = parse_json(text.empty() ? "{}" : text);
  answer.body = parsed ? *parsed : nlohmann::json{{"detail", text}};
  return answer;
}

Status up_stream(const UpAddress& up, const std::string& path, const std::atomic<bool>& interrupted,
                 const std::function<bool(const std::string&, const std::string&)>& on_event) {
  Socket socket;
  CF_RETURN_IF_ERROR(socket.connect(up));
  CF_RETURN_IF_ERROR(socket.send_all(request_text(up, "GET", path, "", true)));
  std::string data;
  size_t body = std::string::npos;
  std::string event, payload;
  while (!interrupted) {
    CF_ASSIGN_OR_RETURN(bool open, socket.receive(&data, std::chrono::milliseconds(100)));
    if (body == std::string::npos) {
      size_t length;
      auto head = parse_head(data, &length);
      if (head) {
        if (head->first != 200) return Status::unavailable(fmt::format("careflow up answered {} for {}", head->first, path));
        data.erase(0, head->second);
        body = 0;
      }
    }
    if (body != std::string::npos) {
      size_t nl;
      while ((nl = data.find('\n')) != std::string::npos) {
        std::string line = data.substr(0, nl);
        data.erase(0, nl + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) {
          if (!event.empty() && !on_event(event, payload)) return Status::ok();
          event.clear();
          payload.clear();
        } else if (line.rfind("event: ", 0) == 0) {
          event = line.substr(7);
        } else if (line.rfind("data: ", 0) == 0) {
          payload += line.substr(6);
        }
      }
    }
    if (!open) break;
  }
  return Status::ok();
}

Result<std::optional<UpAddress>> find_running_up(const Config& config, const std::string& server) {
  if (!server.empty()) {
    CF_ASSIGN_OR_RETURN(UpAddress up, parse_server(config, server));
    auto health = up_request(up, "GET", "/health");
    if (!health) return health.status().with_context("--server");
    return std::optional<UpAddress>(up);
  }
  std::optional<std::string> written = read_running_api(config.str("data_dir"));
  if (!written) return std::optional<UpAddress>();
  auto up = parse_server(config, *written);
  if (!up) return std::optional<UpAddress>();
  // A file left by a killed up: nobody answers, so statements run here.
  auto health = up_request(*up, "GET", "/health");
  if (!health) return std::optional<UpAddress>();
  return std::optional<UpAddress>(*up);
}

}  // namespace careflow::app
