// 'connector' = 'datagen' (Flink's DataGen): 'number-of-rows' rows (unbounded without it), each
// field random ('fields.<col>.min'/'max', 'fields.<col>.length' for strings) or a sequence
// ('fields.<col>.kind' = 'sequence' with 'start' and 'end'). Timestamps are the current time.
// Seeded from 'seed' (default 0), so a run is reproducible.
#include <fmt/format.h>

#include <random>

#include "common/clock.h"
#include "exec/connectors/connector.h"

namespace careflow::exec {

namespace {

class DatagenSource : public Source {
 public:
  DatagenSource(const sql::TableDef& table, int64_t rows, uint64_t seed) : table_(table), remaining_(rows), rng_(seed) {}

  Result<bool> poll(RowBatch* out, size_t max_rows) override {
    while (out->size() < max_rows && remaining_ != 0) {
      Row row{RowKind::kInsert, std::vector<Value>(table_.columns.size())};
      for (size_t c = 0; c < table_.columns.size(); ++c) {
        const sql::TableColumn& col = table_.columns[c];
        if (!col.is_physical()) continue;
        CF_ASSIGN_OR_RETURN(row.fields[c], generate(col));
      }
      out->push_back(std::move(row));
      if (remaining_ > 0) --remaining_;
      ++produced_;
    }
    return remaining_ != 0;
  }

 private:
  double option_number(const std::string& column, const char* key, double fallback) const {
    const std::string* v = table_.option(fmt::format("fields.{}.{}", column, key));
    return v ? std::strtod(v->c_str(), nullptr) : fallback;
  }

  Result<Value> generate(const sql::TableColumn& col) {
    const values::DataType& t = col.type;
    const std::string* kind = table_.option(fmt::format("fields.{}.kind", col.name));
    bool sequence = kind && *kind == "sequence";
    if (sequence) {
      double start = option_number(col.name, "start", 0), end = option_number(col.name, "end", 1e18);
      int64_t v = static_cast<int64_t>(start) + produced_;
      if (v > static_cast<int64_t>(end)) remaining_ = 0;
      if (t.is_string()) return Value::string(std::to_string(v));
      if (t.is_approximate()) return Value::real(static_cast<double>(v));
      return Value::integer(v);
    }
    if (t.is_integer()) {
      double lo = option_number(col.name, "min", 0), hi = option_number(col.name, "max", 2147483647);
      std::uniform_int_distribution<int64_t> d(static_cast<int64_t>(lo), static_cast<int64_t>(hi));
      return Value::integer(d(rng_));
    }
    if (t.is_approximate()) {
      double lo = option_number(col.name, "min", 0), hi = option_number(col.name, "max", 1);
      std::uniform_real_distribution<double> d(lo, hi);
      return Value::real(d(rng_));
    }
    if (t.is_string()) {
      int length = static_cast<int>(option_number(col.name, "length", 10));
      static const char* kChars = "abcdefghijklmnopqrstuvwxyz0123456789";
      std::uniform_int_distribution<int> d(0, 35);
      std::string s;
      for (int i = 0; i < length; ++i) s += kChars[d(rng_)];
      return Value::string(std::move(s));
    }
    if (t.id == values::TypeId::kBoolean) return Value::boolean(std::uniform_int_distribution<int>(0, 1)(rng_) == 1);
    if (t.is_timestamp()) return Value::integer(wall_clock_ms() * 1000);
    return Status::invalid_argument(fmt::format("table '{}': datagen cannot generate column '{}' of type {}", table_.name,
                                                col.name, t.to_string()));
  }

  const sql::TableDef& table_;
  int64_t remaining_;
  int64_t produced_ = 0;
  std::mt19937_64 rng_;
};

Result<std::unique_ptr<Source>> make_datagen_source(const sql::TableDef& table, const ConnectorContext&) {
  const std::string* rows = table.option("number-of-rows");
  const std::string* seed = table.option("seed");
  return std::unique_ptr<Source>(new DatagenSource(table, rows ? std::atoll(rows->c_str()) : -1,
                                                   seed ? std::strtoull(seed->c_str(), nullptr, 10) : 0));
}

}  // namespace

CF_REGISTER_CONNECTOR({"datagen", make_datagen_source, nullptr, false});

}  // namespace careflow::exec
