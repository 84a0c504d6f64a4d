// 'connector' = 'jdbc' (Flink's JDBC connector 3.x, its PostgreSQL dialect) as a lookup source:
// a lookup join asks PostgreSQL, through libpq, for the rows whose lookup columns equal a key:
//   SELECT <columns> FROM <table-name> WHERE <k1> = $1 AND <k2> = $2
// with the key as parameters (never spliced into the text; identifiers are passed unquoted as
// Flink's PostgreSQL dialect does, and refused unless they are plain names). Options: 'url'
// (jdbc:postgresql://host[:port]/database[?libpq parameters]), 'table-name', 'username',
// 'password', 'lookup.max-retries' (default 3: a lost connection is reopened and the query
// retried after 1 s × attempt, as JdbcRowDataLookupFunction does), the cache options
// (lookup_cache.h); the scan and sink options are accepted and unused, any other is refused, as
// Flink's factory refuses unknown options. The table cannot be scanned or written yet.
//
// Columns are checked once, at the first lookup, against the JDBC connector's PostgreSQL type
// mapping: SMALLINT int2, INT int4, BIGINT int8, FLOAT float4, DOUBLE float8, DECIMAL numeric,
// BOOLEAN bool, DATE date, TIME time, TIMESTAMP timestamp or timestamptz (its UTC time: the
// session runs in UTC), BYTES bytea, STRING any text type (and any other type, as its text, as the
// JDBC driver's toString gives it). A column declared otherwise fails the job naming it, as
// Flink's row converter fails on its first row. TIMESTAMP_LTZ, ARRAY, MAP and ROW columns are
// refused when the job is built (Flink's PostgreSQL dialect: "Unsupported type: TIMESTAMP_LTZ").
#include <fmt/format.h>

#include <chrono>
#include <set>
#include <thread>

#include "common/numbers.h"
#include "exec/connectors/connector.h"
#include "store/pg_connection.h"
#include "values/value_format.h"

