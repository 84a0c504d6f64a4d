#include "http/http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include <sys/resource.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <latch>
#include <map>
#include <optional>

#include "common/logging.h"
#include "http/guarded_thread.h"
#include "http/static_files.h"
#include "http/url.h"

namespace careflow::http {
namespace {

namespace beast = boost::beast;
namespace beast_http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// File descriptors kept free of connections: the log's segments, PostgreSQL, files being served.
constexpr size_t kReservedFileDescriptors = 256;

// Counts open connections. Shared with every connection: an event stream kept by its owner may
// outlive the server.
struct ConnectionGate {
  std::atomic<size_t> open{0};
  std::mutex mutex;
  std::function<void()> on_close;  // resumes accepting; cleared by stop()

  void closed() {
    open.fetch_sub(1);
    std::lock_guard lock(mutex);  // held while calling, so stop() never races a call in flight
    if (on_close) on_close();
  }
};

// One open connection's place under the cap, given back when the last owner lets go.
class ConnectionSlot {
 public:
  explicit ConnectionSlot(std::shared_ptr<ConnectionGate> gate) : gate_(std::move(gate)) { gate_->open.fetch_add(1); }
  ~ConnectionSlot() { gate_->closed(); }
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;

 private:
  std::shared_ptr<ConnectionGate> gate_;
};

}  // namespace

size_t raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? SIZE_MAX : static_cast<size_t>(limit.rlim_cur);
}

struct HttpServer::Impl {
  Impl(HttpServerOptions o, const Router& r) : options(std::move(o)), router(r) {}

  HttpServerOptions options;
  const Router& router;
  std::map<std::string, StreamHandler> streams;
  std::string static_dir;
  // Shared with every event stream: a stream kept by its owner (the telemetry hub) may outlive
  // the server, and its socket must not outlive the context it was made on.
  std::shared_ptr<net::io_context> context = std::make_shared<net::io_context>();
  net::io_context& ioc = *context;
  tcp::acceptor acceptor{net::make_strand(ioc)};  // its handlers and stop() never run at once
  net::steady_timer accept_pause{acceptor.get_executor()};  // after accept() failed
  std::shared_ptr<ConnectionGate> gate = std::make_shared<ConnectionGate>();
  size_t max_connections = 0;  // set by start()
  bool at_cap = false;         // on the acceptor's strand: accepting stopped until a connection closes
  bool accept_failing = false;
  std::chrono::steady_clock::time_point cap_logged_at{};  // on the acceptor's strand: logged once until an accept succeeds
  RequestPolicy policy;
  // Keeps run() going while no connection is open, so stop() can still post to the threads.
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::mutex streams_mutex;
  std::vector<std::weak_ptr<EventStream>> streams_open;  // closed by stop()
  std::vector<std::thread> threads;

  void accept_next();
  void resume_accepting();
  void run_io_thread();
  // The CORS origin to echo for `origin`, or "" when not allowed.
  std::string allowed_origin(const std::string& origin) const {
    for (const std::string& o : options.cors_origins) {
      if (o == origin) return o;
    }
    return "";
  }
};

namespace {

// A client of a text/event-stream response: its own queue, written in order on its strand.
class SseConnection : public EventStream, public std::enable_shared_from_this<SseConnection> {
 public:
  SseConnection(std::shared_ptr<net::io_context> context, beast::tcp_stream stream, size_t max_queue_bytes,
                std::shared_ptr<ConnectionSlot> slot)
      : context_(std::move(context)), stream_(std::move(stream)), max_queue_bytes_(max_queue_bytes), slot_(std::move(slot)) {}

  void start(std::string headers) {
    stream_.expires_never();
    // A small kernel buffer, so a client that stops reading shows up in our queue (and is
    // dropped) after ~64 KiB rather than after megabytes of kernel autotuning.
    beast::error_code ignored;
    stream_.socket().set_option(net::socket_base::send_buffer_size(64 * 1024), ignored);
    send(std::move(headers));
    watch_for_disconnect();
  }

  using EventStream::send;
  bool send(std::shared_ptr<const std::string> event) override {
    if (!open_) return false;
    net::post(stream_.get_executor(), [self = shared_from_this(), event = std::move(event)]() mutable {
      if (!self->open_) return;
      if (self->queued_bytes_ + event->size() > self->max_queue_bytes_) {
        self->close_now();  // too slow: drop it rather than buffer without bound
        return;
      }
      self->queued_bytes_ += event->size();
      self->queue_.push_back(std::move(event));
      if (!self->writing_) self->write_next();
    });
    return true;
  }

  bool is_open() const override { return open_; }
  auto executor() { return stream_.get_executor(); }

