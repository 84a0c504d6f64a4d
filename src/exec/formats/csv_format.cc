// 'csv': a record value is one comma-separated line, a field per physical column in declaration
// order, "" quoting; an empty field is NULL (an empty string for a string column). The
// filesystem connector reads files with it line by line.
#include <fmt/format.h>

#include "exec/formats/record_format.h"
#include "values/value_format.h"

namespace careflow::exec {

namespace {

std::vector<std::string> split_csv(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::string quote_csv(const std::string& cell) {
  if (cell.find_first_of(",\"\n") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

class CsvFormat : public RecordFormat {
 public:
  explicit CsvFormat(PhysicalSchema schema) : schema_(std::move(schema)) {}

  Status decode(const log::Record& record, RowBatch* out) const override {
    if (!record.value) return Status::ok();
    std::string_view line = *record.value;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::vector<std::string> cells = split_csv(line);
    if (cells.size() != schema_.names.size()) {
      return Status::invalid_argument(fmt::format("{} fields, the table has {} columns", cells.size(), schema_.names.size()));
    }
    Row row;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (cells[i].empty() && !schema_.types[i].is_string()) {
        row.fields.emplace_back();
        continue;
      }
      Result<Value> v = values::parse_value(cells[i], schema_.types[i]);
      if (!v.is_ok()) return Status::invalid_argument(fmt::format("column '{}': {}", schema_.names[i], v.status().message()));
      row.fields.push_back(std::move(*v));
    }
    out->push_back(std::move(row));
    return Status::ok();
  }

  Status encode(const Row& row, std::vector<log::Record>* out) const override {
    std::string line;
    for (size_t i = 0; i < row.fields.size(); ++i) {
      if (i > 0) line += ',';
      if (!row.fields[i].is_null()) line += quote_csv(values::format_value(row.fields[i], schema_.types[i]));
    }
    log::Record r;
    r.value = std::move(line);
    out->push_back(std::move(r));
    return Status::ok();
  }

 private:
  PhysicalSchema schema_;
};

Result<std::unique_ptr<RecordFormat>> make_csv_format(const sql::TableDef& table, const std::string&, SchemaRegistryClients*) {
  return std::unique_ptr<RecordFormat>(new CsvFormat(physical_schema(table)));
}

}  // namespace

CF_REGISTER_FORMAT({"csv", make_csv_format, false});

}  // namespace careflow::exec
