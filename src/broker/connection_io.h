#pragma once
// Bytes in and out of one Kafka client connection, plain or over TLS, with the listener's time
// bounds. Plain connections use recv/send on the socket; TLS ones OpenSSL's SSL_read/SSL_write on
// the same blocking socket, whose SO_RCVTIMEO / SO_SNDTIMEO (set by the listener) bound each call,
// so a peer that stalls mid-record holds its thread no longer than the request timeout.

#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace careflow::broker {

// A server-side TLS configuration: certificate chain and private key, TLS 1.2 and later.
class TlsServerContext {
 public:
  // InvalidArgument naming the file (and the setting) that cannot be read or does not match.
  static Result<std::shared_ptr<TlsServerContext>> load(const std::string& cert_file, const std::string& key_file);
  ~TlsServerContext();
  SSL_CTX* get() const { return ctx_; }

 private:
  explicit TlsServerContext(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_;
};

class ConnectionIo {
 public:
  using Clock = std::chrono::steady_clock;
  // The descriptor stays owned by the caller; `tls` null = plain.
  ConnectionIo(int fd, const TlsServerContext* tls);
  ~ConnectionIo();
  ConnectionIo(const ConnectionIo&) = delete;
  ConnectionIo& operator=(const ConnectionIo&) = delete;

  // The TLS handshake (nothing for a plain connection); Unavailable with OpenSSL's reason.
  Status handshake();
  // True when bytes are ready (buffered by TLS, or on the socket) before `deadline`.
  bool wait_readable(Clock::time_point deadline);
  // Appends exactly n bytes to `out`: Timeout past `deadline`, Unavailable when the peer closed.
  Status read_exactly(size_t n, Clock::time_point deadline, std::string& out);
  Status write_all(std::string_view bytes);

 private:
  Status tls_error(const char* what, int rc);
  int fd_;
  SSL* ssl_ = nullptr;
};

}  // namespace careflow::broker
