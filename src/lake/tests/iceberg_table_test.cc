// Iceberg v2 metadata for one append: the manifest and manifest list are Avro container files with
// the spec's field ids and header keys, bounds use the single-value serialization, the metadata
// JSON names the snapshot; unsupported columns and a second create are errors.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lake/iceberg_commit.h"
#include "lake/iceberg_files.h"
#include "lake/iceberg_manifest.h"
#include "lake/iceberg_metadata.h"
#include "lake/iceberg_schema.h"
#include "lake/iceberg_table.h"
#include "lake/parquet_reader.h"
#include "lake/parquet_writer.h"
#include "serde/avro_container.h"

namespace careflow::lake::iceberg {
namespace {

using values::DataType;
using values::TypeId;
using values::Value;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(IcebergTable, OneAppendWritesMetadataManifestListAndManifest) {
  auto location = std::filesystem::temp_directory_path() / ("careflow-iceberg-" + std::to_string(::getpid()));
  std::filesystem::remove_all(location);
  std::filesystem::create_directories(location / "data");
  std::vector<ColumnSpec> columns = {{"id", DataType::bigint().with_nullable(false), 1},
                                     {"name", DataType::string(), 2},
                                     {"amount", DataType::decimal(10, 2), 3},
                                     {"ts", DataType::timestamp_ltz(6), 4}};
  std::vector<DataFile> files;
  for (int f = 0; f < 2; ++f) {
    std::string path = (location / "data" / fmt::format("f{}.parquet", f)).string();
    auto w = ParquetWriter::open(path, columns);
    ASSERT_TRUE(w.is_ok());
    for (int64_t r = f * 100; r < f * 100 + 100; ++r) {
      std::vector<Value> row = {Value::integer(r), r % 10 ? Value::string(fmt::format("n{:03}", r)) : Value(), Value::decimal(-r * 5),
                                Value::integer(1'700'000'000'000'000 + r)};
      ASSERT_TRUE((*w)->write_row(row).is_ok());
    }
    ASSERT_TRUE((*w)->close().is_ok());
    auto file = data_file_from_parquet(path);
    ASSERT_TRUE(file.is_ok()) << file.status().to_string();
    files.push_back(*file);
  }
  EXPECT_EQ(files[1].record_count, 100);
  EXPECT_EQ(files[1].null_value_counts[2], 10);
  EXPECT_EQ(files[1].lower_bounds[1], std::string("\x64\0\0\0\0\0\0\0", 8));  // 100, little-endian long
  EXPECT_EQ(files[1].upper_bounds[2], "n199");
  EXPECT_EQ(files[1].lower_bounds[3], std::string("\xfc\x1d", 2));  // -995: big-endian, fewest bytes
  EXPECT_EQ(files[0].upper_bounds[3], std::string("\x00", 1));

  AppendOptions o{"2f2a9c1e-0000-4000-8000-000000000001", 42, 1'764'547'200'000, "c0ffee00-0000-4000-8000-000000000002"};
  auto metadata_path = create_table_with_append(location.string(), columns, files, o);
  ASSERT_TRUE(metadata_path.is_ok()) << metadata_path.status().to_string();
  auto metadata = nlohmann::json::parse(slurp(*metadata_path));
  EXPECT_EQ(metadata["format-version"], 2);
  EXPECT_EQ(metadata["current-snapshot-id"], 42);
  EXPECT_EQ(metadata["schemas"][0]["fields"][3]["type"], "timestamptz");
  EXPECT_EQ(metadata["schemas"][0]["fields"][0]["required"], true);
  EXPECT_EQ(metadata["snapshots"][0]["summary"]["added-records"], "200");

  auto list = serde::avro::read_container(slurp(metadata["snapshots"][0]["manifest-list"]));
  ASSERT_TRUE(list.is_ok()) << list.status().to_string();
  EXPECT_EQ(list->metadata.at("snapshot-id"), "42");
  ASSERT_EQ(list->records.size(), 1u);
  EXPECT_EQ(list->records[0].items[7].i, 2);    // added_files_count
  EXPECT_EQ(list->records[0].items[10].i, 200);  // added_rows_count
  auto manifest = serde::avro::read_container(slurp(list->records[0].items[0].s));
  ASSERT_TRUE(manifest.is_ok()) << manifest.status().to_string();
  EXPECT_EQ(manifest->metadata.at("format-version"), "2");
  EXPECT_EQ(manifest->metadata.at("content"), "data");
  EXPECT_EQ(nlohmann::json::parse(manifest->metadata.at("schema"))["fields"][1]["name"], "name");
  ASSERT_EQ(manifest->records.size(), 2u);
  const auto& data_file = manifest->records[1].items[4];
  EXPECT_EQ(data_file.items[1].s, files[1].path);
  EXPECT_EQ(data_file.items[4].i, 100);
  EXPECT_NE(manifest->schema_json.find("\"field-id\": 125"), std::string::npos) << manifest->schema_json;

  auto again = create_table_with_append(location.string(), columns, files, o);
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  std::filesystem::remove_all(location);
}

// Iceberg's Java writer (ParquetMetrics) keys metrics by leaf field id: every leaf gets its column
// size; a leaf reached through ROWs only gets value and null counts and bounds (a NULL ROW above
// it counts as NULL), so that pyiceberg and Spark prune on device.reading.value; a leaf inside an
// ARRAY or MAP gets none, and neither do the groups.
TEST(IcebergTable, NestedLeavesGetMetricsByFieldIdAsIcebergJavaWritesThem) {
  auto location = std::filesystem::temp_directory_path() / ("careflow-iceberg-nested-" + std::to_string(::getpid()));
  std::filesystem::remove_all(location);
  std::filesystem::create_directories(location / "data");
  auto row_of = [](std::vector<std::pair<std::string, DataType>> fields) {
    DataType t = DataType::of(TypeId::kRow);
    for (auto& [name, type] : fields) {
      t.field_names.push_back(name);
      t.children.push_back(type);
    }
    return t;
  };
  DataType reading = row_of({{"value", DataType::double_type()}, {"unit", DataType::string()}});
  std::vector<ColumnSpec> columns = {
      {"id", DataType::bigint().with_nullable(false), 1},
      {"device", row_of({{"name", DataType::string()}, {"reading", reading}}), 2, {3, 4, 5, 6}},
      {"tags", DataType::array(DataType::string()), 7, {8}},
      {"attrs", DataType::map(DataType::string().with_nullable(false), DataType::bigint()), 9, {10, 11}},
  };
  const std::string path = (location / "data" / "nested.parquet").string();
  WriterOptions options;
  options.row_group_rows = 20;  // three row groups: the metrics sum and bound across them
  auto w = ParquetWriter::open(path, columns, options);
  ASSERT_TRUE(w.is_ok()) << w.status().to_string();
  for (int64_t r = 0; r < 50; ++r) {
    Value device;  // r % 10 == 0: a NULL ROW
    if (r % 10 == 1) device = Value::list({Value(), Value()});
    if (r % 10 >= 2) {
      device = Value::list({Value::string(fmt::format("d{:02}", r)),
                            Value::list({Value::real(static_cast<double>(r) * 0.5), Value::string(r % 2 ? "mmHg" : "%")})});
    }
    std::vector<Value> row = {Value::integer(r), device, Value::list({Value::string("z"), Value::string("a")}),
                              Value::map({{Value::string("k"), Value::integer(r)}})};
    ASSERT_TRUE((*w)->write_row(row).is_ok());
  }
  ASSERT_TRUE((*w)->close().is_ok());
  auto file = data_file_from_parquet(path);
  ASSERT_TRUE(file.is_ok()) << file.status().to_string();

  auto check = [&](const DataFile& f) {
    for (int32_t leaf : {1, 3, 5, 6, 8, 10, 11}) {
      ASSERT_TRUE(f.column_sizes.contains(leaf)) << leaf;
      EXPECT_GT(f.column_sizes.at(leaf), 0) << leaf;
    }
    for (int32_t group : {2, 4, 7, 9}) {
      EXPECT_FALSE(f.column_sizes.contains(group) || f.value_counts.contains(group) || f.lower_bounds.contains(group)) << group;
    }
    for (int32_t leaf : {3, 5, 6}) {
      EXPECT_EQ(f.value_counts.at(leaf), 50) << leaf;
      EXPECT_EQ(f.null_value_counts.at(leaf), 10) << leaf;  // the NULL ROWs and the ROWs of NULLs
    }
    EXPECT_EQ(f.lower_bounds.at(3), "d02");
    EXPECT_EQ(f.upper_bounds.at(3), "d49");
    EXPECT_EQ(f.lower_bounds.at(5), serialize_bound(DataType::double_type(), Value::real(1.0)));
    EXPECT_EQ(f.upper_bounds.at(5), serialize_bound(DataType::double_type(), Value::real(24.5)));
    EXPECT_EQ(f.lower_bounds.at(6), "%");
    EXPECT_EQ(f.upper_bounds.at(6), "mmHg");
    for (int32_t repeated : {8, 10, 11}) {
      EXPECT_FALSE(f.value_counts.contains(repeated) || f.null_value_counts.contains(repeated) || f.lower_bounds.contains(repeated) ||
                   f.upper_bounds.contains(repeated))
          << repeated;
    }
  };
  check(*file);

  // Through a manifest and back.
  AppendOptions o{"2f2a9c1e-0000-4000-8000-000000000003", 7, 1'764'547'200'000, "c0ffee00-0000-4000-8000-000000000004"};
  ASSERT_TRUE(create_table_with_append(location.string(), columns, {*file}, o).is_ok());
  auto table = load_table(location.string());
  ASSERT_TRUE(table.is_ok()) << table.status().to_string();
  auto live = live_files(*table);
  ASSERT_TRUE(live.is_ok()) << live.status().to_string();
  ASSERT_EQ(live->size(), 1u);
  check((*live)[0]);
  EXPECT_EQ((*live)[0].column_sizes, file->column_sizes);
  std::filesystem::remove_all(location);
}

TEST(IcebergTable, ColumnsIcebergCannotHoldYetAreNamed) {
  auto s = schema_json({{"ts", DataType::timestamp(3), 1}});
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.status().message().find("column 'ts': type TIMESTAMP(3) is not supported in careflow's Iceberg tables yet (declare it with precision 6)"),
            std::string::npos)
      << s.status().message();
  EXPECT_FALSE(schema_json({{"t", DataType::time(3), 1}}).is_ok());
  auto no_id = schema_json({{"x", DataType::bigint(), std::nullopt}});
  EXPECT_NE(no_id.status().message().find("column 'x' has no Iceberg field id"), std::string::npos);
}

// uuid inside nested types: a list's element, a struct's field and a map's value that Iceberg's
// schema calls "uuid" are BINARY(16) nodes whose ids ColumnSpec::uuid_ids lists, written to Parquet
// as FIXED_LEN_BYTE_ARRAY(16) with the UUID annotation and read back as such; the schema JSON
// round-trips; a uuid id on another type is an error naming the field.
TEST(IcebergTable, UuidsInsideNestedTypes) {
  auto list = column_from_iceberg(nlohmann::json::parse(
      R"({"id": 3, "name": "us", "required": false, "type": {"type": "list", "element-id": 4, "element-required": false, "element": "uuid"}})"));
  ASSERT_TRUE(list.is_ok()) << list.status().to_string();
  EXPECT_EQ(list->type.to_string(), "ARRAY<BINARY(16)>");
  EXPECT_FALSE(list->uuid);
  EXPECT_EQ(list->uuid_ids, std::vector<int32_t>{4});
  auto nested = column_from_iceberg(nlohmann::json::parse(R"({"id": 5, "name": "s", "required": false, "type": {"type": "struct", "fields": [
      {"id": 6, "name": "u", "required": false, "type": "uuid"},
      {"id": 7, "name": "m", "required": false, "type": {"type": "map", "key-id": 8, "key": "string", "value-id": 9, "value-required": false, "value": "uuid"}},
      {"id": 10, "name": "n", "required": false, "type": "long"}]}})"));
  ASSERT_TRUE(nested.is_ok()) << nested.status().to_string();
  EXPECT_EQ(nested->uuid_ids, (std::vector<int32_t>{6, 9}));
  for (const ColumnSpec* c : {&*list, &*nested}) {
    auto back = column_to_iceberg(*c);
    ASSERT_TRUE(back.is_ok()) << back.status().to_string();
    auto again = column_from_iceberg(*back);
    ASSERT_TRUE(again.is_ok()) << again.status().to_string();
    EXPECT_EQ(again->uuid_ids, c->uuid_ids);
    EXPECT_EQ(again->type.to_string(), c->type.to_string());
  }
  EXPECT_EQ((*column_to_iceberg(*list))["type"]["element"], "uuid");
  EXPECT_EQ((*column_to_iceberg(*nested))["type"]["fields"][1]["type"]["value"], "uuid");
  EXPECT_EQ((*column_to_iceberg(*nested))["type"]["fields"][2]["type"], "long");
  ColumnSpec wrong = *nested;
  wrong.uuid_ids = {10};  // a BIGINT field
  auto refused = column_to_iceberg(wrong);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("'s.n': a uuid is BINARY(16), not BIGINT"), std::string::npos) << refused.status().message();

