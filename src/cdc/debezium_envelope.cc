#include "cdc/debezium_envelope.h"

#include <fmt/format.h>

#include "cdc/json_text.h"

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
  const std::string key_schema =
      Json{{"type", "struct"}, {"fields", key_fields}, {"optional", false}, {"name", topic_ + ".Key"}}.dump();

  Json row_fields = Json::array();
  for (const ColumnSchema& c : table_.columns) row_fields.push_back(column_field_schema(c, options_.decimals));
  auto row_schema = [&](const char* field) {
    return Json{{"type", "struct"}, {"fields", row_fields}, {"optional", true}, {"name", topic_ + ".Value"}, {"field", field}};
  };
  auto f = [](const char* type, bool optional, const char* name) {
    return Json{{"type", type}, {"optional", optional}, {"field", name}};
  };
  const std::string value_schema = Json{{"type", "struct"},
                       {"fields", Json::array({row_schema("before"), row_schema("after"), source_schema(),
                                               transaction_schema(), f("string", false, "op"), f("int64", true, "ts_ms"),
                                               f("int64", true, "ts_us"), f("int64", true, "ts_ns")})},
                       {"optional", false},
                       {"name", topic_ + ".Envelope"},
                       {"version", 2}}
                      .dump();
  if (options_.schemas_enable) {
    key_head_ = "{\"schema\":" + key_schema + ",\"payload\":";
    value_head_ = "{\"schema\":" + value_schema + ",\"payload\":";
  }
  for (const ColumnSchema& c : table_.columns) fields_.push_back(Json(c.name).dump() + ":");
  source_head_ = "{\"version\":" + Json(options_.version).dump() + ",\"connector\":\"postgresql\",\"name\":" +
                 Json(options_.topic_prefix).dump() + ",\"ts_ms\":";
  source_db_ = ",\"db\":" + Json(options_.database).dump() + ",\"sequence\":";
  source_table_ =
      ",\"schema\":" + Json(table_.schema).dump() + ",\"table\":" + Json(table_.table).dump() + ",\"txId\":";
}

Status TableEvents::append_row(std::string& out, const Tuple& row) const {
  if (row.size() != table_.columns.size()) {
    return Status::invalid_argument(fmt::format("{}: a row of {} columns for a table of {}", table_.qualified_name(),
                                                row.size(), table_.columns.size()));
  }
  out.push_back('{');
  for (size_t i = 0; i < row.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append(fields_[i]);
    switch (row[i].kind) {
      case TupleValue::Kind::kNull: out.append("null"); break;
      case TupleValue::Kind::kUnchangedToast: append_plain_json_string(out, kUnavailableValuePlaceholder); break;
      case TupleValue::Kind::kText:
      case TupleValue::Kind::kBinary:
        CF_RETURN_IF_ERROR(append_column_value(out, table_.columns[i], row[i].data, options_.decimals));
        break;
    }
  }
  out.push_back('}');
  return Status::ok();
}

Result<std::optional<std::string>> TableEvents::key(const Tuple& row) const {
  if (!has_key()) return std::optional<std::string>();
  std::string out;
  out.reserve(key_head_.size() + 64);
  out.append(key_head_);
  out.push_back('{');
  bool first = true;
  for (size_t i : table_.key_columns) {
    if (i >= row.size()) return Status::invalid_argument(fmt::format("{}: a row without its key columns", table_.qualified_name()));
    if (!first) out.push_back(',');
    first = false;
    out.append(fields_[i]);
    if (row[i].kind == TupleValue::Kind::kNull) {
      out.append("null");
    } else {
      CF_RETURN_IF_ERROR(append_column_value(out, table_.columns[i], row[i].data, options_.decimals));
    }
  }
  out.push_back('}');
  if (!key_head_.empty()) out.push_back('}');
  return std::optional<std::string>(std::move(out));
}

Result<std::string> TableEvents::value(Op op, const Tuple* before, const Tuple* after, const SourceInfo& source,
                                       int64_t now_us) const {
  std::string out;
  out.reserve(value_size_hint_);
  out.append(value_head_);
  out.append("{\"before\":");
  if (before) {
    CF_RETURN_IF_ERROR(append_row(out, *before));
  } else {
    out.append("null");
  }
  out.append(",\"after\":");
  if (after) {
    CF_RETURN_IF_ERROR(append_row(out, *after));
  } else {
    out.append("null");
  }
  out.append(",\"source\":");
  out.append(source_head_);
  append_json_int(out, source.ts_us / 1000);
  out.append(",\"snapshot\":");
  if (!append_json_string(out, source.snapshot)) return Status::invalid_argument("source.snapshot is not valid UTF-8");
  out.append(source_db_);
  // source.sequence is a string holding a JSON array of two LSN strings: ["<last commit>","<lsn>"].
  out.append("\"[");
  if (source.last_commit_lsn) {
    out.append("\\\"");
    append_json_int(out, *source.last_commit_lsn);
    out.append("\\\"");
  } else {
    out.append("null");
  }
  out.append(",\\\"");
  append_json_int(out, source.lsn);
  out.append("\\\"]\"");
  out.append(",\"ts_us\":");
  append_json_int(out, source.ts_us);
  out.append(",\"ts_ns\":");
  append_json_int(out, source.ts_us * 1000);
  out.append(source_table_);
  if (source.tx_id) {
    append_json_int(out, *source.tx_id);
  } else {
    out.append("null");
  }
  out.append(",\"lsn\":");
  append_json_int(out, source.lsn);
  out.append(",\"xmin\":null},\"transaction\":null,\"op\":\"");
  out.push_back(static_cast<char>(op));
  out.append("\",\"ts_ms\":");
  append_json_int(out, now_us / 1000);
  out.append(",\"ts_us\":");
  append_json_int(out, now_us);
  out.append(",\"ts_ns\":");
  append_json_int(out, now_us * 1000);
  out.push_back('}');
  if (!value_head_.empty()) out.push_back('}');
  value_size_hint_ = out.size() + 64;
  return out;
}

}  // namespace careflow::cdc
