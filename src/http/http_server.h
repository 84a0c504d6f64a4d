#pragma once
// careflow's HTTP/1.1 server (Boost.Beast on Asio), the one every listener is built on: keep-alive,
// a 1 MiB body limit (413 above), CORS for the web app's dev server, streaming responses for
// Server-Sent Events, and what no listener may lack (issue 15, "Trust"):
//   - a cap on open connections (event streams included): at the cap the server stops accepting,
//     and new connections wait in the kernel's backlog until one closes; when accept() itself
//     fails (no file descriptors left: EMFILE, ENFILE) it pauses instead of retrying at once, so a
//     flood of idle connections never makes it spin;
//   - timeouts: idle (a kept-alive connection with no request begun), header (from a request's
//     first byte to its last header line: a client sending a byte a second is cut off) and body;
//   - the Host, Origin and token checks of request_guard.h, and the Content-Type check of the router;
//   - every handler behind an exception guard: an exception is a 500 JSON answer naming it (and a
//     log line), never the end of the process; an exception escaping to an I/O thread is logged and
//     the thread goes on serving.
// Handlers run on the server's I/O threads and may block briefly (a database query).

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "http/request_guard.h"
#include "http/router.h"

namespace careflow::http {

// One open text/event-stream response. send() never blocks: events queue per client, and a client
// whose queue passes its limit is disconnected, so a slow reader never slows anybody else.
class EventStream {
 public:
  virtual ~EventStream() = default;
  // Queues one already-formatted event ("event: x\ndata: {...}\n\n"). False once closed. The
  // text is shared, not copied, between the clients it goes to.
  virtual bool send(std::shared_ptr<const std::string> event) = 0;
  bool send(std::string event) { return send(std::make_shared<const std::string>(std::move(event))); }
  virtual bool is_open() const = 0;
  virtual void close() = 0;
};

// Called for a request to a stream route once the response headers are on their way.
using StreamHandler = std::function<void(const HttpRequest&, std::shared_ptr<EventStream>)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 8000;  // 0 = any free port (see HttpServer::port)
  int threads = 2;
  size_t max_body_bytes = 1 << 20;
  size_t max_stream_queue_bytes = 1 << 20;  // per SSE client before it is dropped
  std::vector<std::string> cors_origins = {"http://localhost:5173", "http://127.0.0.1:5173"};
  // When set, every route but /health needs it (see request_guard.h), reads as well as writes.
  std::string bearer_token;
  // More Host names this server answers to (see request_guard.h); "*" = any.
  std::vector<std::string> allowed_hosts;

  // Open connections at most; start() lowers it to what the open-file limit leaves room for.
  size_t max_connections = 1024;
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  // How long accepting pauses after accept() failed (out of file descriptors, ...).
  std::chrono::milliseconds accept_backoff{100};
};

// Raises the soft limit on open files (RLIMIT_NOFILE) to the hard limit; returns the soft limit in
// force afterwards. Call once at start-up, before the listeners start.
size_t raise_open_file_limit();

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, const Router& router);
  ~HttpServer();

  // Requests to `path` (GET) become event streams handled by `handler`.
  void add_stream(std::string path, StreamHandler handler);
  // GET requests that no route matches are served from `dir` (e.g. web/dist), with index.html for
  // paths without a file (a single-page app's client-side routes).
  void serve_static(std::string dir);

  // Binds and starts the I/O threads. IOError naming host:port when the port is taken.
  Status start();
  void stop();
  int port() const { return bound_port_; }

  // Connections open now (event streams and connections being closed included).
  size_t open_connections() const;
  // The cap in force (max_connections, lowered by start() when the open-file limit is smaller).
  size_t max_connections() const;

 struct Impl;  // public only so the .cc's connection classes can name it

 private:
  std::unique_ptr<Impl> impl_;
  int bound_port_ = 0;
};

}  // namespace careflow::http