  // Through a Parquet file: the leaves are FIXED_LEN_BYTE_ARRAY(16) with the UUID annotation.
  const std::string path = (std::filesystem::temp_directory_path() / ("careflow-nested-uuid-" + std::to_string(::getpid()) + ".parquet")).string();
  auto uuid_of = [](int64_t r) {
    std::string u(16, '\0');
    for (int i = 0; i < 16; ++i) u[static_cast<size_t>(i)] = static_cast<char>((r * 29 + i * 7) & 0xff);
    return u;
  };
  std::vector<std::vector<Value>> rows;
  for (int64_t r = 0; r < 20; ++r) {
    std::vector<Value> items;
    for (int64_t k = 0; k < r % 3; ++k) items.push_back(k == 1 ? Value() : Value::bytes(uuid_of(r + k)));
    Value row = Value::list({r % 4 ? Value::bytes(uuid_of(r)) : Value(),
                             Value::map({{Value::string("a"), Value::bytes(uuid_of(r + 100))}}), Value::integer(r)});
    rows.push_back({r % 5 == 4 ? Value() : Value::list(std::move(items)), std::move(row)});
  }
  {
    auto w = ParquetWriter::open(path, {*list, *nested});
    ASSERT_TRUE(w.is_ok()) << w.status().to_string();
    for (const auto& r : rows) ASSERT_TRUE((*w)->write_row(r).is_ok());
    ASSERT_TRUE((*w)->close().is_ok());
  }
  auto rd = ParquetReader::open(path);
  ASSERT_TRUE(rd.is_ok()) << rd.status().to_string();
  size_t uuids = 0;
  for (const LeafColumn& leaf : (*rd)->leaves()) {
    const bool is_uuid = leaf.element.logical.kind == parquet::LogicalType::kUuid;
    uuids += is_uuid;
    if (is_uuid) {
      EXPECT_EQ(leaf.element.type, parquet::PhysicalType::kFixedLenByteArray);
      EXPECT_EQ(leaf.element.type_length, 16);
    }
  }
  EXPECT_EQ(uuids, 3u);
  EXPECT_EQ((*rd)->columns()[0].uuid_ids, std::vector<int32_t>{4});
  EXPECT_EQ((*rd)->columns()[1].uuid_ids, (std::vector<int32_t>{6, 9}));
  std::vector<size_t> both = {0, 1};
  auto cols = (*rd)->read_row_group(0, both);
  ASSERT_TRUE(cols.is_ok()) << cols.status().to_string();
  for (size_t r = 0; r < rows.size(); ++r) {
    EXPECT_TRUE((*cols)[0].value(r) == rows[r][0]) << r;
    EXPECT_TRUE((*cols)[1].value(r) == rows[r][1]) << r;
  }
  std::filesystem::remove(path);
}