namespace careflow::exec {

namespace {

using values::DataType;
using values::TypeId;
using values::Value;

// PostgreSQL type OIDs (pg_type.dat).
enum : uint32_t {
  kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701, kBpchar = 1042,
  kVarchar = 1043, kText = 25, kDate = 1082, kTime = 1083, kTimestamp = 1114, kTimestamptz = 1184, kNumeric = 1700,
};

const std::set<std::string>& known_options() {
  static const std::set<std::string> kKnown = {
      "connector", "url", "table-name", "driver", "username", "password", "connection.max-retry-timeout",
      "scan.partition.column", "scan.partition.num", "scan.partition.lower-bound", "scan.partition.upper-bound",
      "scan.fetch-size", "scan.auto-commit", "lookup.cache", "lookup.partial-cache.max-rows",
      "lookup.partial-cache.expire-after-write", "lookup.partial-cache.expire-after-access",
      "lookup.partial-cache.cache-missing-key", "lookup.cache.max-rows", "lookup.cache.ttl",
      "lookup.cache.caching-missing-key", "lookup.max-retries", "sink.buffer-flush.max-rows",
      "sink.buffer-flush.interval", "sink.max-retries", "sink.parallelism", "property-version", "changelog.mode"};
  return kKnown;
}

// A plain SQL name, possibly schema-qualified or double-quoted: nothing that could end the
// statement or start another clause.
bool plain_identifier(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '$' || c == '.' || c == '"';
    if (!ok) return false;
  }
  return true;
}

std::string percent_encoded(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// The PostgreSQL types a declared type reads from (the JDBC connector's mapping): one, or for a
// string any (kAnyType); none for a type careflow's connector does not read yet.
constexpr uint32_t kAnyType = 0;
std::vector<uint32_t> source_types(const DataType& type) {
  switch (type.id) {
    case TypeId::kSmallInt: return {kInt2};
    case TypeId::kInt: return {kInt4};
    case TypeId::kBigInt: return {kInt8};
    case TypeId::kFloat: return {kFloat4};
    case TypeId::kDouble: return {kFloat8};
    case TypeId::kDecimal: return {kNumeric};
    case TypeId::kBoolean: return {kBool};
    case TypeId::kDate: return {kDate};
    case TypeId::kTime: return {kTime};
    // timestamptz as the instant's UTC time (Flink: as the JVM's time zone shows it; UTC here).
    case TypeId::kTimestamp: return {kTimestamp, kTimestamptz};
    case TypeId::kVarBinary:
    case TypeId::kBinary: return {kBytea};
    case TypeId::kVarChar:
    case TypeId::kChar: return {kAnyType};
    default: return {};
  }
}

bool maps_to(uint32_t oid, const DataType& type) {
  for (uint32_t t : source_types(type)) {
    if (t == kAnyType || t == oid) return true;
  }
  return false;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// PostgreSQL's text output of a value of a column that maps to `type`.
Result<Value> read_value(const std::string& text, const DataType& type) {
  switch (type.id) {
    case TypeId::kBoolean: return Value::boolean(text == "t");
    case TypeId::kVarBinary:
    case TypeId::kBinary: {
      // bytea_output = hex: \x0a1b
      if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0) {
        return Status::invalid_argument(fmt::format("a bytea value that is not hex: '{}'", text.substr(0, 40)));
      }
      std::string bytes;
      for (size_t i = 2; i < text.size(); i += 2) {
        const int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);
        if (hi < 0 || lo < 0) return Status::invalid_argument("a bytea value that is not hex");
        bytes += static_cast<char>(hi * 16 + lo);
      }
      return Value::bytes(std::move(bytes));
    }
    case TypeId::kTimestamp: {
      // A timestamptz reads "2024-01-01 12:00:00.123+00" in the session's UTC: its UTC time.
      if (text.size() > 3 && (text.ends_with("+00") || text.ends_with("-00"))) {
        return values::parse_value(std::string_view(text).substr(0, text.size() - 3), type);
      }
      return values::parse_value(text, type);
    }
    default: return values::parse_value(text, type);
  }
}

// A key value as a text parameter PostgreSQL parses into the column's type.
std::string parameter_text(const Value& v, const DataType& type) {
  switch (type.id) {
    case TypeId::kBoolean: return v.as_bool() ? "true" : "false";
    case TypeId::kVarBinary:
    case TypeId::kBinary: {
      std::string out = "\\x";
      for (unsigned char c : v.as_bytes()) out += fmt::format("{:02x}", c);
      return out;
    }
    default: return values::format_value(v, type);
  }
}

struct JdbcOptions {
  std::string conninfo;  // a libpq URI
  std::string url;       // as written, for messages (no password in it unless the user put one there)
  std::string table_name;
  int max_retries = 3;
};

Result<JdbcOptions> jdbc_options(const sql::TableDef& table) {
  for (const auto& [key, value] : table.options) {
    if (!known_options().count(key)) {
      return Status::invalid_argument(fmt::format("table '{}': unsupported option '{}' for the 'jdbc' connector", table.name, key));
    }
  }
  JdbcOptions o;
  const std::string* url = table.option("url");
  const std::string* name = table.option("table-name");
  if (!url || !name) {
    return Status::invalid_argument(fmt::format("table '{}': the 'jdbc' connector needs 'url' and 'table-name'", table.name));
  }
  constexpr std::string_view kScheme = "jdbc:postgresql://";
  if (!url->starts_with(kScheme)) {
    return Status::invalid_argument(fmt::format("table '{}': 'url' = '{}': careflow's 'jdbc' connector reaches "
                                                "PostgreSQL only (jdbc:postgresql://host:port/database)",
                                                table.name, *url));
  }
  if (const std::string* driver = table.option("driver"); driver && *driver != "org.postgresql.Driver") {
    return Status::invalid_argument(fmt::format("table '{}': 'driver' = '{}': only org.postgresql.Driver", table.name, *driver));
  }
  if (!plain_identifier(*name)) {
    return Status::invalid_argument(fmt::format("table '{}': 'table-name' = '{}' is not a plain table name", table.name, *name));
  }
  // Flink's factory: "Either all or none of the following options should be provided".
  if (!table.option("username") != !table.option("password")) {
    return Status::invalid_argument(fmt::format("table '{}': give both 'username' and 'password' or neither", table.name));
  }
  std::string userinfo;
  if (const std::string* user = table.option("username")) {
    userinfo = percent_encoded(*user);
    if (const std::string* password = table.option("password")) userinfo += ":" + percent_encoded(*password);
    userinfo += "@";
  }
  o.url = *url;
  o.conninfo = "postgresql://" + userinfo + url->substr(kScheme.size());
  o.table_name = *name;
  if (const std::string* retries = table.option("lookup.max-retries")) {
    std::optional<int> n = parse_number<int>(*retries);
    if (!n || *n < 0 || *n > 100) {
      return Status::invalid_argument(fmt::format("table '{}': 'lookup.max-retries' = '{}' is not a number from 0 to "
                                                  "100",
                                                  table.name, *retries));
    }
    o.max_retries = *n;
  }
  return o;
}

class JdbcLookup : public LookupSource {
 public:
  JdbcLookup(const sql::TableDef& table, std::vector<int> lookup_columns, JdbcOptions options)
      : table_(table.name), options_(std::move(options)), lookup_columns_(std::move(lookup_columns)) {
    std::string select;
    for (const sql::TableColumn& c : table.columns) {
      columns_.push_back(c.name);
      types_.push_back(c.type);
      select += (select.empty() ? "" : ", ") + c.name;
    }
    query_ = fmt::format("SELECT {} FROM {} WHERE ", select, options_.table_name);
    for (size_t i = 0; i < lookup_columns_.size(); ++i) {
      query_ += fmt::format("{}{} = ${}", i ? " AND " : "", columns_[static_cast<size_t>(lookup_columns_[i])], i + 1);
    }
  }

