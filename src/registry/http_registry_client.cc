#include "registry/http_registry_client.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <mutex>
#include <optional>

#include "common/json_parse.h"
#include "registry/client_implementations.h"

namespace careflow::registry {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using nlohmann::json;

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(n >> s) & 63]);
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += {kAlphabet[(n >> 18) & 63], kAlphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += {kAlphabet[(n >> 18) & 63], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], '='};
  }
  return out;
}

// Subjects may hold ':' and other characters a path needs escaped.
std::string escape(const std::string& segment) {
  std::string out;
  for (unsigned char c : segment) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// One open connection, plain or TLS; reopened when the server closed it.
class Connection {
 public:
  Connection(asio::io_context& ioc, asio::ssl::context* tls) : ioc_(ioc), tls_(tls) {}

  // Throws boost::system::system_error; `stage` says what was being done.
  void open(const RegistryEndpoint& e, std::string* stage) {
    *stage = "connecting";
    asio::ip::tcp::resolver resolver(ioc_);
    auto addresses = resolver.resolve(e.host, e.port);
    if (!tls_) {
      plain_.emplace(ioc_);
      plain_->expires_after(std::chrono::seconds(30));
      plain_->connect(addresses);
      return;
    }
    secure_.emplace(ioc_, *tls_);
    beast::get_lowest_layer(*secure_).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(*secure_).connect(addresses);
    *stage = "TLS handshake";
    // SNI (for names; RFC 6066 leaves it out for IP literals), and the name or address the
    // certificate must carry, which OpenSSL checks while verifying the chain.
    boost::system::error_code not_an_address;
    asio::ip::make_address(e.host, not_an_address);
    const bool sni_ok = !not_an_address || SSL_set_tlsext_host_name(secure_->native_handle(), e.host.c_str());
    if (!sni_ok || !SSL_set1_host(secure_->native_handle(), e.host.c_str())) {
      throw boost::system::system_error(beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()));
    }
    secure_->handshake(asio::ssl::stream_base::client);
  }

  bool is_open() const { return plain_.has_value() || secure_.has_value(); }

  // Why the last handshake's verification failed, or "".
  std::string verify_failure() {
    if (!secure_) return "";
    long result = SSL_get_verify_result(secure_->native_handle());
    return result == X509_V_OK ? "" : X509_verify_cert_error_string(result);
  }

  http::response<http::string_body> exchange(http::request<http::string_body>& req) {
    http::response<http::string_body> res;
    beast::flat_buffer buffer;
    if (plain_) {
      plain_->expires_after(std::chrono::seconds(30));
      http::write(*plain_, req);
      http::read(*plain_, buffer, res);
    } else {
      beast::get_lowest_layer(*secure_).expires_after(std::chrono::seconds(30));
      http::write(*secure_, req);
      http::read(*secure_, buffer, res);
    }
    return res;
  }

  void close() {
    beast::error_code ignored;
    if (plain_) plain_->socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    if (secure_) beast::get_lowest_layer(*secure_).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    plain_.reset();
    secure_.reset();
  }

 private:
  asio::io_context& ioc_;
  asio::ssl::context* tls_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure_;
};

class HttpClient : public serde::RegistryClient {
 public:
  HttpClient(RegistryEndpoint endpoint, std::string auth, std::unique_ptr<asio::ssl::context> tls)
      : endpoint_(std::move(endpoint)), auth_(std::move(auth)), tls_(std::move(tls)), connection_(ioc_, tls_.get()) {}
  ~HttpClient() override { connection_.close(); }

  Result<int> register_typed(const std::string& subject, const std::string& schema, const std::string& schema_type) override {
    CF_ASSIGN_OR_RETURN(json body, call("POST", "/subjects/" + escape(subject) + "/versions", request(schema, schema_type)));
    return body.value("id", 0);
  }
  Result<serde::RegisteredSchema> lookup_typed(const std::string& subject, const std::string& schema, const std::string& schema_type) override {
    CF_ASSIGN_OR_RETURN(json body, call("POST", "/subjects/" + escape(subject), request(schema, schema_type)));
    return registered(body);
  }
  Result<serde::RegisteredSchema> latest(const std::string& subject) override {
    CF_ASSIGN_OR_RETURN(json body, call("GET", "/subjects/" + escape(subject) + "/versions/latest", ""));
    return registered(body);
  }
  Result<serde::RegisteredSchema> schema_of_id(int id) override {
    auto body = call("GET", fmt::format("/schemas/ids/{}", id), "");
    // Without a context in the URL, look in the other contexts too (see registry_client.h); a
    // registry without /contexts keeps the first answer.
    if (!body.is_ok() && body.status().code() == StatusCode::kNotFound && endpoint_.prefix.find("/contexts/") == std::string::npos) {
      auto contexts = call("GET", "/contexts", "");
      for (const auto& ctx : contexts.is_ok() && contexts->is_array() ? *contexts : json::array()) {
        if (!ctx.is_string() || ctx == ".") continue;
        auto found = call("GET", fmt::format("/schemas/ids/{}?subject={}", id, escape(":" + ctx.get<std::string>() + ":")), "");
        if (found.is_ok()) return registered(*found, id);
      }
    }
    if (!body.is_ok()) return body.status();
    return registered(*body, id);
  }

