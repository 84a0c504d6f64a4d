#include "registry/registry_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace careflow::registry {

using nlohmann::json;

Status to_status(const RegistryError& e) {
  std::string message = fmt::format("schema registry: {} (error {})", e.message, e.error_code);
  const int http = e.http_status();
  if (http == 404) return Status::not_found(std::move(message));
  if (http == 409) return Status::failed_precondition(std::move(message));
  if (http == 422) return Status::invalid_argument(std::move(message));
  return Status::unavailable(std::move(message));
}

namespace {

class EmbeddedClient : public RegistryClient {
 public:
  EmbeddedClient(SchemaRegistry& r, std::string context) : registry_(r), context_(std::move(context)) {}
  Result<int> register_schema(const std::string& subject, const std::string& schema) override {
    auto a = registry_.register_schema(qualify(context_, subject), schema, "AVRO", {});
    if (!a.is_ok()) return to_status(a.error());
    return *a;
  }
  Result<RegisteredSchema> lookup(const std::string& subject, const std::string& schema) override {
    auto a = registry_.lookup(qualify(context_, subject), schema, "AVRO", {}, false);
    if (!a.is_ok()) return to_status(a.error());
    return RegisteredSchema{a->schema.id, a->version, a->schema.schema};
  }
  Result<RegisteredSchema> latest(const std::string& subject) override {
    auto a = registry_.get_version(qualify(context_, subject), "latest", false);
    if (!a.is_ok()) return to_status(a.error());
    return RegisteredSchema{a->schema.id, a->version, a->schema.schema};
  }
  Result<std::string> schema_by_id(int id) override {
    auto a = registry_.schema_by_id(id, context_subject(context_));
    if (!a.is_ok()) return to_status(a.error());
    return a->schema;
  }

 private:
  SchemaRegistry& registry_;
  std::string context_;
};

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

class HttpClient : public RegistryClient {
 public:
  HttpClient(std::string host, std::string port, std::string prefix, std::string auth)
      : host_(std::move(host)), port_(std::move(port)), prefix_(std::move(prefix)), auth_(std::move(auth)) {}

  Result<int> register_schema(const std::string& subject, const std::string& schema) override {
    CF_ASSIGN_OR_RETURN(json body, call("POST", "/subjects/" + escape(subject) + "/versions", json{{"schema", schema}}.dump()));
    return body.value("id", 0);
  }
  Result<RegisteredSchema> lookup(const std::string& subject, const std::string& schema) override {
    CF_ASSIGN_OR_RETURN(json body, call("POST", "/subjects/" + escape(subject), json{{"schema", schema}}.dump()));
    return RegisteredSchema{body.value("id", 0), body.value("version", 0), body.value("schema", "")};
  }
  Result<RegisteredSchema> latest(const std::string& subject) override {
    CF_ASSIGN_OR_RETURN(json body, call("GET", "/subjects/" + escape(subject) + "/versions/latest", ""));
    return RegisteredSchema{body.value("id", 0), body.value("version", 0), body.value("schema", "")};
  }
  Result<std::string> schema_by_id(int id) override {
    CF_ASSIGN_OR_RETURN(json body, call("GET", fmt::format("/schemas/ids/{}", id), ""));
    return body.value("schema", "");
  }

 private:
  Result<json> call(const std::string& method, const std::string& path, const std::string& body) {
    namespace beast = boost::beast;
    namespace http = beast::http;
    try {
      boost::asio::io_context ioc;
      boost::asio::ip::tcp::resolver resolver(ioc);
      beast::tcp_stream stream(ioc);
      stream.expires_after(std::chrono::seconds(30));
      stream.connect(resolver.resolve(host_, port_));
      http::request<http::string_body> req(http::string_to_verb(method), prefix_ + path, 11);
      req.set(http::field::host, host_);
      req.set(http::field::accept, "application/vnd.schemaregistry.v1+json, application/json");
      if (!auth_.empty()) req.set(http::field::authorization, "Basic " + base64(auth_));
      if (!body.empty()) req.set(http::field::content_type, "application/vnd.schemaregistry.v1+json");
      req.body() = body;
      req.prepare_payload();
      http::write(stream, req);
      beast::flat_buffer buffer;
      http::response<http::string_body> res;
      http::read(stream, buffer, res);
      beast::error_code ignored;
      stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
      json parsed = json::parse(res.body(), nullptr, false);
      if (res.result_int() != 200) {
        RegistryError e{static_cast<int>(res.result_int()), res.body()};
        if (parsed.is_object() && parsed.contains("error_code")) {
          e.error_code = parsed["error_code"].get<int>();
          e.message = parsed.value("message", "");
        }
        return to_status(e);
      }
      if (parsed.is_discarded()) return Status::unavailable(fmt::format("schema registry at {}:{} answered {} {} with non-JSON", host_, port_, method, path));
      return parsed;
    } catch (const std::exception& e) {
      return Status::unavailable(fmt::format("schema registry at {}:{}: {}", host_, port_, e.what()));
    }
  }

  std::string host_, port_, prefix_, auth_;
};

}  // namespace

std::unique_ptr<RegistryClient> embedded_client(SchemaRegistry& registry, const std::string& context) {
  return std::make_unique<EmbeddedClient>(registry, normalize_context(context));
}

Result<std::unique_ptr<RegistryClient>> http_client(const std::string& url, const std::string& user_info) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind("https://", 0) == 0) {
    return Status::invalid_argument(fmt::format("schema registry URL '{}': https is not supported by this build yet (no TLS)", url));
  }
  if (url.rfind(kScheme, 0) != 0) return Status::invalid_argument(fmt::format("schema registry URL '{}' must start with http://", url));
  std::string rest = url.substr(kScheme.size());
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string prefix = slash == std::string::npos ? "" : rest.substr(slash);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  auto colon = authority.rfind(':');
  std::string host = colon == std::string::npos ? authority : authority.substr(0, colon);
  std::string port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  if (host.empty()) return Status::invalid_argument(fmt::format("schema registry URL '{}' has no host", url));
  return std::unique_ptr<RegistryClient>(std::make_unique<HttpClient>(host, port, prefix, user_info));
}

}  // namespace careflow::registry