  Result<std::vector<std::vector<Value>>> lookup(const std::vector<Value>& key) override {
    std::vector<store::SqlParam> params;
    for (size_t i = 0; i < key.size(); ++i) {
      params.emplace_back(parameter_text(key[i], types_[static_cast<size_t>(lookup_columns_[i])]));
    }
    for (int attempt = 0;; ++attempt) {
      Status s = ensure_connected();
      if (s) {
        Result<store::SqlRows> rows = connection_->exec(query_, params);
        if (rows) return convert(*rows);
        s = rows.status();
      }
      // A statement PostgreSQL refuses fails the same way again: only a connection is retried.
      if (s.code() != StatusCode::kUnavailable || attempt >= options_.max_retries) {
        return Status(s.code(), fmt::format("table '{}': the lookup in PostgreSQL ({}) failed{}: {}", table_,
                                            options_.table_name,
                                            attempt > 0 ? fmt::format(" after {} retries", attempt) : "", s.message()));
      }
      connection_.reset();
      std::this_thread::sleep_for(std::chrono::milliseconds(1000 * (attempt + 1)));
    }
  }

 private:
  Status ensure_connected() {
    if (connection_ && connection_->healthy()) return Status::ok();
    connection_.reset();
    CF_ASSIGN_OR_RETURN(connection_, store::PgConnection::connect(options_.conninfo));
    if (auto utc = connection_->exec("SET TimeZone TO 'UTC'"); !utc) return utc.status();
    if (!checked_) {
      // The columns against the type mapping, once: an empty result still carries their types.
      CF_ASSIGN_OR_RETURN(store::SqlRows none, connection_->exec(query_.substr(0, query_.find(" WHERE ")) + " WHERE false"));
      for (size_t i = 0; i < columns_.size(); ++i) {
        if (i < none.column_types.size() && !maps_to(none.column_types[i], types_[i])) {
          return Status::invalid_argument(fmt::format("column '{}' is declared {}, which the JDBC connector does not "
                                                      "read from PostgreSQL's type (oid {}) of that column",
                                                      columns_[i], types_[i].to_string(), none.column_types[i]));
        }
      }
      checked_ = true;
    }
    return Status::ok();
  }

  Result<std::vector<std::vector<Value>>> convert(const store::SqlRows& rows) const {
    std::vector<std::vector<Value>> out;
    out.reserve(rows.rows.size());
    for (const auto& row : rows.rows) {
      std::vector<Value> fields;
      fields.reserve(row.size());
      for (size_t c = 0; c < row.size() && c < types_.size(); ++c) {
        if (!row[c]) {
          fields.emplace_back();
          continue;
        }
        Result<Value> v = read_value(*row[c], types_[c]);
        if (!v) {
          return Status::invalid_argument(fmt::format("table '{}': column '{}': {}", table_, columns_[c], v.status().message()));
        }
        fields.push_back(std::move(*v));
      }
      out.push_back(std::move(fields));
    }
    return out;
  }

  std::string table_;
  JdbcOptions options_;
  std::vector<int> lookup_columns_;
  std::vector<std::string> columns_;
  std::vector<DataType> types_;
  std::string query_;
  std::unique_ptr<store::PgConnection> connection_;
  bool checked_ = false;
};

Result<std::unique_ptr<LookupSource>> make_jdbc_lookup(const sql::TableDef& table, const std::vector<int>& lookup_columns) {
  CF_ASSIGN_OR_RETURN(JdbcOptions options, jdbc_options(table));
  for (const sql::TableColumn& c : table.columns) {
    if (!plain_identifier(c.name)) {
      return Status::invalid_argument(fmt::format("table '{}': column '{}' is not a plain name PostgreSQL reads unquoted",
                                                  table.name, c.name));
    }
    if (source_types(c.type).empty()) {
      return Status::invalid_argument(fmt::format("table '{}': column '{}' is {}, which careflow's 'jdbc' connector "
                                                  "does not read yet",
                                                  table.name, c.name, c.type.to_string()));
    }
  }
  return std::unique_ptr<LookupSource>(std::make_unique<JdbcLookup>(table, lookup_columns, std::move(options)));
}

}  // namespace

CF_REGISTER_CONNECTOR({"jdbc", nullptr, nullptr, false, make_jdbc_lookup});

}  // namespace careflow::exec
