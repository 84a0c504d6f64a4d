// 'connector' = 'filesystem': a file, or every file of a directory in name order, one record per
// line, decoded by the table's format from the format registry ('format' = 'json', an object per
// line, 'csv', or 'debezium-json', whose events give +I / -U / +U / -D as from a topic),
// exactly as a topic's records are. Bounded; read only.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "exec/connectors/connector.h"
#include "exec/formats/record_format.h"

namespace careflow::exec {

namespace {

class FileSource : public Source {
 public:
  FileSource(const sql::TableDef& table, std::vector<std::string> files, std::unique_ptr<RecordFormat> format)
      : table_(table), files_(std::move(files)), format_(std::move(format)) {}

  // [file index, lines read of it]: polls stop between lines, so that is where the next row starts.
  Result<std::vector<int64_t>> position() const override {
    return std::vector<int64_t>{static_cast<int64_t>(file_), stream_.is_open() ? line_number_ : 0};
  }
  Status seek(const std::vector<int64_t>& position) override {
    if (position.size() != 2 || position[0] < 0 || position[0] > static_cast<int64_t>(files_.size()) || position[1] < 0) {
      return Status::invalid_argument(fmt::format("table '{}': a checkpointed position that is not a file's", table_.name));
    }
    file_ = static_cast<size_t>(position[0]);
    if (file_ >= files_.size() || position[1] == 0) return Status::ok();
    stream_.open(files_[file_]);
    if (!stream_) return Status::io_error(fmt::format("cannot read {}", files_[file_]));
    std::string line;
    for (line_number_ = 0; line_number_ < position[1]; ++line_number_) {
      if (!std::getline(stream_, line)) {
        return Status::invalid_argument(fmt::format("{} has fewer lines than the checkpoint read ({})", files_[file_], position[1]));
      }
    }
    return Status::ok();
  }

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
      log::Record record;
      record.offset = line_number_ - 1;
      record.value = std::move(line);
      decoded_.clear();
      Status s = format_->decode(record, &decoded_);
      if (!s.is_ok()) return Status::invalid_argument(fmt::format("{}:{}: {}", files_[file_], line_number_, s.message()));
      for (Row& row : decoded_) out->push_back(full_row(std::move(row)));
    }
    return true;
  }

 private:
  Row full_row(Row physical) const {
    Row row{physical.kind, std::vector<Value>(table_.columns.size())};
    size_t next = 0;
    for (size_t c = 0; c < table_.columns.size(); ++c) {
      if (table_.columns[c].is_physical()) row.fields[c] = std::move(physical.fields[next++]);
    }
    return row;
  }

  const sql::TableDef& table_;
  std::vector<std::string> files_;
  std::unique_ptr<RecordFormat> format_;
  size_t file_ = 0;
  std::ifstream stream_;
  int64_t line_number_ = 0;
  RowBatch decoded_;
};

Result<std::unique_ptr<Source>> make_file_source(const sql::TableDef& table, const ConnectorContext& context) {
  const std::string* path = table.option("path");
  if (!path) return Status::invalid_argument(fmt::format("table '{}': the filesystem connector needs 'path'", table.name));
  // Flink 1.20's filesystem source takes every format (docs/sql.md "Formats by connector");
  // careflow reads the line-based ones. The changelog formats give their events' kinds, as there.
  std::string f = value_format_of(table);
  if (f != "json" && f != "csv" && f != "debezium-json" && f != "canal-json" && f != "maxwell-json" && f != "ogg-json") {
    return Status::invalid_argument(fmt::format(
        "table '{}': the filesystem connector reads 'json', 'csv', 'debezium-json', 'canal-json', 'maxwell-json' or "
        "'ogg-json' files (one record a line), not '{}'",
        table.name, f));
  }
  CF_ASSIGN_OR_RETURN(std::unique_ptr<RecordFormat> format, make_record_format(table, context.registries));
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
  return std::unique_ptr<Source>(new FileSource(table, std::move(files), std::move(format)));
}

}  // namespace

CF_REGISTER_CONNECTOR({"filesystem", make_file_source, nullptr, false});

}  // namespace careflow::exec
