// careflow's side of the Schema Registry interop check (tests/interop/registry/run):
//   registry_interop serve DIR                 the embedded registry on a free loopback port; prints
//                                              "port N", runs until its standard input closes
//   registry_interop encode URL TOPIC IN OUT SCHEMA_DIR
//                                              JSON lines → records framed by careflow's serializer
//                                              (hex, one a line), schema auto-registered under
//                                              ":.interop:<TOPIC>-value"
//   registry_interop decode URL IN OUT         framed records (hex lines) → JSON lines
// The JSON form of a datum is the one interop.py uses: timestamps as epoch numbers, bytes as hex,
// enums by symbol, unions as their value or null.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

#include "http/http_server.h"
#include "interop/registry/hex.h"
#include "registry/client_implementations.h"
#include "registry/registry_routes.h"
#include "serde/confluent_avro.h"

namespace {

using careflow::Result;
using careflow::Status;
using careflow::serde::avro::Datum;
using careflow::serde::avro::Node;
using careflow::serde::avro::Type;
using careflow::interop::from_hex;
using careflow::interop::to_hex;
using nlohmann::json;

const char* kSchemaFile = "device_metric.avsc";

json to_json(const Node& node, const Datum& d) {
  switch (node.type) {
    case Type::kNull: return nullptr;
    case Type::kBoolean: return d.i != 0;
    case Type::kInt:
    case Type::kLong: return d.i;
    case Type::kFloat:
    case Type::kDouble: return d.d;
    case Type::kString: return d.s;
    case Type::kBytes:
    case Type::kFixed: return to_hex(d.s);
    case Type::kEnum: return node.symbols.at(static_cast<size_t>(d.i));
    case Type::kUnion: return to_json(*node.branches.at(static_cast<size_t>(d.i)), d.items[0]);
    case Type::kArray: {
      json out = json::array();
      for (const Datum& item : d.items) out.push_back(to_json(*node.items, item));
      return out;
    }
    case Type::kMap: {
      json out = json::object();
      for (size_t k = 0; k < d.keys.size(); ++k) out[d.keys[k]] = to_json(*node.values, d.items[k]);
      return out;
    }
    case Type::kRecord: {
      json out = json::object();
      for (size_t f = 0; f < node.fields.size(); ++f) out[node.fields[f].name] = to_json(*node.fields[f].type, d.items[f]);
      return out;
    }
  }
  return nullptr;
}

Datum from_json(const Node& node, const json& j) {
  switch (node.type) {
    case Type::kNull: return Datum::null();
    case Type::kBoolean: return Datum::boolean(j.get<bool>());
    case Type::kInt:
    case Type::kLong: return Datum::integer(j.get<int64_t>());
    case Type::kFloat:
    case Type::kDouble: return Datum::real(j.get<double>());
    case Type::kString: return Datum::text(j.get<std::string>());
    case Type::kBytes:
    case Type::kFixed: return Datum::text(from_hex(j.get<std::string>()));
    case Type::kEnum: {
      auto it = std::find(node.symbols.begin(), node.symbols.end(), j.get<std::string>());
      return Datum::integer(it - node.symbols.begin());
    }
    case Type::kUnion: {
      int null_branch = node.null_branch();
      if (j.is_null()) return Datum::branch(null_branch, Datum::null());
      for (size_t b = 0; b < node.branches.size(); ++b) {
        if (static_cast<int>(b) != null_branch) return Datum::branch(static_cast<int64_t>(b), from_json(*node.branches[b], j));
      }
      return Datum::null();
    }
    case Type::kArray: {
      Datum out;
      for (const auto& item : j) out.items.push_back(from_json(*node.items, item));
      return out;
    }
    case Type::kMap: {
      Datum out;
      for (const auto& [k, v] : j.items()) {
        out.keys.push_back(k);
        out.items.push_back(from_json(*node.values, v));
      }
      return out;
    }
    case Type::kRecord: {
      Datum out;
      for (const auto& field : node.fields) out.items.push_back(from_json(*field.type, j.at(field.name)));
      return out;
    }
  }
  return Datum::null();
}

int fail(const Status& s) {
  std::cerr << "registry_interop: " << s.to_string() << "\n";
  return 1;
}

int serve(const std::string& dir) {
  auto registry = careflow::registry::SchemaRegistry::open(dir);
  if (!registry.is_ok()) return fail(registry.status());
  careflow::http::Router router;
  careflow::registry::add_registry_routes(router, **registry);
  careflow::http::HttpServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  careflow::http::HttpServer server(options, router);
  if (Status s = server.start(); !s.is_ok()) return fail(s);
  std::cout << "port " << server.port() << std::endl;
  std::string ignored;
  while (std::getline(std::cin, ignored)) {
  }
  server.stop();
  return 0;
}

int encode(const std::string& url, const std::string& topic, const std::string& in, const std::string& out, const std::string& schema_dir) {
  std::ifstream schema_in(schema_dir + "/" + kSchemaFile);
  std::string schema_text((std::istreambuf_iterator<char>(schema_in)), std::istreambuf_iterator<char>());
  auto schema = careflow::serde::avro::Schema::parse(schema_text);
  if (!schema.is_ok()) return fail(schema.status());
  auto client = careflow::registry::http_client(url);
  if (!client.is_ok()) return fail(client.status());
  careflow::serde::SerializerOptions options;
  options.context = ".interop";
  careflow::serde::AvroSerializer serializer(**client, *schema, schema_text, options);
  std::ifstream lines(in);
  std::ofstream output(out);
  std::string line;
  while (std::getline(lines, line)) {
    auto framed = serializer.serialize(topic, from_json(schema->root(), json::parse(line)));
    if (!framed.is_ok()) return fail(framed.status());
    output << to_hex(*framed) << "\n";
  }
  return 0;
}

int decode(const std::string& url, const std::string& in, const std::string& out) {
  auto client = careflow::registry::http_client(url);
  if (!client.is_ok()) return fail(client.status());
  careflow::serde::AvroDeserializer deserializer(**client);
  std::ifstream lines(in);
  std::ofstream output(out);
  std::string line;
  while (std::getline(lines, line)) {
    auto datum = deserializer.deserialize(from_hex(line));
    if (!datum.is_ok()) return fail(datum.status());
    output << to_json(deserializer.last_writer()->root(), *datum).dump() << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 2 && args[0] == "serve") return serve(args[1]);
  if (args.size() == 6 && args[0] == "encode") return encode(args[1], args[2], args[3], args[4], args[5]);
  if (args.size() == 4 && args[0] == "decode") return decode(args[1], args[2], args[3]);
  std::cerr << "usage: registry_interop serve DIR | encode URL TOPIC IN OUT SCHEMA_DIR | decode URL IN OUT\n";
  return 2;
}
