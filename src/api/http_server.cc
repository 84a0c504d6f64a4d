#include "api/http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <latch>
#include <map>
#include <optional>

#include "api/static_files.h"
#include "api/url.h"

namespace careflow::api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr auto kIdleTimeout = std::chrono::seconds(60);

}  // namespace

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
  // Keeps run() going while no connection is open, so stop() can still post to the threads.
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::mutex streams_mutex;
  std::vector<std::weak_ptr<EventStream>> streams_open;  // closed by stop()
  std::vector<std::thread> threads;

  void accept_next();
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
  SseConnection(std::shared_ptr<net::io_context> context, beast::tcp_stream stream, size_t max_queue_bytes)
      : context_(std::move(context)), stream_(std::move(stream)), max_queue_bytes_(max_queue_bytes) {}

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
  Session(tcp::socket socket, HttpServer::Impl& server) : stream_(std::move(socket)), server_(server) {}

  void run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(server_.options.max_body_bytes);
    parser_->header_limit(64 * 1024);
    stream_.expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted || ec == beast::error::timeout ||
        ec == net::error::eof || ec == net::error::connection_reset) {
      return shut();
    }
    if (ec == http::error::body_limit) {
      return write(HttpResponse::error(413, "payload_too_large",
                                       fmt::format("request body is larger than {} bytes", server_.options.max_body_bytes)),
                   false);
    }
    if (ec) return write(HttpResponse::error(400, "bad_request", fmt::format("malformed HTTP request: {}", ec.message())), false);

    http::request<http::string_body> raw = parser_->release();
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
    if (request.method == "GET") {
      if (auto it = server_.streams.find(request.path); it != server_.streams.end()) return start_stream(request, it->second);
    }
    const bool mutating = request.method == "POST" || request.method == "PUT" || request.method == "DELETE";
    if (mutating && !server_.options.bearer_token.empty() &&
        request.header("authorization") != "Bearer " + server_.options.bearer_token) {
      HttpResponse denied = HttpResponse::error(401, "unauthorized",
                                                "this careflow requires 'Authorization: Bearer <token>' (CAREFLOW_API_TOKEN) "
                                                "for changes");
      denied.headers.emplace_back("WWW-Authenticate", "Bearer");
      return write(std::move(denied), keep_alive);
    }
    HttpResponse response = server_.router.dispatch(request);
    // Only a path no route knows falls back to the web app: GET /patients/NOPE stays the API's 404.
    if (response.status == 404 && (request.method == "GET" || request.method == "HEAD") && !server_.static_dir.empty() &&
        !server_.router.matches(request.path)) {
      if (auto file = serve_static_file(server_.static_dir, request.path)) response = std::move(*file);
    }
    head_only_ = request.method == "HEAD";
    write(std::move(response), keep_alive);
  }

  static HttpRequest to_request(const http::request<http::string_body>& raw) {
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
    auto connection =
        std::make_shared<SseConnection>(server_.context, std::move(stream_), server_.options.max_stream_queue_bytes);
    {
      std::lock_guard lock(server_.streams_mutex);
      std::erase_if(server_.streams_open, [](const std::weak_ptr<EventStream>& w) { return w.expired(); });
      server_.streams_open.push_back(connection);
    }
    connection->start(std::move(headers));
    handler(request, connection);
  }

  void write(HttpResponse response, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(response.status), 11);
    res->set(http::field::server, "careflow");
    if (!response.content_type.empty()) res->set(http::field::content_type, response.content_type);
    if (!origin_.empty()) {
      res->set(http::field::access_control_allow_origin, origin_);
      res->set(http::field::vary, "Origin");
    }
    for (auto& [name, value] : response.headers) res->set(name, value);
    res->keep_alive(keep_alive);
    res->body() = std::move(response.body);
    res->prepare_payload();
    if (head_only_) res->body().clear();
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, size_t) {
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
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string origin_;
  bool head_only_ = false;
  char discard_[4096];
};

}  // namespace

void HttpServer::Impl::accept_next() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (!acceptor.is_open()) return;
    if (!ec) std::make_shared<Session>(std::move(socket), *this)->run();
    accept_next();
  });
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
  impl_->accept_next();
  impl_->work.emplace(impl_->ioc.get_executor());
  for (int i = 0; i < std::max(1, impl_->options.threads); ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
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
  std::latch closed(static_cast<std::ptrdiff_t>(streams.size()) + 1);
  net::post(impl_->acceptor.get_executor(), [this, &closed] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
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

}  // namespace careflow::api