// Iceberg's uuid: a BINARY(16) column with ColumnSpec::uuid, "uuid" in the schema, a Parquet
// FIXED_LEN_BYTE_ARRAY(16) with the UUID annotation, bounds as the 16 bytes; and the schema's
// identifier-field-ids.
TEST(IcebergTable, UuidColumnsAndIdentifierFields) {
  auto field = column_from_iceberg(nlohmann::json::parse(R"({"id": 2, "name": "u", "required": false, "type": "uuid"})"));
  ASSERT_TRUE(field.is_ok()) << field.status().to_string();
  EXPECT_TRUE(field->uuid);
  EXPECT_EQ(field->type.to_string(), "BINARY(16)");
  auto back = column_to_iceberg(*field);
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ((*back)["type"], "uuid");

  auto location = std::filesystem::temp_directory_path() / ("careflow-iceberg-uuid-" + std::to_string(::getpid()));
  std::filesystem::remove_all(location);
  std::vector<ColumnSpec> columns = {{"id", DataType::bigint().with_nullable(false), 1}, *field};
  CreateOptions o;
  o.identifier_field_ids = {2};  // a nullable column cannot identify rows
  auto refused = create_table(location.string(), columns, o);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("column 'u' (BINARY(16)) cannot identify rows"), std::string::npos) << refused.status().message();
  o.identifier_field_ids = {1};
  auto table = create_table(location.string(), columns, o);
  ASSERT_TRUE(table.is_ok()) << table.status().to_string();
  const auto schema = nlohmann::json::parse(table->schema_json);
  EXPECT_EQ(schema["identifier-field-ids"], nlohmann::json::array({1}));
  EXPECT_EQ(schema["fields"][1]["type"], "uuid");
  ASSERT_EQ(table->columns.size(), 2u);
  EXPECT_TRUE(table->columns[1].uuid);

  DataFileWriter writer(*table, "uuids");
  auto uuid_of = [](int64_t r) {
    std::string u(16, '\0');
    for (int i = 0; i < 16; ++i) u[static_cast<size_t>(i)] = static_cast<char>((r * 37 + i * 11) & 0xff);
    return u;
  };
  for (int64_t r = 0; r < 50; ++r) ASSERT_TRUE(writer.add({Value::integer(r), r % 5 ? Value::bytes(uuid_of(r)) : Value()}).is_ok());
  auto files = writer.flush();
  ASSERT_TRUE(files.is_ok()) << files.status().to_string();
  ASSERT_EQ(files->size(), 1u);
  auto rd = ParquetReader::open((*files)[0].path);
  ASSERT_TRUE(rd.is_ok()) << rd.status().to_string();
  const parquet::SchemaElement& e = (*rd)->leaves()[1].element;
  EXPECT_EQ(e.type, parquet::PhysicalType::kFixedLenByteArray);
  EXPECT_EQ(e.type_length, 16);
  EXPECT_EQ(e.logical.kind, parquet::LogicalType::kUuid);
  EXPECT_TRUE((*rd)->columns()[1].uuid);
  std::vector<size_t> all = {0, 1};
  auto cols = (*rd)->read_row_group(0, all);
  ASSERT_TRUE(cols.is_ok()) << cols.status().to_string();
  std::string lo = uuid_of(1), hi = uuid_of(1);
  for (int64_t r = 0; r < 50; ++r) {
    EXPECT_TRUE((*cols)[1].value(static_cast<size_t>(r)) == (r % 5 ? Value::bytes(uuid_of(r)) : Value())) << r;
    const std::string u = uuid_of(r);  // std::string orders bytes unsigned, as memcmp
    if (r % 5 && u < lo) lo = u;
    if (r % 5 && hi < u) hi = u;
  }
  EXPECT_EQ((*files)[0].lower_bounds[2], lo);  // the 16 bytes, compared unsigned
  EXPECT_EQ((*files)[0].upper_bounds[2], hi);
  EXPECT_EQ((*files)[0].null_value_counts[2], 10);

  // A value that is not 16 bytes is refused where it is written.
  auto path = (location / "bad.parquet").string();
  auto w = ParquetWriter::open(path, columns);
  ASSERT_TRUE(w.is_ok());
  Status s = (*w)->write_row(std::vector<Value>{Value::integer(1), Value::bytes("short")});
  EXPECT_NE(s.message().find("column 'u' (uuid): a value of 5 bytes, expected 16"), std::string::npos) << s.message();
  ColumnSpec wrong = *field;
  wrong.type = DataType::bytes();
  EXPECT_NE(ParquetWriter::open(path, {wrong}).status().message().find("a uuid column is BINARY(16), not"), std::string::npos);
  std::filesystem::remove_all(location);
}

}  // namespace
}  // namespace careflow::lake::iceberg
