#pragma once
// careflow's HTTP/1.1 server (Boost.Beast on Asio): keep-alive, a 1 MiB body limit (413 above),
// CORS for the web app's dev server, and streaming responses for Server-Sent Events.
// Handlers run on the server's I/O threads and may block briefly (a database query).

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/router.h"
#include "common/status.h"

namespace careflow::api {

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
  // When set, POST, PUT and DELETE need "Authorization: Bearer <token>" (401 otherwise).
  std::string bearer_token;
};

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

 struct Impl;  // public only so the .cc's connection classes can name it

 private:
  std::unique_ptr<Impl> impl_;
  int bound_port_ = 0;
};

}  // namespace careflow::api