  void close() override {
    // After the server stopped, stop() has closed every stream; posting now would queue a handler
    // that owns this connection in a context that never runs it (a reference cycle).
    if (context_->stopped()) return;
    net::post(stream_.get_executor(), [self = shared_from_this()] { self->close_now(); });
  }

  // Only on this connection's strand.
  void close_now() {
    if (!open_.exchange(false)) return;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
    // in_flight_ stays until this object dies: an async_write in flight still points into it.
  }

 private:
  // Everything queued goes out in one write (one system call for a burst of events).
  void write_next() {
    if (queue_.empty() || !open_) {
      writing_ = false;
      return;
    }
    writing_ = true;
    in_flight_.assign(queue_.begin(), queue_.end());
    queue_.clear();
    buffers_.clear();
    for (const auto& event : in_flight_) buffers_.emplace_back(event->data(), event->size());
    net::async_write(stream_, buffers_, [self = shared_from_this()](beast::error_code ec, size_t written) {
      if (ec || !self->open_) return self->close_now();
      self->queued_bytes_ -= written;
      self->in_flight_.clear();
      self->write_next();
    });
  }

  // A client that goes away is noticed by a read that ends (clients send nothing on a stream).
  void watch_for_disconnect() {
    stream_.async_read_some(net::buffer(discard_), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->close_now();
      self->watch_for_disconnect();
    });
  }

