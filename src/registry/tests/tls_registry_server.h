#pragma once
// A real TLS server for tests: careflow's registry routes behind Boost.Asio's ssl stream on a free
// loopback port, with a certificate a test CA signed (see test_pki.h). careflow's own HTTP server
// has no TLS; this stands in for an https registry such as Confluent Cloud's.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <list>
#include <mutex>
#include <string>
#include <thread>

#include "http/router.h"
#include "http/url.h"

namespace careflow::registry::test_support {

class TlsRegistryServer {
 public:
  TlsRegistryServer(const http::Router& router, const std::string& cert_file, const std::string& key_file)
      : router_(router), tls_(boost::asio::ssl::context::tls_server), acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    tls_.use_certificate_chain_file(cert_file);
    tls_.use_private_key_file(key_file, boost::asio::ssl::context::pem);
    accepting_ = std::thread([this] { accept_loop(); });
  }
  ~TlsRegistryServer() {
    stopping_ = true;
    boost::asio::io_context wake_ioc;
    boost::asio::ip::tcp::socket wake(wake_ioc);
    boost::system::error_code ignored;
    wake.connect({boost::asio::ip::make_address("127.0.0.1"), port()}, ignored);
    accepting_.join();
    {
      std::lock_guard lock(mu_);
      for (auto* s : open_) s->shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    }
    for (auto& t : connections_) t.join();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  // Handshakes that failed (a client that did not trust the certificate aborts its handshake).
  int failed_handshakes() const { return failed_handshakes_; }

 private:
  void accept_loop() {
    while (!stopping_) {
      boost::asio::ip::tcp::socket socket(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) continue;
      connections_.emplace_back([this, s = std::move(socket)]() mutable { serve(std::move(s)); });
    }
  }

  void serve(boost::asio::ip::tcp::socket socket) {
    namespace beast_http = boost::beast::http;
    boost::beast::ssl_stream<boost::asio::ip::tcp::socket> stream(std::move(socket), tls_);
    {
      std::lock_guard lock(mu_);
      open_.push_back(&stream.next_layer());
    }
    boost::system::error_code ec;
    stream.handshake(boost::asio::ssl::stream_base::server, ec);
    if (ec) ++failed_handshakes_;
    boost::beast::flat_buffer buffer;
    while (!ec) {
      beast_http::request<beast_http::string_body> raw;
      beast_http::read(stream, buffer, raw, ec);
      if (ec) break;
      http::HttpRequest request;
      request.method = std::string(raw.method_string());
      const std::string target(raw.target());
      const size_t q = target.find('?');
      request.path = http::url_decode(target.substr(0, q));
      if (q != std::string::npos) request.query = http::parse_query(target.substr(q + 1));
      for (const auto& field : raw) {
        std::string name(field.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        request.headers[name] = std::string(field.value());
      }
      request.body = raw.body();
      http::HttpResponse answer = router_.dispatch(request);
      beast_http::response<beast_http::string_body> res(static_cast<beast_http::status>(answer.status), 11);
      res.set(beast_http::field::content_type, answer.content_type);
      res.keep_alive(raw.keep_alive());
      res.body() = answer.body;
      res.prepare_payload();
      beast_http::write(stream, res, ec);
      if (!raw.keep_alive()) break;
    }
    std::lock_guard lock(mu_);
    open_.remove(&stream.next_layer());
  }

  const http::Router& router_;
  boost::asio::io_context ioc_;
  boost::asio::ssl::context tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> failed_handshakes_{0};
  std::mutex mu_;
  std::list<boost::asio::ip::tcp::socket*> open_;
  std::list<std::thread> connections_;
  std::thread accepting_;
};

}  // namespace careflow::registry::test_support
