// The hand-written event text (json_text.h, TableEvents::key/value) against the nlohmann::json
// tree dump it replaced: byte for byte the same for every mapped type, nulls, unchanged TOAST
// values, strings that need escaping, with and without schemas.

#include "cdc/debezium_envelope.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cdc/json_text.h"

namespace careflow::cdc {
namespace {

// The envelope payload as the earlier implementation built it: a JSON tree, then dump().
Json reference_row(const TableSchema& t, const Tuple& row, DecimalHandling d) {
  Json out = Json::object();
  for (size_t i = 0; i < row.size(); ++i) {
    const ColumnSchema& c = t.columns[i];
    switch (row[i].kind) {
      case TupleValue::Kind::kNull: out[c.name] = nullptr; break;
      case TupleValue::Kind::kUnchangedToast: out[c.name] = kUnavailableValuePlaceholder; break;
      default: out[c.name] = *column_value(c, row[i].data, d);
    }
  }
  return out;
}

std::string reference_value(const TableSchema& t, const EnvelopeOptions& o, Op op, const Tuple* before,
                            const Tuple* after, const SourceInfo& source, int64_t now_us) {
  Json payload;
  payload["before"] = before ? reference_row(t, *before, o.decimals) : Json(nullptr);
  payload["after"] = after ? reference_row(t, *after, o.decimals) : Json(nullptr);
  const std::string sequence = fmt::format(
      "[{},\"{}\"]", source.last_commit_lsn ? fmt::format("\"{}\"", *source.last_commit_lsn) : "null", source.lsn);
  payload["source"] = Json{{"version", o.version},
                           {"connector", "postgresql"},
                           {"name", o.topic_prefix},
                           {"ts_ms", source.ts_us / 1000},
                           {"snapshot", source.snapshot},
                           {"db", o.database},
                           {"sequence", sequence},
                           {"ts_us", source.ts_us},
                           {"ts_ns", source.ts_us * 1000},
                           {"schema", t.schema},
                           {"table", t.table},
                           {"txId", source.tx_id ? Json(*source.tx_id) : Json(nullptr)},
                           {"lsn", source.lsn},
                           {"xmin", nullptr}};
  payload["transaction"] = nullptr;
  payload["op"] = std::string(1, static_cast<char>(op));
  payload["ts_ms"] = now_us / 1000;
  payload["ts_us"] = now_us;
  payload["ts_ns"] = now_us * 1000;
  return payload.dump();
}

TupleValue text(std::string s) { return TupleValue{TupleValue::Kind::kText, std::move(s)}; }

// One column of every mapped type (and a few unmapped ones), with values that exercise them.
TableSchema all_types_table() {
  TableSchema t;
  t.schema = "public";
  t.table = "all_types";
  auto c = [](std::string name, uint32_t oid, int32_t typmod = -1) { return ColumnSchema{std::move(name), oid, typmod, true, {}}; };
  t.columns = {c("id", 20),          c("b", 16),           c("i2", 21),           c("i4", 23),
               c("o", 26),           c("f4", 700),         c("f8", 701),          c("by", 17),
               c("js", 114),         c("jb", 3802),        c("x", 142),           c("u", 2950),
               c("d", 1082),         c("t3", 1083, 3),     c("t6", 1083),         c("ts3", 1114, 3),
               c("ts6", 1114),       c("tz", 1184),        c("n", 1700, ((10 << 16) | 3) + 4),
               c("nv", 1700),        c("txt", 25),         c("vc", 1043, 24),     c("bp", 1042, 7),
               c("iv", 1186),        c("name \"q\"", 25)};
  t.key_columns = {0, 20};
  return t;
}

// Every character JSON escapes, a NUL among them.
constexpr char kEscapes[] = "quote \" backslash \\ nl \n cr \r tab \t bs \b ff \f nul \0 us \x1f del \x7f";

std::vector<Tuple> all_types_rows() {
  Tuple a = {text("-9000000000"), text("t"), text("-2"), text("40000"), text("7"), text("1.5"), text("13"),
             text("\\x0102ff"), text("{\"a\": [1, \"\\u00e9\"]}"), text("{\"b\": 2}"), text("<x>\t</x>"),
             text("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), text("1969-12-31"), text("12:34:56.789"),
             text("23:59:59.999999"), text("2024-02-29 12:34:56.789"), text("1900-01-01 00:00:00"),
             text("2024-02-29 12:34:56.789+02"), text("-12.345"), text("99.5"),
             text(std::string(kEscapes, sizeof kEscapes - 1)),
             text("Zoë 患者 🩺"), text("ab     "), text("1 day 02:00:00"), text("x")};
  Tuple b = a;
  b[1] = text("f");
  b[5] = text("NaN");
  b[6] = text("-0.000001");
  b[18] = text("NaN");
  b[19] = text("-0.0001");
  Tuple nulls(a.size());
  nulls[0] = text("1");
  nulls[20] = text("k");
  Tuple toast = a;
  toast[9] = TupleValue{TupleValue::Kind::kUnchangedToast, ""};
  toast[21] = TupleValue{TupleValue::Kind::kUnchangedToast, ""};
  return {a, b, nulls, toast};
}

TEST(DebeziumEnvelope, ValuesAreTheBytesOfTheJsonTreeDump) {
  const TableSchema table = all_types_table();
  for (DecimalHandling d : {DecimalHandling::kPrecise, DecimalHandling::kDouble, DecimalHandling::kString}) {
    for (bool schemas : {true, false}) {
      EnvelopeOptions o;
      o.database = "care \"flow\"";
      o.schemas_enable = schemas;
      o.decimals = d;
      TableEvents events(table, o);
      SourceInfo source;
      source.ts_us = 1'709'210'096'789'123;
      source.lsn = 0x1'6B37'4D48;
      for (int variant = 0; variant < 2; ++variant) {
        if (variant == 1) {
          source.last_commit_lsn = 0x1'6B37'4000;
          source.tx_id = 771;
          source.snapshot = "last_in_data_collection";
        }
        const auto rows = all_types_rows();
        for (const Tuple& row : rows) {
          for (Op op : {Op::kCreate, Op::kUpdate, Op::kDelete, Op::kRead, Op::kTruncate}) {
            const Tuple* before = op == Op::kUpdate || op == Op::kDelete ? &row : nullptr;
            const Tuple* after = op == Op::kCreate || op == Op::kUpdate || op == Op::kRead ? &row : nullptr;
            auto got = events.value(op, before, after, source, 1'764'000'000'123'456);
            ASSERT_TRUE(got.is_ok()) << got.status().to_string();
            std::string want = reference_value(table, o, op, before, after, source, 1'764'000'000'123'456);
            if (schemas) {
              // The schema part is the one dumped at construction; the payload is what changed.
              const std::string schema = Json::parse(*got)["schema"].dump();
              want = "{\"schema\":" + schema + ",\"payload\":" + want + "}";
            }
            ASSERT_EQ(*got, want) << "decimals " << static_cast<int>(d) << ", schemas " << schemas;
          }
          auto key = events.key(row);
          ASSERT_TRUE(key.is_ok()) << key.status().to_string();
          Json want_key = Json::object();
          for (size_t i : table.key_columns) {
            want_key[table.columns[i].name] =
                row[i].kind == TupleValue::Kind::kNull ? Json(nullptr) : *column_value(table.columns[i], row[i].data, d);
          }
          std::string want = want_key.dump();
          if (schemas) want = "{\"schema\":" + Json::parse(**key)["schema"].dump() + ",\"payload\":" + want + "}";
          ASSERT_EQ(**key, want);
        }
      }
    }
  }
}

TEST(DebeziumEnvelope, EveryColumnValueIsTheBytesOfItsJsonDump) {
  const TableSchema table = all_types_table();
  for (const Tuple& row : all_types_rows()) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (row[i].kind != TupleValue::Kind::kText) continue;
      for (DecimalHandling d : {DecimalHandling::kPrecise, DecimalHandling::kDouble, DecimalHandling::kString}) {
        std::string out = "prefix";
        ASSERT_TRUE(append_column_value(out, table.columns[i], row[i].data, d).is_ok()) << table.columns[i].name;
        EXPECT_EQ(out, "prefix" + column_value(table.columns[i], row[i].data, d)->dump()) << table.columns[i].name;
      }
    }
  }
}

TEST(DebeziumEnvelope, BadValuesAreErrorsNamingTheColumnAndLeaveTheTextAlone) {
  std::string out = "kept";
  Status s = append_column_value(out, ColumnSchema{"dose_mg", 23, -1, true, {}}, "ten", DecimalHandling::kPrecise);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("column dose_mg: 'ten'"), std::string::npos) << s.message();
  EXPECT_EQ(out, "kept");
  s = append_column_value(out, ColumnSchema{"note", 25, -1, true, {}}, "caf\xe9", DecimalHandling::kPrecise);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("column note"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("UTF-8"), std::string::npos) << s.message();
  EXPECT_EQ(out, "kept");
}

TEST(JsonText, StringsEscapeAsNlohmannDoes) {
  std::string all;
  for (int c = 1; c < 128; ++c) all.push_back(static_cast<char>(c));
  all += "é€😀";
  std::string out;
  ASSERT_TRUE(append_json_string(out, all));
  EXPECT_EQ(out, Json(all).dump());
  for (std::string_view bad : {"\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "a\x80", "\xe2\x82"}) {
    std::string o;
    EXPECT_FALSE(append_json_string(o, bad)) << bad;
    EXPECT_THROW((void)Json(std::string(bad)).dump(), Json::type_error) << bad;
  }
}

}  // namespace
}  // namespace careflow::cdc