  std::shared_ptr<net::io_context> context_;  // declared first: destroyed after stream_
  beast::tcp_stream stream_;
  size_t max_queue_bytes_;
  std::shared_ptr<ConnectionSlot> slot_;
  std::atomic<bool> open_{true};
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::vector<std::shared_ptr<const std::string>> in_flight_;  // kept alive until written
  std::vector<net::const_buffer> buffers_;
  size_t queued_bytes_ = 0;
  bool writing_ = false;
  char discard_[256];
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl& server, std::shared_ptr<ConnectionSlot> slot)
      : stream_(std::move(socket)), server_(server), slot_(std::move(slot)) {
    beast::error_code ec;
    const auto local = stream_.socket().local_endpoint(ec);
    if (!ec) local_address_ = local.address().to_string();
  }

  void run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

 private:
  // Three phases, each with its own deadline: waiting for a request to begin (idle), its header
  // (from its first byte), its body.
  void read() {
    parser_.emplace();
    parser_->body_limit(server_.options.max_body_bytes);
    parser_->header_limit(64 * 1024);
    if (buffer_.size() > 0) return read_header();  // a pipelined request has begun already
    stream_.expires_after(server_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, size_t n) {
      if (ec) return self->on_read(ec);
      self->buffer_.commit(n);
      self->read_header();
    });
  }

  void read_header() {
    stream_.expires_after(server_.options.header_timeout);
    beast_http::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec || self->parser_->is_done()) return self->on_read(ec);
      self->stream_.expires_after(self->server_.options.body_timeout);
      beast_http::async_read(self->stream_, self->buffer_, *self->parser_,
                             [self](beast::error_code body_ec, size_t) { self->on_read(body_ec); });
    });
  }

  void on_read(beast::error_code ec) {
    if (ec == beast_http::error::end_of_stream || ec == net::error::operation_aborted || ec == beast::error::timeout ||
        ec == net::error::eof || ec == net::error::connection_reset) {
      return shut();
    }
    if (ec == beast_http::error::body_limit) {
      return write(HttpResponse::error(413, "payload_too_large",
                                       fmt::format("request body is larger than {} bytes", server_.options.max_body_bytes)),
                   false);
    }
    if (ec) return write(HttpResponse::error(400, "bad_request", fmt::format("malformed HTTP request: {}", ec.message())), false);

    beast_http::request<beast_http::string_body> raw = parser_->release();
    HttpRequest request = to_request(raw);
    const bool keep_alive = raw.keep_alive();
    origin_ = server_.allowed_origin(request.header("origin"));

    if (request.method == "OPTIONS") {
      HttpResponse preflight;
      preflight.status = 204;
      preflight.content_type.clear();
      preflight.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
      preflight.headers.emplace_back("Access-Control-Allow-Headers", "Content-Type, Authorization");
      preflight.headers.emplace_back("Access-Control-Max-Age", "600");
      return write(std::move(preflight), keep_alive);
    }
    const auto stream = request.method == "GET" ? server_.streams.find(request.path) : server_.streams.end();
    RequestSite site;
    site.local_address = local_address_;
    site.stream = stream != server_.streams.end();
    site.routed = site.stream || server_.router.matches(request.path);
    if (auto refused = check_request(server_.policy, request, site)) {
      if (refused->status == 421 || refused->status == 403) origin_.clear();  // no CORS grant to a refused caller
      server_.router.shape_error(request.path, *refused);
      return write(std::move(*refused), keep_alive);
    }
    if (site.stream) return start_stream(request, stream->second);
    HttpResponse response = guarded_dispatch(request);
    server_.router.shape_error(request.path, response);
    // Only a path no route knows falls back to the web app: GET /patients/NOPE stays the API's 404.
    if (response.status == 404 && (request.method == "GET" || request.method == "HEAD") && !server_.static_dir.empty() &&
        !server_.router.matches(request.path)) {
      if (auto file = serve_static_file(server_.static_dir, request.path)) response = std::move(*file);
    }
    head_only_ = request.method == "HEAD";
    write(std::move(response), keep_alive);
  }

  // The route's answer, or a 500 naming the exception it threw: a handler's bug fails its request,
  // never the process, and the server goes on serving.
  HttpResponse guarded_dispatch(HttpRequest& request) {
    try {
      return server_.router.dispatch(request);
    } catch (...) {
      const std::string what = current_exception_text();
      log_error("http", "handler failed", {{"method", request.method}, {"path", request.path}, {"error", what}});
      return HttpResponse::error(500, "internal", fmt::format("{} {} failed: {}", request.method, request.path, what));
    }
  }

  static HttpRequest to_request(const beast_http::request<beast_http::string_body>& raw) {
    HttpRequest r;
    r.method = std::string(raw.method_string());
    const std::string target(raw.target());
    const size_t q = target.find('?');
    r.path = url_decode(target.substr(0, q));
    if (q != std::string::npos) r.query = parse_query(target.substr(q + 1));
    for (const auto& field : raw) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = std::string(field.value());
    }
    r.body = raw.body();
    return r;
  }

  void start_stream(const HttpRequest& request, const StreamHandler& handler) {
    std::string headers =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\n"
        "X-Accel-Buffering: no\r\n";
    if (!origin_.empty()) headers += fmt::format("Access-Control-Allow-Origin: {}\r\nVary: Origin\r\n", origin_);
    headers += "\r\n";
    auto connection = std::make_shared<SseConnection>(server_.context, std::move(stream_),
                                                      server_.options.max_stream_queue_bytes, slot_);
    {
      std::lock_guard lock(server_.streams_mutex);
      std::erase_if(server_.streams_open, [](const std::weak_ptr<EventStream>& w) { return w.expired(); });
      server_.streams_open.push_back(connection);
    }
    connection->start(std::move(headers));
    try {
      handler(request, connection);
    } catch (...) {
      // The 200 is on its way already: the stream ends instead.
      log_error("http", "stream handler failed", {{"path", request.path}, {"error", current_exception_text()}});
      connection->close();
    }
  }

  void write(HttpResponse response, bool keep_alive) {
    auto res = std::make_shared<beast_http::response<beast_http::string_body>>(static_cast<beast_http::status>(response.status), 11);
    res->set(beast_http::field::server, "careflow");
    if (!response.content_type.empty()) res->set(beast_http::field::content_type, response.content_type);
    if (!origin_.empty()) {
      res->set(beast_http::field::access_control_allow_origin, origin_);
      res->set(beast_http::field::vary, "Origin");
    }
    for (auto& [name, value] : response.headers) res->set(name, value);
    res->keep_alive(keep_alive);
    res->body() = std::move(response.body);
    res->prepare_payload();
    if (head_only_) res->body().clear();
    beast_http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, size_t) {
      if (ec || !res->keep_alive()) return self->shut();
      self->read();
    });
  }

  // Lingering close: stop sending, then read and discard what the client still sends (the rest of
  // a body we refused) so the kernel does not answer it with a reset that destroys our response.
  void shut() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(5));
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(discard_), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (!ec) self->drain();
    });
  }

  beast::tcp_stream stream_;
  HttpServer::Impl& server_;
  std::shared_ptr<ConnectionSlot> slot_;
  std::string local_address_;
  beast::flat_buffer buffer_;
  std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
  std::string origin_;
  bool head_only_ = false;
  char discard_[4096];
};

}  // namespace

// On the acceptor's strand. At the cap, accepting stops (new connections wait in the backlog) until
// a connection closes; after a failed accept() it pauses for accept_backoff: the connection that
// could not be accepted is still pending, so accepting again at once would fail again, forever.
void HttpServer::Impl::accept_next() {
  if (!acceptor.is_open()) return;
  if (gate->open.load() >= max_connections) {
    // Logged at most once a minute: under a flood the cap is reached again at every close.
    const auto now = std::chrono::steady_clock::now();
    if (now - cap_logged_at > std::chrono::minutes(1)) {
      log_warn("http", "connection cap reached; new connections wait", {{"max_connections", std::to_string(max_connections)}});
      cap_logged_at = now;
    }
    at_cap = true;
    return;
  }
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (!acceptor.is_open()) return;
    if (ec) {
      if (!accept_failing) {
        log_warn("http", "accept failed; pausing between attempts",
                 {{"error", ec.message()}, {"open_connections", std::to_string(gate->open.load())}});
      }
      accept_failing = true;
      accept_pause.expires_after(options.accept_backoff);
      accept_pause.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec) accept_next();
      });
      return;
    }
    accept_failing = false;
    std::make_shared<Session>(std::move(socket), *this, std::make_shared<ConnectionSlot>(gate))->run();
    accept_next();
  });
}

