// 'connector' = 'filesystem': a file, or every file of a directory in name order, one row per
// line, 'format' = 'json' (an object per line) or 'csv' (comma-separated, "" quoting). Bounded.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "exec/connectors/json_convert.h"
#include "exec/connectors/record_format.h"
#include "exec/connectors/source.h"
#include "sql/value_format.h"

namespace careflow::exec {

namespace {

std::vector<std::string> split_csv(const std::string& line) {
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

class FileSource : public Source {
 public:
  FileSource(const sql::TableDef& table, std::vector<std::string> files, bool csv)
      : table_(table), files_(std::move(files)), csv_(csv), schema_(physical_schema(table)) {}

  Result<bool> poll(RowBatch* out, size_t max_rows) override {
    while (out->size() < max_rows) {
      if (!stream_.is_open()) {
        if (file_ >= files_.size()) return false;
        stream_.open(files_[file_]);
        line_number_ = 0;
        if (!stream_) return Status::io_error(fmt::format("cannot read {}", files_[file_]));
      }
      std::string line;
      if (!std::getline(stream_, line)) {
        stream_.close();
        ++file_;
        continue;
      }
      ++line_number_;
      if (line.empty() || line == "\r") continue;
      Result<Row> row = csv_ ? parse_csv(line) : parse_json(line);
      if (!row.is_ok()) {
        return Status::invalid_argument(fmt::format("{}:{}: {}", files_[file_], line_number_, row.status().message()));
      }
      out->push_back(full_row(std::move(*row)));
    }
    return true;
  }

 private:
  Result<Row> parse_json(const std::string& line) {
    Json j = Json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return Status::invalid_argument("not a JSON object");
    Row row;
    for (size_t i = 0; i < schema_.names.size(); ++i) {
      auto it = j.find(schema_.names[i]);
      if (it == j.end()) {
        row.fields.emplace_back();
        continue;
      }
      Result<Value> v = json_to_value(*it, schema_.types[i]);
      if (!v.is_ok()) return Status::invalid_argument(fmt::format("field '{}': {}", schema_.names[i], v.status().message()));
      row.fields.push_back(std::move(*v));
    }
    return row;
  }

  Result<Row> parse_csv(const std::string& line) {
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
      Result<Value> v = sql::parse_value(cells[i], schema_.types[i]);
      if (!v.is_ok()) return Status::invalid_argument(fmt::format("column '{}': {}", schema_.names[i], v.status().message()));
      row.fields.push_back(std::move(*v));
    }
    return row;
  }

  Row full_row(Row physical) const {
    Row row{RowKind::kInsert, std::vector<Value>(table_.columns.size())};
    size_t next = 0;
    for (size_t c = 0; c < table_.columns.size(); ++c) {
      if (table_.columns[c].is_physical()) row.fields[c] = std::move(physical.fields[next++]);
    }
    return row;
  }

  const sql::TableDef& table_;
  std::vector<std::string> files_;
  bool csv_;
  PhysicalSchema schema_;
  size_t file_ = 0;
  std::ifstream stream_;
  int line_number_ = 0;
};

}  // namespace

Result<std::unique_ptr<Source>> make_file_source(const sql::TableDef& table) {
  const std::string* path = table.option("path");
  if (!path) return Status::invalid_argument(fmt::format("table '{}': the filesystem connector needs 'path'", table.name));
  const std::string* format = table.option("format");
  std::string f = format ? *format : "json";
  if (f != "json" && f != "csv") {
    return Status::invalid_argument(fmt::format("table '{}': the filesystem connector reads 'json' or 'csv', not '{}'", table.name, f));
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> files;
  if (fs::is_directory(*path, ec)) {
    for (const auto& entry : fs::directory_iterator(*path, ec)) {
      if (entry.is_regular_file() && entry.path().filename().string()[0] != '.') files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
  } else if (fs::is_regular_file(*path, ec)) {
    files.push_back(*path);
  } else {
    return Status::invalid_argument(fmt::format("table '{}': 'path' {} is neither a file nor a directory", table.name, *path));
  }
  return std::unique_ptr<Source>(new FileSource(table, std::move(files), f == "csv"));
}

}  // namespace careflow::exec
