// careflow's side of the JSON Schema interop check (tests/interop/registry/run): a table in
// 'json-registry' (careflow's real format, src/exec/formats/json_registry_format.cc) against the
// registry at URL.
//   json_registry_interop encode URL TOPIC IN OUT   JSON lines → the table's records (hex values)
//   json_registry_interop decode URL TOPIC IN OUT   framed values (hex lines) → JSON lines
// The table is (device_id STRING NOT NULL, metric STRING, value DOUBLE, ts TIMESTAMP_LTZ(3),
// n BIGINT); a JSON line holds them with ts in epoch milliseconds, as interop.py writes them.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

#include "exec/formats/record_format.h"
#include "exec/session.h"
#include "interop/registry/hex.h"
#include "registry/client_implementations.h"

namespace {

using careflow::exec::Row;
using careflow::exec::RowBatch;
using careflow::interop::from_hex;
using careflow::interop::to_hex;
using careflow::values::Value;
using nlohmann::json;

Value maybe(const json& j, Value (*make)(const json&)) { return j.is_null() ? Value() : make(j); }

Row row_of(const json& line) {
  return Row{careflow::exec::RowKind::kInsert,
             {Value::string(line.at("device_id").get<std::string>()),
              maybe(line.at("metric"), [](const json& j) { return Value::string(j.get<std::string>()); }),
              maybe(line.at("value"), [](const json& j) { return Value::real(j.get<double>()); }),
              maybe(line.at("ts"), [](const json& j) { return Value::integer(j.get<int64_t>() * 1000); }),
              maybe(line.at("n"), [](const json& j) { return Value::integer(j.get<int64_t>()); })}};
}

json line_of(const Row& row) {
  auto or_null = [](const Value& v, auto get) { return v.is_null() ? json(nullptr) : json(get(v)); };
  return json{{"device_id", row.fields[0].as_string()},
              {"metric", or_null(row.fields[1], [](const Value& v) { return v.as_string(); })},
              {"value", or_null(row.fields[2], [](const Value& v) { return v.as_double(); })},
              {"ts", or_null(row.fields[3], [](const Value& v) { return v.as_int() / 1000; })},
              {"n", or_null(row.fields[4], [](const Value& v) { return v.as_int(); })}};
}

int run(const std::string& mode, const std::string& url, const std::string& topic, const std::string& in, const std::string& out) {
  auto client = careflow::registry::http_client(url);
  if (!client.is_ok()) return std::cerr << client.status().to_string() << "\n", 1;
  careflow::exec::SchemaRegistryClients registries(client->get(), careflow::serde::SerializerOptions{}, nullptr);
  careflow::exec::Session session;
  auto created = session.execute_script(fmt::format(
      "CREATE TABLE interop (device_id STRING NOT NULL, metric STRING, `value` DOUBLE, ts TIMESTAMP_LTZ(3), n BIGINT) "
      "WITH ('topic' = '{}', 'value.format' = 'json-registry')",
      topic));
  if (!created.is_ok()) return std::cerr << created.status().to_string() << "\n", 1;
  auto format = careflow::exec::make_record_format(*session.catalog().table("interop"), &registries);
  if (!format.is_ok()) return std::cerr << format.status().to_string() << "\n", 1;
  std::ifstream input(in);
  std::ofstream output(out);
  std::string line;
  int count = 0;
  for (int64_t offset = 0; std::getline(input, line); ++offset) {
    if (line.empty()) continue;
    if (mode == "encode") {
      std::vector<careflow::log::Record> records;
      careflow::Status s = (*format)->encode(row_of(json::parse(line)), &records);
      if (!s.is_ok()) return std::cerr << s.to_string() << "\n", 1;
      output << to_hex(*records.at(0).value) << "\n";
    } else {
      careflow::log::Record record;
      record.offset = offset;
      record.value = from_hex(line);
      RowBatch rows;
      careflow::Status s = (*format)->decode(record, &rows);
      if (!s.is_ok()) return std::cerr << s.to_string() << "\n", 1;
      output << line_of(rows.at(0)).dump() << "\n";
    }
    ++count;
  }
  std::cout << fmt::format("json-registry {}: {} records\n", mode, count);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 5 && (args[0] == "encode" || args[0] == "decode")) return run(args[0], args[1], args[2], args[3], args[4]);
  std::cerr << "usage: json_registry_interop encode|decode URL TOPIC IN OUT\n";
  return 2;
}
