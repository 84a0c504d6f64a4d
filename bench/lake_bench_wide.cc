#include "lake_bench_wide.h"

#include <fmt/format.h>

#include <cstring>
#include <span>

#include "values/value_format.h"

namespace careflow::bench {

using lake::ColumnVector;
using values::DataType;
using values::TypeId;

namespace {

uint64_t splitmix64(uint64_t x) {
  uint64_t z = x + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

const char* const kStatuses[] = {"active", "paused", "retired", "pending", "error"};
const char* const kUnits[] = {"mmHg", "ml/h", "%", "mg/dL", "bpm", "degC", "kPa", "L/min", "mmol/L", "ms", "count", "ratio"};

void put_int(ColumnVector& c, int64_t v) { c.ints.push_back(v); }
void put_double(ColumnVector& c, double v) { c.doubles.push_back(v); }
void put_decimal(ColumnVector& c, values::int128 v) { c.decimals.push_back(v); }
void put_string(ColumnVector& c, std::string_view v) {
  c.heap.append(v);
  c.ends.push_back(c.heap.size());
}
auto i64(uint64_t v) { return static_cast<int64_t>(v); }

// One column of the table: `fill` appends row i's value from the column's hash u.
struct WideColumn {
  const char* name;
  DataType type;
  int null_percent;  // -1: NOT NULL
  void (*fill)(ColumnVector& c, uint64_t u, uint64_t i);
};

// The twin of WIDE_COLUMNS in bench/lake_bench_rows.py, line for line.
const std::vector<WideColumn>& wide_table() {
  static const std::vector<WideColumn> kColumns = {
      {"id", DataType::bigint(), -1, [](ColumnVector& c, uint64_t, uint64_t i) { put_int(c, i64(i)); }},
      {"tenant", DataType::string(), 0, [](ColumnVector& c, uint64_t u, uint64_t) { put_string(c, fmt::format("tenant-{}", u % 8)); }},
      {"region", DataType::string(), 1, [](ColumnVector& c, uint64_t u, uint64_t) { put_string(c, fmt::format("region-{}", u % 20)); }},
      {"status", DataType::string(), 5, [](ColumnVector& c, uint64_t u, uint64_t) { put_string(c, kStatuses[u % 5]); }},
      {"device_model", DataType::string(), 0, [](ColumnVector& c, uint64_t u, uint64_t) { put_string(c, fmt::format("model-{:04d}", u % 300)); }},
      {"unit", DataType::string(), 2, [](ColumnVector& c, uint64_t u, uint64_t) { put_string(c, kUnits[u % 12]); }},
      {"country", DataType::string(), 0, [](ColumnVector& c, uint64_t u, uint64_t) { put_string(c, fmt::format("C{:02d}", u % 50)); }},
      {"event_id", DataType::string(), 0, [](ColumnVector& c, uint64_t u, uint64_t) { put_string(c, fmt::format("{:016x}", u)); }},
      {"user_name", DataType::string(), 10, [](ColumnVector& c, uint64_t u, uint64_t) { put_string(c, fmt::format("user-{}", u % 500000)); }},
      {"note", DataType::string(), 20, [](ColumnVector& c, uint64_t u, uint64_t i) { put_string(c, fmt::format("comment {} #{}", u % 99991, i)); }},
      {"tiny", DataType::of(TypeId::kTinyInt), 0, [](ColumnVector& c, uint64_t u, uint64_t) { put_int(c, i64(u % 256) - 128); }},
      {"small", DataType::of(TypeId::kSmallInt), 1, [](ColumnVector& c, uint64_t u, uint64_t) { put_int(c, i64(u % 65536) - 32768); }},
      {"int_small", DataType::integer(), 0, [](ColumnVector& c, uint64_t u, uint64_t) { put_int(c, i64(u % 100)); }},
      {"int_mid", DataType::integer(), 5, [](ColumnVector& c, uint64_t u, uint64_t) { put_int(c, i64(u % 100000) - 50000); }},
      {"int_full", DataType::integer(), 0, [](ColumnVector& c, uint64_t u, uint64_t) { put_int(c, i64(u % (uint64_t{1} << 32)) - (int64_t{1} << 31)); }},
      {"int_seq", DataType::integer(), -1, [](ColumnVector& c, uint64_t, uint64_t i) { put_int(c, i64(i / 10)); }},
      {"int_sparse", DataType::integer(), 50, [](ColumnVector& c, uint64_t u, uint64_t) { put_int(c, i64(u % 1000)); }},
      {"big_seq", DataType::bigint(), 0, [](ColumnVector& c, uint64_t u, uint64_t i) { put_int(c, i64(i) * 1000 + i64(u % 1000)); }},
      {"big_full", DataType::bigint(), 1, [](ColumnVector& c, uint64_t u, uint64_t) { put_int(c, i64(u)); }},
      {"big_small", DataType::bigint(), 0, [](ColumnVector& c, uint64_t u, uint64_t) { put_int(c, i64(u % 10000)); }},
      {"big_ms", DataType::bigint(), 2, [](ColumnVector& c, uint64_t u, uint64_t) { put_int(c, 1'700'000'000'000 + i64(u % 1'000'000'000)); }},
      {"d_price", DataType::double_type(), 0, [](ColumnVector& c, uint64_t u, uint64_t) { put_double(c, static_cast<double>(u % 1000000) / 100.0); }},
      {"d_ratio", DataType::double_type(), 1, [](ColumnVector& c, uint64_t u, uint64_t) { put_double(c, static_cast<double>(u >> 11) / 9007199254740992.0); }},
      {"d_low", DataType::double_type(), 0, [](ColumnVector& c, uint64_t u, uint64_t) { put_double(c, static_cast<double>(u % 40) * 0.5); }},
      {"d_temp", DataType::double_type(), 5, [](ColumnVector& c, uint64_t u, uint64_t) { put_double(c, static_cast<double>(i64(u % 20001) - 10000) / 100.0); }},
      {"d_sparse", DataType::double_type(), 30, [](ColumnVector& c, uint64_t u, uint64_t) { put_double(c, static_cast<double>(u % 1000000) / 1000.0); }},
      {"dec_amount", DataType::decimal(9, 2), 0, [](ColumnVector& c, uint64_t u, uint64_t) { put_decimal(c, i64(u % 1'000'000'000) - 500'000'000); }},
      {"dec_rate", DataType::decimal(18, 4), 2,
       [](ColumnVector& c, uint64_t u, uint64_t) { put_decimal(c, i64(u % 1'000'000'000'000'000'000ull) - 500'000'000'000'000'000); }},
      // 128-bit: the high word is the hash shifted right arithmetically by 20, the low word a second hash.
      {"dec_big", DataType::decimal(38, 6), 5,
       [](ColumnVector& c, uint64_t u, uint64_t) {
         auto hi = static_cast<values::uint128>(static_cast<values::int128>(i64(u) >> 20));
         put_decimal(c, static_cast<values::int128>((hi << 64) | splitmix64(u)));
       }},
      {"date_birth", DataType::date(), 2, [](ColumnVector& c, uint64_t u, uint64_t) { put_int(c, i64(u % 36500) - 10000); }},
      {"date_event", DataType::date(), 0, [](ColumnVector& c, uint64_t, uint64_t i) { put_int(c, 19000 + i64(i / 5000)); }},
      {"ts_event", DataType::timestamp_ltz(3), 0,
       [](ColumnVector& c, uint64_t u, uint64_t i) { put_int(c, (1'700'000'000'000 + i64(i) * 100 + i64(u % 100)) * 1000); }},
      {"ts_us", DataType::timestamp_ltz(6), 3,
       [](ColumnVector& c, uint64_t u, uint64_t) { put_int(c, 1'600'000'000'000'000 + i64(u % 31'536'000'000'000)); }},
      {"ts_local", DataType::timestamp(6), 10,
       [](ColumnVector& c, uint64_t u, uint64_t) { put_int(c, 1'600'000'000'000'000 + i64(u % 315'360'000'000'000)); }},
      {"flag", DataType::boolean(), 0, [](ColumnVector& c, uint64_t u, uint64_t) { put_int(c, i64(u & 1)); }},
      {"flag_rare", DataType::boolean(), 1, [](ColumnVector& c, uint64_t u, uint64_t) { put_int(c, u % 100 < 3 ? 1 : 0); }},
      {"flag_required", DataType::boolean(), -1, [](ColumnVector& c, uint64_t u, uint64_t) { put_int(c, i64((u >> 3) & 1)); }},
  };
  return kColumns;
}

// A NULL's slot as the reader leaves it: zero, or an empty string.
void put_null(ColumnVector& c) {
  const DataType& t = c.column.type;
  if (t.is_string()) put_string(c, "");
  else if (t.id == TypeId::kDouble) put_double(c, 0);
  else if (t.id == TypeId::kDecimal) put_decimal(c, 0);
  else put_int(c, 0);
}

}  // namespace

std::vector<lake::ColumnSpec> wide_schema() {
  std::vector<lake::ColumnSpec> out;
  int32_t id = 1;
  for (const WideColumn& w : wide_table()) out.push_back({w.name, w.type.with_nullable(w.null_percent >= 0), id++});
  return out;
}

std::vector<ColumnVector> wide_columns(int64_t rows) {
  const std::vector<WideColumn>& table = wide_table();
  std::vector<lake::ColumnSpec> schema = wide_schema();
  std::vector<ColumnVector> out(table.size());
  for (size_t j = 0; j < table.size(); ++j) {
    ColumnVector& c = out[j];
    c.column = schema[j];
    c.valid.reserve(static_cast<size_t>(rows));
    for (uint64_t i = 0; i < static_cast<uint64_t>(rows); ++i) {
      uint64_t u = splitmix64(i * 64 + j);
      bool null = table[j].null_percent >= 0 && static_cast<int>((u >> 40) % 100) < table[j].null_percent;
      c.valid.push_back(null ? 0 : 1);
      if (null) put_null(c);
      else table[j].fill(c, u, i);
    }
  }
  return out;
}

Status append_columns(lake::ParquetWriter& writer, const std::vector<ColumnVector>& columns, size_t begin, size_t end) {
  const size_t n = end - begin;
  for (size_t j = 0; j < columns.size(); ++j) {
    const ColumnVector& c = columns[j];
    lake::ColumnBuffer& b = writer.column(j);
    const TypeId id = c.column.type.id;
    // The batch appends take a NOT NULL column's rows without `valid`.
    std::span<const uint8_t> valid = c.column.type.nullable ? std::span(c.valid).subspan(begin, n) : std::span<const uint8_t>();
    if (id == TypeId::kDouble) {
      b.append_doubles(std::span(c.doubles).subspan(begin, n), valid);
    } else if (id == TypeId::kDecimal) {
      b.append_decimals(std::span(c.decimals).subspan(begin, n), valid);
    } else if (!c.column.type.is_string()) {
      b.append_ints(std::span(c.ints).subspan(begin, n), valid);
    } else {
      for (size_t i = begin; i < end; ++i) {
        if (!c.valid[i]) {
          b.append_null();
          continue;
        }
        size_t from = i ? c.ends[i - 1] : 0;
        b.append_bytes(std::string_view(c.heap).substr(from, c.ends[i] - from));
      }
    }
  }
  return writer.commit_rows();
}

std::string column_difference(const ColumnVector& got, const ColumnVector& want, size_t offset) {
  const std::string& name = want.column.name;
  if (got.column.type.id != want.column.type.id) return fmt::format("column '{}': read as {}", name, got.column.type.to_string());
  if (offset + got.size() > want.size()) return fmt::format("column '{}': {} rows past the table's {}", name, offset + got.size(), want.size());
  for (size_t r = 0; r < got.size(); ++r) {
    size_t w = offset + r;
    if (got.valid[r] != want.valid[w]) return fmt::format("column '{}', row {}: NULL differs", name, w);
    if (!got.valid[r]) continue;
    bool same;
    if (want.column.type.is_string()) {
      auto at = [](const ColumnVector& c, size_t i) {
        size_t from = i ? c.ends[i - 1] : 0;
        return std::string_view(c.heap).substr(from, c.ends[i] - from);
      };
      same = at(got, r) == at(want, w);
    } else if (want.column.type.id == TypeId::kDouble) {
      same = std::memcmp(&got.doubles[r], &want.doubles[w], sizeof(double)) == 0;
    } else if (want.column.type.id == TypeId::kDecimal) {
      same = got.decimals[r] == want.decimals[w];
    } else {
      same = got.ints[r] == want.ints[w];
    }
    if (!same) return fmt::format("column '{}', row {}: {} where {} was written", name, w, values::format_value(got.value(r), got.column.type),
                                     values::format_value(want.value(w), want.column.type));
  }
  return "";
}

}  // namespace careflow::bench
