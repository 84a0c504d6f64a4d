#include "cdc/debezium_envelope.h"

#include <fmt/format.h>

namespace careflow::cdc {
namespace {

Json source_schema() {
  auto f = [](const char* type, bool optional, const char* name) {
    return Json{{"type", type}, {"optional", optional}, {"field", name}};
  };
  Json snapshot = {{"type", "string"},
                   {"optional", true},
                   {"name", "io.debezium.data.Enum"},
                   {"version", 1},
                   {"parameters", {{"allowed", "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"}}},
                   {"default", "false"},
                   {"field", "snapshot"}};
  return Json{{"type", "struct"},
              {"fields", Json::array({f("string", false, "version"), f("string", false, "connector"),
                                      f("string", false, "name"), f("int64", false, "ts_ms"), snapshot,
                                      f("string", false, "db"), f("string", true, "sequence"), f("int64", true, "ts_us"),
                                      f("int64", true, "ts_ns"), f("string", false, "schema"), f("string", false, "table"),
                                      f("int64", true, "txId"), f("int64", true, "lsn"), f("int64", true, "xmin")})},
              {"optional", false},
              {"name", "io.debezium.connector.postgresql.Source"},
              {"version", 1},
              {"field", "source"}};
}

Json transaction_schema() {
  return Json{{"type", "struct"},
              {"fields", Json::array({Json{{"type", "string"}, {"optional", false}, {"field", "id"}},
                                      Json{{"type", "int64"}, {"optional", false}, {"field", "total_order"}},
                                      Json{{"type", "int64"}, {"optional", false}, {"field", "data_collection_order"}}})},
              {"optional", true},
              {"name", "event.block"},
              {"version", 1},
              {"field", "transaction"}};
}

std::string with_schema(const std::string& schema, const Json& payload) {
  return "{\"schema\":" + schema + ",\"payload\":" + payload.dump() + "}";
}

}  // namespace

Tuple tuple_from_text(const std::vector<std::optional<std::string>>& row) {
  Tuple tuple;
  tuple.reserve(row.size());
  for (const auto& v : row) {
    tuple.push_back(v ? TupleValue{TupleValue::Kind::kText, *v} : TupleValue{});
  }
  return tuple;
}

TableEvents::TableEvents(TableSchema table, const EnvelopeOptions& options)
    : table_(std::move(table)), options_(options) {
  topic_ = fmt::format("{}.{}.{}", options_.topic_prefix, table_.schema, table_.table);
  Json key_fields = Json::array();
  for (size_t i : table_.key_columns) key_fields.push_back(column_field_schema(table_.columns[i], options_.decimals));
  key_schema_ = Json{{"type", "struct"}, {"fields", key_fields}, {"optional", false}, {"name", topic_ + ".Key"}}.dump();

  Json row_fields = Json::array();
  for (const ColumnSchema& c : table_.columns) row_fields.push_back(column_field_schema(c, options_.decimals));
  auto row_schema = [&](const char* field) {
    return Json{{"type", "struct"}, {"fields", row_fields}, {"optional", true}, {"name", topic_ + ".Value"}, {"field", field}};
  };
  auto f = [](const char* type, bool optional, const char* name) {
    return Json{{"type", type}, {"optional", optional}, {"field", name}};
  };
  value_schema_ = Json{{"type", "struct"},
                       {"fields", Json::array({row_schema("before"), row_schema("after"), source_schema(),
                                               transaction_schema(), f("string", false, "op"), f("int64", true, "ts_ms"),
                                               f("int64", true, "ts_us"), f("int64", true, "ts_ns")})},
                       {"optional", false},
                       {"name", topic_ + ".Envelope"},
                       {"version", 2}}
                      .dump();
}

Result<Json> TableEvents::row_payload(const Tuple& row) const {
  if (row.size() != table_.columns.size()) {
    return Status::invalid_argument(fmt::format("{}: a row of {} columns for a table of {}", table_.qualified_name(),
                                                row.size(), table_.columns.size()));
  }
  Json out = Json::object();
  for (size_t i = 0; i < row.size(); ++i) {
    const ColumnSchema& c = table_.columns[i];
    switch (row[i].kind) {
      case TupleValue::Kind::kNull: out[c.name] = nullptr; break;
      case TupleValue::Kind::kUnchangedToast: out[c.name] = kUnavailableValuePlaceholder; break;
      case TupleValue::Kind::kText:
      case TupleValue::Kind::kBinary: {
        CF_ASSIGN_OR_RETURN(out[c.name], column_value(c, row[i].data, options_.decimals));
        break;
      }
    }
  }
  return out;
}

Result<std::optional<std::string>> TableEvents::key(const Tuple& row) const {
  if (!has_key()) return std::optional<std::string>();
  Json payload = Json::object();
  for (size_t i : table_.key_columns) {
    if (i >= row.size()) return Status::invalid_argument(fmt::format("{}: a row without its key columns", table_.qualified_name()));
    const ColumnSchema& c = table_.columns[i];
    if (row[i].kind == TupleValue::Kind::kNull) {
      payload[c.name] = nullptr;
    } else {
      CF_ASSIGN_OR_RETURN(payload[c.name], column_value(c, row[i].data, options_.decimals));
    }
  }
  return std::optional<std::string>(options_.schemas_enable ? with_schema(key_schema_, payload) : payload.dump());
}

Result<std::string> TableEvents::value(Op op, const Tuple* before, const Tuple* after, const SourceInfo& source,
                                       int64_t now_us) const {
  Json payload;
  if (before) {
    CF_ASSIGN_OR_RETURN(payload["before"], row_payload(*before));
  } else {
    payload["before"] = nullptr;
  }
  if (after) {
    CF_ASSIGN_OR_RETURN(payload["after"], row_payload(*after));
  } else {
    payload["after"] = nullptr;
  }
  const std::string sequence =
      fmt::format("[{},\"{}\"]", source.last_commit_lsn ? fmt::format("\"{}\"", *source.last_commit_lsn) : "null", source.lsn);
  payload["source"] = Json{{"version", options_.version},
                           {"connector", "postgresql"},
                           {"name", options_.topic_prefix},
                           {"ts_ms", source.ts_us / 1000},
                           {"snapshot", source.snapshot},
                           {"db", options_.database},
                           {"sequence", sequence},
                           {"ts_us", source.ts_us},
                           {"ts_ns", source.ts_us * 1000},
                           {"schema", table_.schema},
                           {"table", table_.table},
                           {"txId", source.tx_id ? Json(*source.tx_id) : Json(nullptr)},
                           {"lsn", source.lsn},
                           {"xmin", nullptr}};
  payload["transaction"] = nullptr;
  payload["op"] = std::string(1, static_cast<char>(op));
  payload["ts_ms"] = now_us / 1000;
  payload["ts_us"] = now_us;
  payload["ts_ns"] = now_us * 1000;
  return options_.schemas_enable ? with_schema(value_schema_, payload) : payload.dump();
}

}  // namespace careflow::cdc
