#include "broker/kafka_listener.h"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <list>
#include <mutex>
#include <thread>

#include "broker/connection_io.h"
#include "broker/group_coordinator.h"
#include "broker/handlers.h"
#include "common/logging.h"

namespace careflow::broker {
namespace {

using Clock = std::chrono::steady_clock;

// One open client connection, served by its own thread. The descriptor is closed by whoever joins
// the thread (never by the thread itself), so stop() can shut it down without racing a reuse.
struct Connection {
  int fd = -1;
  std::string peer;
  std::thread thread;
  bool done = false;  // guarded by Impl::mutex
};

std::string peer_name(const sockaddr_storage& addr) {
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    port = ntohs(in->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* in = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &in->sin6_addr, host, sizeof host);
    port = ntohs(in->sin6_port);
  }
  return fmt::format("{}:{}", host, port);
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr v4{};
  const std::string text(host);
  return inet_pton(AF_INET, text.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

struct KafkaListener::Impl {
  Impl(KafkaListenerOptions o, log::Topics& t)
      : options(std::move(o)), topics(t), stored_batches(dynamic_cast<const log::StoredBatchSource*>(&t)) {}

  KafkaListenerOptions options;
  log::Topics& topics;
  std::shared_ptr<TlsServerContext> tls;  // set by start() when a certificate is configured
  // The embedded log hands out its stored batches, which fetch serves without decoding them.
  const log::StoredBatchSource* stored_batches;
  std::atomic<bool> stopping{false};
  GroupCoordinator groups{options.initial_rebalance_delay, stopping};
  // Ids from the wall clock in microseconds: a restart never hands out an id given before it.
  ProducerStates producers{std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count()};
  TransactionCoordinator transactions{topics, producers};
  int listen_fd = -1;
  int wake_fd = -1;
  int port = 0;
  std::string advertised_host;
  std::thread acceptor;
  mutable std::mutex mutex;
  std::condition_variable slot_freed;
  std::list<std::shared_ptr<Connection>> connections;  // guarded by mutex

  void accept_loop();
  void serve(Connection& connection);
  void reap_finished();  // with mutex held
};

void KafkaListener::Impl::reap_finished() {
  for (auto it = connections.begin(); it != connections.end();) {
    if (!(*it)->done) {
      ++it;
      continue;
    }
    (*it)->thread.join();
    ::close((*it)->fd);
    it = connections.erase(it);
  }
}

void KafkaListener::Impl::accept_loop() {
  bool at_cap_logged = false;
  while (!stopping) {
    {
      std::unique_lock lock(mutex);
      reap_finished();
      if (connections.size() >= options.max_connections && !at_cap_logged) {
        log_warn("broker", "connection cap reached; new connections wait", {{"max_connections", options.max_connections}});
        at_cap_logged = true;
      }
      slot_freed.wait(lock, [&] {
        reap_finished();
        return stopping || connections.size() < options.max_connections;
      });
    }
    if (stopping) break;
    pollfd fds[2] = {{listen_fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 || stopping) continue;
    if (fds[1].revents & POLLIN) {
      uint64_t count = 0;
      (void)::read(wake_fd, &count, sizeof count);  // a connection ended: reaped at the loop's top
    }
    if (!(fds[0].revents & POLLIN)) continue;
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    const int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        log_warn("broker", "accept failed; pausing", {{"error", std::strerror(errno)}});
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      continue;
    }
    at_cap_logged = false;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // A client that stops reading its responses holds its thread at most this long per write.
    const auto send_ms = options.request_timeout.count();
    timeval send_timeout{static_cast<time_t>(send_ms / 1000), static_cast<suseconds_t>((send_ms % 1000) * 1000)};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
    // TLS reads block inside OpenSSL once poll() saw a byte: this bounds a peer that stops mid-record
    // (and the handshake) as the request timeout bounds a plain request.
    if (tls) ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &send_timeout, sizeof send_timeout);
    auto connection = std::make_shared<Connection>();
    connection->fd = fd;
    connection->peer = peer_name(addr);
    std::lock_guard lock(mutex);
    connections.push_back(connection);
    connection->thread = std::thread([this, connection] {
      // OpenSSL writes with write(), which raises SIGPIPE on a closed peer: blocked in this thread,
      // the write fails with EPIPE instead of ending the process.
      sigset_t pipe;
      sigemptyset(&pipe);
      sigaddset(&pipe, SIGPIPE);
      pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
      try {
        serve(*connection);
      } catch (const std::exception& e) {
        log_error("broker", "connection failed unexpectedly", {{"peer", connection->peer}, {"error", e.what()}});
      }
      // Tell the client now; the descriptor itself is closed by the thread that joins this one.
      ::shutdown(connection->fd, SHUT_RDWR);
      std::lock_guard done_lock(mutex);
      connection->done = true;
      slot_freed.notify_all();
      const uint64_t wake = 1;
      (void)::write(wake_fd, &wake, sizeof wake);  // the accept loop reaps it
    });
  }
}

void KafkaListener::Impl::serve(Connection& connection) {
  const std::string client_host = "/" + connection.peer.substr(0, connection.peer.rfind(':'));
  BrokerContext context{options, topics, groups, producers, transactions, stopping, advertised_host, port, client_host};
  context.authenticated = options.sasl_username.empty();
  context.stored_batches = stored_batches;
  log_debug("broker", "connection opened", {{"peer", connection.peer}});
  ConnectionIo io(connection.fd, tls.get());
  if (Status shaken = io.handshake(); !shaken) {
    log_info("broker", "closing connection: TLS handshake failed", {{"peer", connection.peer}, {"error", shaken.message()}});
    return;
  }
  std::string frame;
  std::string reason = "closed by the client";
  while (!stopping) {
    if (!io.wait_readable(Clock::now() + options.idle_timeout)) {
      reason = "idle timeout";
      break;
    }
    const auto deadline = Clock::now() + options.request_timeout;
    frame.clear();
    Status read = io.read_exactly(4, deadline, frame);
    if (read) {
      const auto size = static_cast<int32_t>((static_cast<uint32_t>(static_cast<uint8_t>(frame[0])) << 24) |
                                             (static_cast<uint32_t>(static_cast<uint8_t>(frame[1])) << 16) |
                                             (static_cast<uint32_t>(static_cast<uint8_t>(frame[2])) << 8) |
                                             static_cast<uint8_t>(frame[3]));
      // A bare SASL token (after a v0 handshake) is short and has no request header; Kafka bounds
      // it by sasl.server.max.receive.size (512 KiB).
      const int32_t min_size = context.raw_sasl_token_next ? 0 : 8;
      const int32_t max_size = context.raw_sasl_token_next ? 512 << 10 : options.max_request_bytes;
      if (size < min_size || size > max_size) {
        reason = fmt::format("{} size {} outside {}..{}{}", context.raw_sasl_token_next ? "SASL token" : "request", size,
                             min_size, max_size, context.raw_sasl_token_next ? "" : " (kafka_listener.max_request_bytes)");
        log_warn("broker", "closing connection", {{"peer", connection.peer}, {"reason", reason}});
        break;
      }
      frame.clear();
      read = io.read_exactly(static_cast<size_t>(size), deadline, frame);
    }
    if (!read) {
      if (read.code() != StatusCode::kUnavailable) reason = read.message();
      break;
    }
    auto response = serve_request(context, frame);
    if (!response) {
      reason = response.status().message();
      std::string head;  // the request's first bytes, to see what a client sent
      for (size_t i = 0; i < std::min<size_t>(frame.size(), 64); ++i) head += fmt::format("{:02x}", static_cast<uint8_t>(frame[i]));
      log_warn("broker", "closing connection: request refused or malformed",
               {{"peer", connection.peer}, {"error", reason}, {"size", frame.size()}, {"head", head}});
      break;
    }
    if (*response) {
      const Status written = io.write_all(**response);
      if (!written) {
        reason = written.message();
        break;
      }
    }
    if (context.close_after_response) {
      reason = "SASL authentication failed";
      break;
    }
  }
  log_debug("broker", "connection closed", {{"peer", connection.peer}, {"reason", reason}});
}

KafkaListener::KafkaListener(KafkaListenerOptions options, log::Topics& topics)
    : impl_(std::make_unique<Impl>(std::move(options), topics)) {}

KafkaListener::~KafkaListener() { stop(); }

Status KafkaListener::start() {
  Impl& s = *impl_;
  const std::string where = fmt::format("{}:{}", s.options.host, s.options.port);
  if (!s.options.sasl_username.empty() && s.options.sasl_password.empty()) {
    return Status::failed_precondition("kafka_listener.sasl_username is set but kafka_listener.sasl_password is empty");
  }
  if (s.options.sasl_username.empty() && !is_loopback_host(s.options.host)) {
    return Status::failed_precondition(fmt::format(
        "{} is not a loopback address: set kafka_listener.sasl_username and kafka_listener.sasl_password so clients "
        "must authenticate (SASL/PLAIN), or listen on 127.0.0.1, ::1 or localhost",
        s.options.host));
  }
  if (s.options.tls_cert_file.empty() != s.options.tls_key_file.empty()) {
    return Status::failed_precondition("kafka_listener.tls_cert_file and kafka_listener.tls_key_file go together: set both or neither");
  }
  if (!s.options.tls_cert_file.empty()) {
    CF_ASSIGN_OR_RETURN(s.tls, TlsServerContext::load(s.options.tls_cert_file, s.options.tls_key_file));
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port_text = std::to_string(s.options.port);
  if (const int rc = ::getaddrinfo(s.options.host.c_str(), port_text.c_str(), &hints, &found); rc != 0) {
    return Status::io_error(fmt::format("resolving {}: {}", where, gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> addresses(found, freeaddrinfo);
  int fd = ::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, found->ai_protocol);
  if (fd < 0) return Status::from_errno("creating the Kafka listener's socket", errno);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, found->ai_addr, found->ai_addrlen) != 0 || ::listen(fd, 128) != 0) {
    const int error = errno;
    ::close(fd);
    return Status::from_errno(fmt::format("listening on {}", where), error);
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  s.port = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                       : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  s.listen_fd = fd;
  s.wake_fd = ::eventfd(0, EFD_CLOEXEC);
  s.advertised_host = s.options.advertised_host.empty() ? s.options.host : s.options.advertised_host;
  if (s.advertised_host == "localhost") s.advertised_host = "127.0.0.1";  // one address, not a lookup per client
  s.acceptor = std::thread([&s] { s.accept_loop(); });
  log_info("broker", "listening", {{"bootstrap", bootstrap()}});
  return Status::ok();
}

void KafkaListener::stop() {
  Impl& s = *impl_;
  if (s.listen_fd < 0) return;
  s.stopping = true;
  const uint64_t one = 1;
  (void)::write(s.wake_fd, &one, sizeof one);
  {
    std::lock_guard lock(s.mutex);
    s.slot_freed.notify_all();
    for (const auto& c : s.connections) {
      if (!c->done) ::shutdown(c->fd, SHUT_RDWR);
    }
  }
  s.groups.wake_all();
  if (s.acceptor.joinable()) s.acceptor.join();
  std::list<std::shared_ptr<Connection>> remaining;
  {
    std::lock_guard lock(s.mutex);
    remaining.swap(s.connections);
  }
  for (const auto& c : remaining) {
    c->thread.join();
    ::close(c->fd);
  }
  ::close(s.listen_fd);
  ::close(s.wake_fd);
  s.listen_fd = -1;
  s.wake_fd = -1;
}

int KafkaListener::port() const { return impl_->port; }

std::string KafkaListener::bootstrap() const {
  const std::string& host = impl_->advertised_host;
  return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, impl_->port)
                                              : fmt::format("{}:{}", host, impl_->port);
}

size_t KafkaListener::open_connections() const {
  std::lock_guard lock(impl_->mutex);
  size_t open = 0;
  for (const auto& c : impl_->connections) open += c->done ? 0 : 1;
  return open;
}

}  // namespace careflow::broker