void HttpServer::Impl::resume_accepting() {
  if (!at_cap || gate->open.load() >= max_connections) return;
  at_cap = false;
  accept_next();
}

// An exception that escapes to the I/O loop (a completion handler's bug) is logged and the thread
// goes on serving: Asio's run() may be called again after one.
void HttpServer::Impl::run_io_thread() {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (...) {
      log_error("http", "exception escaped to an I/O thread; it goes on", {{"error", current_exception_text()}});
    }
  }
}

HttpServer::HttpServer(HttpServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::add_stream(std::string path, StreamHandler handler) { impl_->streams[std::move(path)] = std::move(handler); }

void HttpServer::serve_static(std::string dir) { impl_->static_dir = std::move(dir); }

Status HttpServer::start() {
  beast::error_code ec;
  const auto address = net::ip::make_address(impl_->options.host, ec);
  if (ec) return Status::invalid_argument(fmt::format("http.host '{}' is not an IP address", impl_->options.host));
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(impl_->options.port));
  auto& acceptor = impl_->acceptor;
  if (acceptor.open(endpoint.protocol(), ec); ec) return Status::io_error(fmt::format("socket: {}", ec.message()));
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (acceptor.bind(endpoint, ec); ec) {
    return Status::io_error(fmt::format("cannot listen on {}:{}: {} (set http.port or CAREFLOW_HTTP_PORT)",
                                        impl_->options.host, impl_->options.port, ec.message()));
  }
  if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec) {
    return Status::io_error(fmt::format("listen: {}", ec.message()));
  }
  bound_port_ = acceptor.local_endpoint().port();
  impl_->policy = {impl_->options.host, impl_->options.allowed_hosts, impl_->options.cors_origins, impl_->options.bearer_token};
  impl_->max_connections = std::max<size_t>(1, impl_->options.max_connections);
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY &&
      impl_->max_connections + kReservedFileDescriptors > files.rlim_cur) {
    const size_t room = files.rlim_cur > 2 * kReservedFileDescriptors ? files.rlim_cur - kReservedFileDescriptors : files.rlim_cur / 2;
    log_warn("http", "connection cap lowered to what the open-file limit leaves room for",
             {{"max_connections", std::to_string(impl_->max_connections)}, {"now", std::to_string(room)},
              {"open_file_limit", std::to_string(files.rlim_cur)}});
    impl_->max_connections = std::max<size_t>(1, room);
  }
  Impl* impl = impl_.get();
  {
    std::lock_guard lock(impl->gate->mutex);
    impl->gate->on_close = [impl] { net::post(impl->acceptor.get_executor(), [impl] { impl->resume_accepting(); }); };
  }
  net::post(impl->acceptor.get_executor(), [impl] { impl->accept_next(); });
  impl_->work.emplace(impl_->ioc.get_executor());
  for (int i = 0; i < std::max(1, impl_->options.threads); ++i) {
    impl_->threads.emplace_back([impl] { impl->run_io_thread(); });
  }
  return Status::ok();
}

void HttpServer::stop() {
  if (!impl_ || impl_->threads.empty()) return;
  // Stop accepting and end every event stream, each on its own strand, then stop the threads.
  std::vector<std::shared_ptr<SseConnection>> streams;
  {
    std::lock_guard lock(impl_->streams_mutex);
    for (auto& weak : impl_->streams_open) {
      if (auto stream = weak.lock()) streams.push_back(std::static_pointer_cast<SseConnection>(stream));
    }
  }
  {
    std::lock_guard lock(impl_->gate->mutex);
    impl_->gate->on_close = nullptr;
  }
  std::latch closed(static_cast<std::ptrdiff_t>(streams.size()) + 1);
  net::post(impl_->acceptor.get_executor(), [this, &closed] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->accept_pause.cancel();
    closed.count_down();
  });
  for (auto& stream : streams) {
    net::post(stream->executor(), [stream, &closed] {
      stream->close_now();
      closed.count_down();
    });
  }
  closed.wait();
  impl_->work.reset();
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  // Let the handlers of the cancelled operations run, so they release their connections.
  impl_->ioc.restart();
  impl_->ioc.poll();
}

size_t HttpServer::open_connections() const { return impl_->gate->open.load(); }

size_t HttpServer::max_connections() const {
  return impl_->max_connections ? impl_->max_connections : impl_->options.max_connections;
}

}  // namespace careflow::http
