#include "broker/connection_io.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>

namespace careflow::broker {
namespace {

// OpenSSL's queued errors as one line (and the queue emptied, so the next call starts clean).
std::string openssl_errors() {
  std::string text;
  while (const unsigned long e = ERR_get_error()) {
    char line[256];
    ERR_error_string_n(e, line, sizeof line);
    if (!text.empty()) text += "; ";
    text += line;
  }
  return text.empty() ? "no detail from OpenSSL" : text;
}

}  // namespace

Result<std::shared_ptr<TlsServerContext>> TlsServerContext::load(const std::string& cert_file, const std::string& key_file) {
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return Status::internal("creating a TLS context: " + openssl_errors());
  std::shared_ptr<TlsServerContext> context(new TlsServerContext(ctx));
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1) {
    return Status::invalid_argument(
        fmt::format("kafka_listener.tls_cert_file {}: not a readable PEM certificate chain ({})", cert_file, openssl_errors()));
  }
  FILE* key_in = std::fopen(key_file.c_str(), "r");
  EVP_PKEY* key = key_in != nullptr ? PEM_read_PrivateKey(key_in, nullptr, nullptr, nullptr) : nullptr;
  if (key_in != nullptr) std::fclose(key_in);
  if (key == nullptr) {
    return Status::invalid_argument(
        fmt::format("kafka_listener.tls_key_file {}: not a readable PEM private key ({})", key_file, openssl_errors()));
  }
  const bool matches = SSL_CTX_use_PrivateKey(ctx, key) == 1 && SSL_CTX_check_private_key(ctx) == 1;
  EVP_PKEY_free(key);
  if (!matches) {
    return Status::invalid_argument(fmt::format("kafka_listener.tls_key_file {} does not match the certificate in {} ({})",
                                                key_file, cert_file, openssl_errors()));
  }
  return context;
}

TlsServerContext::~TlsServerContext() { SSL_CTX_free(ctx_); }

ConnectionIo::ConnectionIo(int fd, const TlsServerContext* tls) : fd_(fd) {
  if (tls != nullptr) {
    ssl_ = SSL_new(tls->get());
    if (ssl_ != nullptr) SSL_set_fd(ssl_, fd_);
  }
}

ConnectionIo::~ConnectionIo() {
  if (ssl_ != nullptr) SSL_free(ssl_);
}

Status ConnectionIo::tls_error(const char* what, int rc) {
  const int error = SSL_get_error(ssl_, rc);
  if (error == SSL_ERROR_ZERO_RETURN) return Status::unavailable("client closed the connection");
  if (error == SSL_ERROR_SYSCALL) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Status::timeout(fmt::format("{}: timed out", what));
    if (rc == 0 || errno == 0) return Status::unavailable("client closed the connection");
    return Status::from_errno(what, errno);
  }
  return Status::unavailable(fmt::format("{}: {}", what, openssl_errors()));
}

Status ConnectionIo::handshake() {
  if (ssl_ == nullptr) return Status::ok();
  ERR_clear_error();
  const int rc = SSL_accept(ssl_);
  return rc == 1 ? Status::ok() : tls_error("TLS handshake", rc);
}

bool ConnectionIo::wait_readable(Clock::time_point deadline) {
  if (ssl_ != nullptr && SSL_pending(ssl_) > 0) return true;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, INT32_MAX)));
    if (rc > 0) return true;
    if (rc < 0 && errno != EINTR) return false;
  }
}

Status ConnectionIo::read_exactly(size_t n, Clock::time_point deadline, std::string& out) {
  const size_t target = out.size() + n;
  char chunk[64 << 10];
  while (out.size() < target) {
    if (!wait_readable(deadline)) return Status::timeout("request not complete in time");
    const size_t want = std::min(sizeof chunk, target - out.size());
    if (ssl_ != nullptr) {
      ERR_clear_error();
      const int got = SSL_read(ssl_, chunk, static_cast<int>(want));
      if (got <= 0) {
        // A record that is not application data (a TLS 1.3 ticket or key update) leaves nothing.
        if (SSL_get_error(ssl_, got) == SSL_ERROR_WANT_READ) continue;
        return tls_error("reading", got);
      }
      out.append(chunk, static_cast<size_t>(got));
      continue;
    }
    const ssize_t got = ::recv(fd_, chunk, want, 0);
    if (got == 0) return Status::unavailable("client closed the connection");
    if (got < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return Status::from_errno("reading", errno);
    }
    out.append(chunk, static_cast<size_t>(got));
  }
  return Status::ok();
}

Status ConnectionIo::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    if (ssl_ != nullptr) {
      ERR_clear_error();
      const int chunk = static_cast<int>(std::min<size_t>(bytes.size(), INT32_MAX));
      const int sent = SSL_write(ssl_, bytes.data(), chunk);
      if (sent <= 0) return tls_error("writing", sent);
      bytes.remove_prefix(static_cast<size_t>(sent));
      continue;
    }
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      return Status::from_errno("writing", errno);  // EAGAIN: the send timeout passed
    }
    bytes.remove_prefix(static_cast<size_t>(sent));
  }
  return Status::ok();
}

}  // namespace careflow::broker
