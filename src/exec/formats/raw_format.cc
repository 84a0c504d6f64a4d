// 'raw': the whole record value as the table's single STRING or BYTES column (NULL for a
// tombstone). Under an Avro 'key.format' the value takes the Avro formats' key/value layout.
#include <fmt/format.h>

#include "exec/formats/fields_codec.h"
#include "exec/formats/record_format.h"

namespace careflow::exec {

namespace {

class RawFormat : public RecordFormat {
 public:
  explicit RawFormat(values::DataType type) : type_(std::move(type)) {}

  Status decode(const log::Record& record, RowBatch* out) const override {
    Row row;
    if (!record.value) row.fields.emplace_back();
    else if (type_.is_binary()) row.fields.push_back(Value::bytes(*record.value));
    else row.fields.push_back(Value::string(*record.value));
    out->push_back(std::move(row));
    return Status::ok();
  }

  Status encode(const Row& row, std::vector<log::Record>* out) const override {
    log::Record r;
    const Value& v = row.fields[0];
    if (!v.is_null()) r.value = type_.is_binary() ? v.as_bytes() : v.as_string();
    out->push_back(std::move(r));
    return Status::ok();
  }

 private:
  values::DataType type_;
};

Result<std::unique_ptr<RecordFormat>> make_raw_format(const sql::TableDef& table, const std::string& format,
                                                      SchemaRegistryClients* registries) {
  if (has_avro_key_format(table)) return make_avro_record_format(table, format, registries);
  PhysicalSchema schema = physical_schema(table);
  if (schema.types.size() != 1 || !(schema.types[0].is_string() || schema.types[0].is_binary())) {
    return Status::invalid_argument(fmt::format("table '{}': the 'raw' format needs exactly one STRING or BYTES "
                                                "physical column", table.name));
  }
  return std::unique_ptr<RecordFormat>(new RawFormat(schema.types[0]));
}

}  // namespace

CF_REGISTER_FORMAT({"raw", make_raw_format, true});

}  // namespace careflow::exec