 private:
  // A register or lookup body: Confluent's registries take AVRO when schemaType is left out, as
  // older ones that know no other type expect.
  static std::string request(const std::string& schema, const std::string& schema_type) {
    json body{{"schema", schema}};
    if (schema_type != serde::kAvroSchemaType) body["schemaType"] = schema_type;
    return body.dump();
  }
  // A subject-version or id answer: schemaType is left out for Avro.
  static serde::RegisteredSchema registered(const json& body, int id = 0) {
    return serde::RegisteredSchema{body.value("id", id), body.value("version", 0), body.value("schema", ""),
                                   body.value("schemaType", std::string(serde::kAvroSchemaType))};
  }

  Result<json> call(const std::string& method, const std::string& path, const std::string& body) {
    std::lock_guard lock(mu_);
    http::request<http::string_body> req(http::string_to_verb(method), endpoint_.prefix + path, 11);
    req.set(http::field::host, endpoint_.host);
    req.set(http::field::accept, "application/vnd.schemaregistry.v1+json, application/json");
    req.keep_alive(true);
    if (!auth_.empty()) req.set(http::field::authorization, "Basic " + base64(auth_));
    if (!body.empty()) req.set(http::field::content_type, "application/vnd.schemaregistry.v1+json");
    req.body() = body;
    req.prepare_payload();
    http::response<http::string_body> res;
    // A kept connection the server has since closed fails on first use: reopen once and retry.
    for (int attempt = 0;; ++attempt) {
      const bool reused = connection_.is_open();
      std::string stage = "sending the request";
      try {
        if (!reused) connection_.open(endpoint_, &stage);
        stage = "sending the request";
        res = connection_.exchange(req);
        break;
      } catch (const std::exception& e) {
        std::string why = connection_.verify_failure();
        connection_.close();
        if (reused && attempt == 0) continue;
        return Status::unavailable(fmt::format("schema registry at {}: {} failed: {}{}", endpoint_.url, stage, e.what(),
                                               why.empty() ? "" : " (" + why + ")"));
      }
    }
    if (!res.keep_alive()) connection_.close();
    auto answer = parse_json(res.body());
    json parsed = answer ? std::move(*answer) : json(json::value_t::discarded);
    if (res.result_int() != 200) {
      RegistryError e{static_cast<int>(res.result_int()), res.body()};
      if (parsed.is_object() && parsed.contains("error_code") && parsed["error_code"].is_number_integer()) {
        e.error_code = parsed["error_code"].get<int>();
        e.message = parsed.value("message", "");
      }
      return to_status(e);
    }
    if (parsed.is_discarded()) {
      return Status::unavailable(fmt::format("schema registry at {} answered {} {} with non-JSON", endpoint_.url, method, path));
    }
    return parsed;
  }

  RegistryEndpoint endpoint_;
  std::string auth_;
  std::mutex mu_;
  asio::io_context ioc_;
  std::unique_ptr<asio::ssl::context> tls_;
  Connection connection_;
};

}  // namespace

Result<std::unique_ptr<serde::RegistryClient>> make_http_registry_client(RegistryEndpoint endpoint, const std::string& user_info,
                                                                         const std::string& ca_file) {
  std::unique_ptr<asio::ssl::context> tls;
  if (endpoint.tls) {
    tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    beast::error_code ec;
    if (ca_file.empty()) {
      tls->set_default_verify_paths(ec);
    } else {
      tls->load_verify_file(ca_file, ec);
    }
    if (ec) {
      return Status::invalid_argument(fmt::format("schema registry URL '{}': loading the trusted CAs from {}: {}", endpoint.url,
                                                  ca_file.empty() ? "the system's store" : ca_file, ec.message()));
    }
    tls->set_verify_mode(asio::ssl::verify_peer);
  }
  return std::unique_ptr<serde::RegistryClient>(std::make_unique<HttpClient>(std::move(endpoint), user_info, std::move(tls)));
}

}  // namespace careflow::registry
