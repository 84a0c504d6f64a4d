// ROW, ARRAY and MAP columns: careflow's writer lays them out as the Parquet spec's nested types
// (3-level LIST, MAP key_value, groups, Iceberg's field ids on every node) and careflow's reader
// assembles them back, with NULLs at every level, in every page and row-group configuration. Then
// the writer's errors, Iceberg's schema JSON, and damaged files: levels that do not add up, a
// schema nested without bound, a group claiming more children than the schema has.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <random>
#include <fstream>
#include <sstream>

#include "lake/iceberg_schema.h"
#include "lake/parquet_reader.h"
#include "lake/parquet_writer.h"
#include "values/value_format.h"

namespace careflow::lake {
namespace {

using values::DataType;
using values::TypeId;
using values::Value;

std::string temp_path(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("careflow-lake-nested-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

DataType row_of(std::vector<std::pair<std::string, DataType>> fields) {
  DataType t = DataType::of(TypeId::kRow);
  for (auto& [name, type] : fields) {
    t.field_names.push_back(name);
    t.children.push_back(type);
  }
  return t;
}

Value list(std::vector<Value> items) { return Value::list(std::move(items)); }
Value str(const std::string& s) { return Value::string(s); }
Value num(int64_t i) { return Value::integer(i); }

// Every shape the brief names, and combinations: ids numbered as the sink numbers them (top-level
// 1..n, then the nested fields in pre-order).
std::vector<ColumnSpec> nested_columns() {
  std::vector<ColumnSpec> c = {
      {"id", DataType::bigint().with_nullable(false), 1},
      {"tags", DataType::array(DataType::string()), 2},
      {"point", row_of({{"x", DataType::double_type()}, {"y", DataType::double_type().with_nullable(false)}, {"label", DataType::string()}}), 3},
      {"attrs", DataType::map(DataType::string().with_nullable(false), DataType::bigint()), 4},
      {"matrix", DataType::array(DataType::array(DataType::integer())), 5},
      {"events", DataType::array(row_of({{"name", DataType::string()},
                                         {"at", DataType::timestamp(6)},
                                         {"amounts", DataType::array(DataType::decimal(20, 2))}})), 6},
      {"required_ints", DataType::array(DataType::integer().with_nullable(false)).with_nullable(false), 7},
      {"by_key", DataType::map(DataType::integer().with_nullable(false),
                               row_of({{"a", DataType::integer()}, {"m", DataType::map(DataType::string().with_nullable(false), DataType::string())}})),
       8},
  };
  int32_t next = 9;
  std::function<void(const DataType&, std::vector<int32_t>*)> number = [&](const DataType& t, std::vector<int32_t>* ids) {
    for (const DataType& child : t.children) {
      ids->push_back(next++);
      number(child, ids);
    }
  };
  for (ColumnSpec& col : c) number(col.type, &col.nested_ids);
  return c;
}

// Row r: a NULL row, a NULL array, an empty array, a NULL element and a NULL map value come round
// every few rows, in different columns on different rows.
std::vector<Value> nested_row(int64_t r) {
  std::vector<Value> row(8);
  row[0] = num(r);
  switch (r % 5) {
    case 0: row[1] = Value(); break;
    case 1: row[1] = list({}); break;
    case 2: row[1] = list({str("a"), Value(), str(fmt::format("t{}", r % 3))}); break;
    default: row[1] = list({str(fmt::format("tag-{}", r))}); break;
  }
  row[2] = r % 6 == 1 ? Value() : list({r % 4 == 0 ? Value() : Value::real(r * 0.5), Value::real(-r), r % 3 ? str("p") : Value()});
  if (r % 7 == 2) {
    row[3] = Value();
  } else if (r % 7 == 3) {
    row[3] = Value::map({});
  } else {
    row[3] = Value::map({{str("k1"), num(r)}, {str("k2"), r % 2 ? Value() : num(-r)}});
  }
  if (r % 4 == 0) {
    row[4] = list({list({num(1), num(2)}), list({}), Value(), list({Value(), num(r)})});
  } else if (r % 4 == 1) {
    row[4] = list({});
  } else {
    row[4] = r % 8 == 2 ? Value() : list({list({num(r)})});
  }
  if (r % 3 == 0) {
    row[5] = list({list({str("start"), num(r * 1000), list({Value::decimal(12345), Value(), Value::decimal(-1)})}), Value(),
                   list({Value(), Value(), list({})}), list({str("end"), Value(), Value()})});
  } else {
    row[5] = r % 3 == 1 ? Value() : list({});
  }
  row[6] = r % 2 ? list({num(r), num(r + 1), num(r + 2)}) : list({});
  row[7] = r % 5 == 4 ? Value()
                      : Value::map({{num(1), list({num(r), Value::map({{str("x"), str("y")}, {str("z"), Value()}})})},
                                    {num(2), Value()},
                                    {num(3), list({Value(), Value::map({})})}});
  return row;
}

struct Config {
  int page_version;
  bool dictionary;
  int64_t page_bytes;
  int64_t row_group_rows;
  parquet::Codec codec;
};

class NestedRoundTrip : public ::testing::TestWithParam<Config> {};

TEST_P(NestedRoundTrip, EveryRowReadsBackEqual) {
  const Config& c = GetParam();
  const std::string path = temp_path(fmt::format("roundtrip-{}-{}-{}-{}.parquet", c.page_version, c.dictionary, c.page_bytes, c.row_group_rows));
  WriterOptions o;
  o.data_page_version = c.page_version;
  o.dictionary = c.dictionary;
  o.page_bytes = c.page_bytes;
  o.row_group_rows = c.row_group_rows;
  o.codec = c.codec;
  auto columns = nested_columns();
  auto w = ParquetWriter::open(path, columns, o);
  ASSERT_TRUE(w.is_ok()) << w.status().message();
  constexpr int64_t kRows = 300;
  for (int64_t r = 0; r < kRows; ++r) ASSERT_TRUE((*w)->write_row(nested_row(r)).is_ok()) << r;
  ASSERT_TRUE((*w)->close().is_ok());

  auto rd = ParquetReader::open(path);
  ASSERT_TRUE(rd.is_ok()) << rd.status().message();
  ASSERT_EQ((*rd)->columns().size(), columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    EXPECT_EQ((*rd)->columns()[i].type.to_string(), columns[i].type.to_string()) << columns[i].name;
    EXPECT_EQ((*rd)->columns()[i].field_id, columns[i].field_id);
    EXPECT_EQ((*rd)->columns()[i].nested_ids, columns[i].nested_ids) << columns[i].name;
  }
  std::vector<size_t> all(columns.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  int64_t r = 0;
  for (size_t g = 0; g < (*rd)->num_row_groups(); ++g) {
    auto cols = (*rd)->read_row_group(g, all);
    ASSERT_TRUE(cols.is_ok()) << cols.status().message();
    for (size_t k = 0; k < (*cols)[0].size(); ++k, ++r) {
      std::vector<Value> expected = nested_row(r);
      for (size_t i = 0; i < all.size(); ++i) {
        Value got = (*cols)[i].value(k);
        ASSERT_TRUE(got == expected[i]) << "row " << r << " column " << columns[i].name << ": got "
                                        << values::format_value(got, columns[i].type) << ", want "
                                        << values::format_value(expected[i], columns[i].type);
      }
    }
  }
  EXPECT_EQ(r, kRows);
}

INSTANTIATE_TEST_SUITE_P(Pages, NestedRoundTrip,
                         ::testing::Values(Config{1, true, 1 << 20, 1 << 20, parquet::Codec::kZstd},
                                           Config{2, true, 1 << 20, 1 << 20, parquet::Codec::kSnappy},
                                           Config{1, false, 64, 37, parquet::Codec::kUncompressed},
                                           Config{2, false, 64, 37, parquet::Codec::kZstd},
                                           Config{2, true, 200, 1, parquet::Codec::kUncompressed}));

TEST(ParquetNested, LayoutIsTheSpecsWithFieldIdsOnEveryNode) {
  const std::string path = temp_path("layout.parquet");
  auto columns = nested_columns();
  auto w = ParquetWriter::open(path, columns, {});
  ASSERT_TRUE(w.is_ok()) << w.status().message();
  ASSERT_TRUE((*w)->write_row(nested_row(0)).is_ok());
  ASSERT_TRUE((*w)->close().is_ok());
  auto rd = ParquetReader::open(path);
  ASSERT_TRUE(rd.is_ok()) << rd.status().message();
  const auto& schema = (*rd)->metadata().schema;
  auto find = [&](const std::string& name, size_t from) {
    for (size_t i = from; i < schema.size(); ++i) {
      if (schema[i].name == name) return i;
    }
    return schema.size();
  };
  // tags: optional group (LIST) { repeated group list { optional binary element (STRING); } }
  size_t tags = find("tags", 1);
  ASSERT_LT(tags + 2, schema.size());
  EXPECT_EQ(schema[tags].logical.kind, parquet::LogicalType::kList);
  EXPECT_EQ(schema[tags].converted_type, parquet::kConvertedList);
  EXPECT_EQ(schema[tags].repetition, parquet::Repetition::kOptional);
  EXPECT_EQ(schema[tags].field_id, 2);
  EXPECT_EQ(schema[tags + 1].name, "list");
  EXPECT_EQ(schema[tags + 1].repetition, parquet::Repetition::kRepeated);
  EXPECT_FALSE(schema[tags + 1].field_id);
  EXPECT_EQ(schema[tags + 2].name, "element");
  EXPECT_EQ(schema[tags + 2].field_id, columns[1].nested_ids[0]);
  EXPECT_EQ(schema[tags + 2].repetition, parquet::Repetition::kOptional);
  // attrs: optional group (MAP) { repeated group key_value { required binary key; optional int64 value; } }
  size_t attrs = find("attrs", 1);
  ASSERT_LT(attrs + 3, schema.size());
  EXPECT_EQ(schema[attrs].logical.kind, parquet::LogicalType::kMap);
  EXPECT_EQ(schema[attrs + 1].name, "key_value");
  EXPECT_EQ(schema[attrs + 1].repetition, parquet::Repetition::kRepeated);
  EXPECT_EQ(schema[attrs + 2].name, "key");
  EXPECT_EQ(schema[attrs + 2].repetition, parquet::Repetition::kRequired);
  EXPECT_EQ(schema[attrs + 2].field_id, columns[3].nested_ids[0]);
  EXPECT_EQ(schema[attrs + 3].name, "value");
  EXPECT_EQ(schema[attrs + 3].field_id, columns[3].nested_ids[1]);
  // point: a plain group of its fields, each with its id.
  size_t point = find("point", 1);
  EXPECT_EQ(schema[point].num_children, 3);
  EXPECT_EQ(schema[point].logical.kind, parquet::LogicalType::kNone);
  EXPECT_EQ(schema[point + 2].name, "y");
  EXPECT_EQ(schema[point + 2].repetition, parquet::Repetition::kRequired);
  EXPECT_EQ(schema[point + 2].field_id, columns[2].nested_ids[1]);
  // Every node but the root and the repeated list / key_value groups carries a field id.
  for (size_t i = 1; i < schema.size(); ++i) {
    if (schema[i].repetition == parquet::Repetition::kRepeated) continue;
    EXPECT_TRUE(schema[i].field_id) << schema[i].name;
  }
  // One chunk per leaf, with its full path.
  const auto& chunks = (*rd)->metadata().row_groups[0].columns;
  EXPECT_EQ(chunks[1].meta_data->path_in_schema, (std::vector<std::string>{"tags", "list", "element"}));
  EXPECT_EQ(chunks.back().meta_data->path_in_schema, (std::vector<std::string>{"by_key", "key_value", "value", "m", "key_value", "value"}));
}

TEST(ParquetNested, WriterErrorsNameTheFieldAndKeepNoPartialRow) {
  const std::string path = temp_path("errors.parquet");
  auto w = ParquetWriter::open(path, nested_columns(), {});
  ASSERT_TRUE(w.is_ok());
  std::vector<Value> row = nested_row(1);
  row[3] = Value::map({{Value(), num(1)}});
  Status s = (*w)->write_row(row);
  EXPECT_NE(s.message().find("attrs"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("MAP key is NULL"), std::string::npos) << s.message();
  row = nested_row(1);
  row[2] = list({Value::real(1), Value(), str("x")});
  s = (*w)->write_row(row);
  EXPECT_NE(s.message().find("point.y"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("NOT NULL"), std::string::npos) << s.message();
  row = nested_row(1);
  row[4] = list({list({str("not an int")})});
  s = (*w)->write_row(row);
  EXPECT_NE(s.message().find("matrix.list.element.list.element"), std::string::npos) << s.message();
  row = nested_row(1);
  row[6] = Value();
  s = (*w)->write_row(row);
  EXPECT_NE(s.message().find("required_ints"), std::string::npos) << s.message();
  // The rejected rows left nothing behind: the next row writes and is the file's only row.
  ASSERT_TRUE((*w)->write_row(nested_row(2)).is_ok());
  ASSERT_TRUE((*w)->close().is_ok());
  auto rd = ParquetReader::open(path);
  ASSERT_TRUE(rd.is_ok()) << rd.status().message();
  EXPECT_EQ((*rd)->num_rows(), 1);
  std::vector<size_t> all = {0, 1, 2, 3, 4, 5, 6, 7};
  auto cols = (*rd)->read_row_group(0, all);
  ASSERT_TRUE(cols.is_ok()) << cols.status().message();
  for (size_t i = 0; i < all.size(); ++i) EXPECT_TRUE((*cols)[i].value(0) == nested_row(2)[i]) << i;

  DataType deep = DataType::integer();
  for (int i = 0; i < 40; ++i) deep = DataType::array(deep);
  auto too_deep = ParquetWriter::open(temp_path("deep.parquet"), {{"deep", deep, 1}}, {});
  ASSERT_FALSE(too_deep.is_ok());
  EXPECT_NE(too_deep.status().message().find("deeper"), std::string::npos) << too_deep.status().message();
  auto multiset = ParquetWriter::open(temp_path("multiset.parquet"), {{"m", [] { DataType t = DataType::of(TypeId::kMultiset); t.children = {DataType::integer()}; return t; }(), 1}}, {});
  ASSERT_FALSE(multiset.is_ok());
  EXPECT_NE(multiset.status().message().find("'m'"), std::string::npos) << multiset.status().message();
}

TEST(ParquetNested, IcebergSchemaJsonCarriesNestedIds) {
  auto columns = nested_columns();
  for (const ColumnSpec& c : columns) {
    auto field = iceberg::column_to_iceberg(c);
    ASSERT_TRUE(field.is_ok()) << field.status().message();
    auto back = iceberg::column_from_iceberg(*field);
    ASSERT_TRUE(back.is_ok()) << back.status().message();
    EXPECT_EQ(back->type.to_string(), c.type.to_string()) << field->dump();
    EXPECT_EQ(back->nested_ids, c.nested_ids) << field->dump();
    EXPECT_EQ(back->field_id, c.field_id);
  }
  auto attrs = iceberg::column_to_iceberg(columns[3]);
  EXPECT_EQ(attrs->at("type").at("type"), "map");
  EXPECT_EQ(attrs->at("type").at("key-id"), columns[3].nested_ids[0]);
  EXPECT_EQ(attrs->at("type").at("key"), "string");
  EXPECT_EQ(attrs->at("type").at("value-id"), columns[3].nested_ids[1]);
  EXPECT_EQ(attrs->at("type").at("value-required"), false);
  auto tags = iceberg::column_to_iceberg(columns[1]);
  EXPECT_EQ(tags->at("type").at("type"), "list");
  EXPECT_EQ(tags->at("type").at("element-id"), columns[1].nested_ids[0]);
  EXPECT_EQ(tags->at("type").at("element-required"), false);
  auto point = iceberg::column_to_iceberg(columns[2]);
  EXPECT_EQ(point->at("type").at("type"), "struct");
  EXPECT_EQ(point->at("type").at("fields")[1].at("name"), "y");
  EXPECT_EQ(point->at("type").at("fields")[1].at("required"), true);
  EXPECT_EQ(iceberg::highest_field_id(columns), columns[7].nested_ids.back());

  ColumnSpec without_ids = columns[1];
  without_ids.nested_ids.clear();
  EXPECT_FALSE(iceberg::column_to_iceberg(without_ids).is_ok());
  ColumnSpec time_inside{"times", DataType::array(DataType::time(3)), 1, {2}};
  auto refused = iceberg::column_to_iceberg(time_inside);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("times.element"), std::string::npos) << refused.status().message();
  nlohmann::json deep = "int";
  for (int i = 0; i < 40; ++i) deep = {{"type", "list"}, {"element-id", i + 2}, {"element-required", false}, {"element", deep}};
  auto too_deep = iceberg::column_from_iceberg({{"id", 1}, {"name", "deep"}, {"required", false}, {"type", deep}});
  ASSERT_FALSE(too_deep.is_ok());
  EXPECT_NE(too_deep.status().message().find("deeper"), std::string::npos);
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return std::move(s).str();
}

// The file's bytes as the reader sees them: read fully, or an error naming the file; never a crash.
Status read_everything(const std::string& name, std::string bytes) {
  auto rd = ParquetReader::from_bytes(name, std::move(bytes));
  if (!rd.is_ok()) return rd.status();
  std::vector<size_t> all((*rd)->columns().size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  for (size_t g = 0; g < (*rd)->num_row_groups(); ++g) CF_RETURN_IF_ERROR((*rd)->read_row_group(g, all).status());
  return Status::ok();
}

// Levels that do not add up: every bit of one leaf's repetition levels flipped in turn, where its
// sibling leaf keeps the original ones. Each read fails with an error naming the file and the byte
// (or, for a flip in padding, reads the same rows); none crashes.
TEST(ParquetNestedMalformed, BadLevelsAreErrorsNamingFileAndByte) {
  const std::string path = temp_path("levels.parquet");
  WriterOptions o;
  o.codec = parquet::Codec::kUncompressed;
  o.dictionary = false;
  o.data_page_version = 2;  // levels before the values, outside compression
  const DataType pair = row_of({{"a", DataType::integer().with_nullable(false)}, {"b", DataType::integer().with_nullable(false)}});
  auto w = ParquetWriter::open(path, {{"pairs", DataType::array(pair.with_nullable(false)).with_nullable(false), 1, {2, 3, 4}}}, o);
  ASSERT_TRUE(w.is_ok()) << w.status().message();
  for (int64_t r = 0; r < 40; ++r) {
    std::vector<Value> items;
    for (int64_t k = 0; k < r % 4 + 1; ++k) items.push_back(list({num(r), num(k)}));
    ASSERT_TRUE((*w)->write_row(std::vector<Value>{list(items)}).is_ok());
  }
  ASSERT_TRUE((*w)->close().is_ok());
  const std::string good = read_all(path);
  ASSERT_TRUE(read_everything("levels.parquet", good).is_ok());

  auto rd = ParquetReader::from_bytes("levels.parquet", good);
  ASSERT_TRUE(rd.is_ok());
  const parquet::ColumnMetaData& b = *(*rd)->metadata().row_groups[0].columns[1].meta_data;
  size_t consumed = 0;
  auto header = parquet::decode_page_header(std::string_view(good).substr(static_cast<size_t>(b.data_page_offset)), "levels.parquet",
                                            static_cast<uint64_t>(b.data_page_offset), &consumed);
  ASSERT_TRUE(header.is_ok());
  ASSERT_TRUE(header->data_page_v2);
  const size_t reps_at = static_cast<size_t>(b.data_page_offset) + consumed;
  const size_t rep_bytes = static_cast<size_t>(header->data_page_v2->repetition_levels_byte_length);
  ASSERT_GT(rep_bytes, 1u);
  int errors = 0;
  for (size_t at = reps_at; at < reps_at + rep_bytes; ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = good;
      bad[at] = static_cast<char>(bad[at] ^ (1 << bit));
      Status s = read_everything("levels.parquet", bad);
      if (s.is_ok()) continue;
      ++errors;
      EXPECT_NE(s.message().find("levels.parquet: byte "), std::string::npos) << s.message();
    }
  }
  EXPECT_GT(errors, 0);
}

// The flat reader's fuzzing (parquet_malformed_test.cc) over a file of nested columns: every
// truncation, random bit flips and bytes set to 0xff either read or fail naming the file (and the
// byte, for corruption); none crashes or reads out of bounds (the ASan preset runs this too).
TEST(ParquetNestedMalformed, TruncationsAndFlipsGiveClearErrors) {
  for (int page_version : {1, 2}) {
    const std::string path = temp_path(fmt::format("fuzz-v{}.parquet", page_version));
    WriterOptions o;
    o.codec = parquet::Codec::kUncompressed;  // flips land in levels and values, not in a codec's frame
    o.data_page_version = page_version;
    o.row_group_rows = 12;
    o.page_bytes = 48;
    auto all_columns = nested_columns();
    std::vector<ColumnSpec> columns = {all_columns[0], all_columns[1], all_columns[3], all_columns[5]};
    auto w = ParquetWriter::open(path, columns, o);
    ASSERT_TRUE(w.is_ok()) << w.status().message();
    for (int64_t r = 0; r < 30; ++r) {
      std::vector<Value> full = nested_row(r);
      ASSERT_TRUE((*w)->write_row(std::vector<Value>{full[0], full[1], full[3], full[5]}).is_ok());
    }
    ASSERT_TRUE((*w)->close().is_ok());
    const std::string good = read_all(path);
    ASSERT_TRUE(read_everything("fuzz.parquet", good).is_ok());
    auto clear = [&](const Status& s, const std::string& what) {
      if (s.is_ok()) return;
      EXPECT_NE(s.message().find("fuzz.parquet"), std::string::npos) << what << ": " << s.message();
      if (s.code() == StatusCode::kCorruption) {
        EXPECT_NE(s.message().find("fuzz.parquet: byte "), std::string::npos) << what << ": " << s.message();
      }
    };
    // Strided, so that the test stays a few seconds in a debug build.
    for (size_t n = 0; n < good.size(); n += 11) {
      Status s = read_everything("fuzz.parquet", good.substr(0, n));
      EXPECT_FALSE(s.is_ok()) << "truncated to " << n;
      clear(s, fmt::format("truncated to {}", n));
    }
    std::mt19937 rng(7);
    for (int i = 0; i < 600; ++i) {
      std::string bad = good;
      int flips = 1 + static_cast<int>(rng() % 3);
      for (int f = 0; f < flips; ++f) bad[rng() % bad.size()] ^= static_cast<char>(1 << (rng() % 8));
      clear(read_everything("fuzz.parquet", bad), fmt::format("flip {}", i));
    }
    for (size_t at = 0; at < good.size(); at += 5) {
      std::string bad = good;
      bad[at] = static_cast<char>(0xff);
      clear(read_everything("fuzz.parquet", bad), fmt::format("0xff at {}", at));
    }
  }
}

// A footer is written by hand: a schema nested deeper than the reader accepts, and a group that
// claims more children than the schema holds. Both are errors, not recursion or reads past the end.
TEST(ParquetNestedMalformed, SchemaNestingIsBounded) {
  auto file_of = [](const parquet::FileMetaData& meta) {
    std::string footer;
    parquet::encode_file_metadata(meta, &footer);
    std::string bytes = "PAR1" + footer;
    auto len = static_cast<uint32_t>(footer.size());
    bytes.append(reinterpret_cast<const char*>(&len), 4);
    return bytes + "PAR1";
  };
  parquet::FileMetaData deep;
  parquet::SchemaElement root;
  root.name = "schema";
  root.num_children = 1;
  deep.schema.push_back(root);
  for (int i = 0; i < 100; ++i) {
    parquet::SchemaElement g;
    g.name = fmt::format("g{}", i);
    g.repetition = parquet::Repetition::kOptional;
    g.num_children = 1;
    deep.schema.push_back(g);
  }
  parquet::SchemaElement leaf;
  leaf.name = "x";
  leaf.type = parquet::PhysicalType::kInt32;
  leaf.repetition = parquet::Repetition::kOptional;
  deep.schema.push_back(leaf);
  Status s = read_everything("deep.parquet", file_of(deep));
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("deeper"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("deep.parquet"), std::string::npos) << s.message();

  parquet::FileMetaData greedy;
  greedy.schema.push_back(root);
  parquet::SchemaElement g;
  g.name = "g";
  g.repetition = parquet::Repetition::kOptional;
  g.num_children = 1000;
  greedy.schema.push_back(g);
  greedy.schema.push_back(leaf);
  s = read_everything("greedy.parquet", file_of(greedy));
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.message();
  EXPECT_NE(s.message().find("greedy.parquet: byte "), std::string::npos) << s.message();
}

}  // namespace
}  // namespace careflow::lake
