#include "sqltest/logic_test_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "exec/connectors/connector.h"
#include "exec/row.h"
#include "exec/session.h"
#include "sql/parser.h"
#include "sqltest/test_file.h"
#include "values/value_format.h"

namespace careflow::sqltest {
namespace {

using exec::Row;
using exec::RowBatch;
using values::DataType;
using values::TypeId;
using values::Value;

Result<Value> parse_field(const std::string& text, const DataType& type) {
  if (text == "NULL") return Value();
  if (type.is_string() || type.is_binary()) {
    std::string s = text;
    if (s.size() >= 2 && s.front() == '\'' && s.back() == '\'') {
      std::string out;
      for (size_t i = 1; i + 1 < s.size(); ++i) {
        out += s[i];
        if (s[i] == '\'' && s[i + 1] == '\'') ++i;
      }
      s = out;
    }
    if (type.is_binary()) {
      if (!(s.starts_with("x'") && s.ends_with("'"))) return Status::invalid_argument(fmt::format("'{}' is not x'..hex..'", text));
      std::string bytes;
      for (size_t i = 2; i + 1 < s.size(); i += 2) bytes.push_back(static_cast<char>(std::stoi(s.substr(i, 2), nullptr, 16)));
      return Value::bytes(bytes);
    }
    return Value::string(s);
  }
  auto inner = [&](char open, char close) -> Result<std::vector<std::string>> {
    if (text.size() < 2 || text.front() != open || text.back() != close) {
      return Status::invalid_argument(fmt::format("'{}' is not a {} value", text, type.to_string()));
    }
    return split_fields(text.substr(1, text.size() - 2));
  };
  switch (type.id) {
    case TypeId::kArray:
    case TypeId::kMultiset: {
      CF_ASSIGN_OR_RETURN(std::vector<std::string> parts, inner('[', ']'));
      std::vector<Value> items;
      for (const auto& p : parts) {
        CF_ASSIGN_OR_RETURN(Value v, parse_field(p, type.children[0]));
        items.push_back(v);
      }
      return Value::list(std::move(items));
    }
    case TypeId::kRow: {
      CF_ASSIGN_OR_RETURN(std::vector<std::string> parts, inner('(', ')'));
      if (parts.size() != type.children.size()) return Status::invalid_argument(fmt::format("'{}' has the wrong number of fields", text));
      std::vector<Value> fields;
      for (size_t i = 0; i < parts.size(); ++i) {
        CF_ASSIGN_OR_RETURN(Value v, parse_field(parts[i], type.children[i]));
        fields.push_back(v);
      }
      return Value::list(std::move(fields));
    }
    case TypeId::kMap: {
      CF_ASSIGN_OR_RETURN(std::vector<std::string> parts, inner('{', '}'));
      values::MapEntries entries;
      for (const auto& p : parts) {
        size_t eq = p.find('=');
        if (eq == std::string::npos) return Status::invalid_argument(fmt::format("map entry '{}' needs key=value", p));
        CF_ASSIGN_OR_RETURN(Value k, parse_field(p.substr(0, eq), type.children[0]));
        CF_ASSIGN_OR_RETURN(Value v, parse_field(p.substr(eq + 1), type.children[1]));
        entries.emplace_back(k, v);
      }
      return Value::map(std::move(entries));
    }
    default: return values::parse_value(text, type);
  }
}

Result<Row> parse_row(const std::string& line, const std::vector<DataType>& types) {
  if (line.size() < 4 || line[2] != '[' || line.back() != ']') {
    return Status::invalid_argument(fmt::format("'{}' is not a row such as +I[1, abc]", line));
  }
  Row row;
  if (!exec::parse_kind(line.substr(0, 2), &row.kind)) {
    return Status::invalid_argument(fmt::format("'{}' does not start with +I, -U, +U or -D", line));
  }
  std::vector<std::string> fields = split_fields(line.substr(3, line.size() - 4));
  if (fields.size() != types.size()) {
    return Status::invalid_argument(fmt::format("'{}' has {} fields but the table has {} physical columns", line,
                                                fields.size(), types.size()));
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    Result<Value> v = parse_field(fields[i], types[i]);
    if (!v.is_ok()) return Status::invalid_argument(fmt::format("field {} of '{}': {}", i + 1, line, v.status().message()));
    row.fields.push_back(*v);
  }
  return row;
}

struct InputBlock {
  std::string table;
  RowBatch rows;
};

class Runner {
 public:
  explicit Runner(std::string path) : path_(std::move(path)) {}

  FileResult run() {
    FileResult result;
    result.path = path_;
    Result<std::vector<Block>> blocks = parse_test_file(path_);
    if (!blocks.is_ok()) {
      result.failures = 1;
      result.report = blocks.status().message() + "\n";
      return result;
    }
    int queries = 0;
    for (const Block& b : *blocks) {
      switch (b.kind) {
        case Block::Kind::kStatementOk: statement(b, true); break;
        case Block::Kind::kStatementError: statement(b, false); break;
        case Block::Kind::kInput: input(b); break;
        case Block::Kind::kQuery: query(b); ++queries; break;
        case Block::Kind::kExplain: explain(b); break;
      }
    }
    report_ += fmt::format("{}: {} blocks, {} queries, {} failed\n", path_, blocks->size(), queries, failures_);
    result.blocks = blocks->size();
    result.queries = queries;
    result.failures = failures_;
    result.report = std::move(report_);
    return result;
  }

 private:
  void fail(const Block& b, const std::string& what) {
    ++failures_;
    report_ += fmt::format("FAIL {}:{}\n{}\n{}\n", path_, b.line, b.source, what);
  }

  void statement(const Block& b, bool expect_ok) {
    Result<std::vector<exec::StatementResult>> r = session_.execute_script(b.sql);
    if (expect_ok && !r.is_ok()) return fail(b, "  statement failed: " + r.status().message());
    if (!expect_ok) {
      if (r.is_ok()) return fail(b, "  statement succeeded, expected an error containing: " + b.expected_error);
      if (r.status().message().find(b.expected_error) == std::string::npos) {
        return fail(b, fmt::format("  expected an error containing:\n    {}\n  got:\n    {}", b.expected_error,
                                   r.status().message()));
      }
    }
  }

  // The plan careflow chose, as EXPLAIN prints it (careflow only: Flink's plans differ in detail).
  void explain(const Block& b) {
    Result<std::vector<exec::StatementResult>> r = session_.execute_script("EXPLAIN " + b.sql);
    if (!r.is_ok()) return fail(b, "  EXPLAIN failed: " + r.status().message());
    std::vector<std::string> lines;
    std::string text = r->front().text;
    size_t start = text.find('\n') + 1;  // skip the "== Optimized Physical Plan ==" header
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      lines.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    if (lines != b.plan) fail(b, "  plan differs\n" + diff(b.plan, lines));
  }

  void input(const Block& b) {
    const sql::TableDef* table = session_.catalog().table(b.table);
    if (!table) return fail(b, fmt::format("  input for unknown table '{}'", b.table));
    std::vector<DataType> types;
    for (const sql::TableColumn& c : table->columns) {
      if (c.is_physical()) types.push_back(c.type);
    }
    InputBlock block{b.table, {}};
    for (const std::string& line : b.rows) {
      Result<Row> row = parse_row(line, types);
      if (!row.is_ok()) return fail(b, "  " + row.status().message());
      block.rows.push_back(std::move(*row));
    }
    inputs_.push_back(std::move(block));
  }

  void query(const Block& b) {
    auto report_error = [&](const std::string& message) {
      if (b.has_error) {
        if (message.find(b.expected_error) == std::string::npos) {
          fail(b, fmt::format("  expected an error containing:\n    {}\n  got:\n    {}", b.expected_error, message));
        }
        return;
      }
      fail(b, "  query failed: " + message);
    };
    Result<std::vector<exec::StatementResult>> results = session_.execute_script(b.sql);
    if (!results.is_ok()) return report_error(results.status().message());
    if (results->size() != 1 || results->front().kind != exec::StatementResult::Kind::kJob) {
      return fail(b, "  a query block must hold one SELECT or INSERT");
    }
    exec::Job& job = *results->front().job;
    std::vector<DataType> types = job.result_types();
    RowBatch output;
    Status s = job.start();
    for (Row& r : job.take_output()) output.push_back(std::move(r));
    if (s.is_ok()) s = read_file_tables(job, &output);
    for (const InputBlock& in : inputs_) {
      if (!s.is_ok()) break;
      s = job.push(in.table, in.rows);
      // Each source's watermark moves once, at the end of its block (as the Flink harness emits it).
      if (s.is_ok()) s = job.emit_watermarks();
      RowBatch produced = job.take_output();
      for (Row& r : produced) output.push_back(std::move(r));
    }
    if (s.is_ok() && b.bounded) {
      s = job.end_input();
      for (Row& r : job.take_output()) output.push_back(std::move(r));
    }
    if (!s.is_ok()) return report_error(s.message());
    if (b.has_error) return fail(b, "  the query succeeded, expected an error containing: " + b.expected_error);
    values::EvalContext ctx;
    ctx.time_zone = session_.options().time_zone;
    std::vector<std::string> actual;
    for (const Row& r : output) actual.push_back(exec::format_row(r, types, true, &ctx));
    if (b.has_changelog && actual != b.changelog) {
      fail(b, "  changelog differs\n" + diff(b.changelog, actual));
    }
    if (b.has_final) {
      std::vector<std::string> table;
      std::string problem;
      for (const Row& r : output) {
        std::string rendered = exec::format_row(r, types, false, &ctx);
        if (exec::is_accumulate(r.kind)) {
          table.push_back(rendered);
        } else {
          auto it = std::find(table.begin(), table.end(), rendered);
          if (it == table.end()) {
            problem += fmt::format("  {} retracts a row that is not in the result\n", exec::format_row(r, types, true, &ctx));
          }
          else table.erase(it);
        }
      }
      std::sort(table.begin(), table.end());
      std::vector<std::string> expected = b.final_rows;
      std::sort(expected.begin(), expected.end());
      if (!problem.empty() || table != expected) fail(b, problem + "  final table differs\n" + diff(expected, table));
    }
  }

  // A table on the filesystem connector is read through it, not fed by input blocks: its file's
  // lines decoded by its format, as one block before the input blocks (the Flink harness reads it
  // with Flink's own connector). A relative 'path' is relative to the test file's folder.
  Status read_file_tables(exec::Job& job, RowBatch* output) {
    for (size_t i = 0; i < job.sources().size(); ++i) {
      const sql::TableDef& table = *job.sources()[i].table;
      const std::string* connector = table.option("connector");
      if (!connector || *connector != "filesystem") continue;
      sql::TableDef resolved = table;
      for (auto& [key, value] : resolved.options) {
        if (key == "path" && std::filesystem::path(value).is_relative()) {
          value = (std::filesystem::path(path_).parent_path() / value).string();
        }
      }
      CF_ASSIGN_OR_RETURN(std::unique_ptr<exec::Source> source, exec::make_source(resolved, exec::ConnectorContext{}));
      RowBatch rows;
      for (;;) {
        CF_ASSIGN_OR_RETURN(bool more, source->poll(&rows, 1024));
        if (!more) break;
      }
      CF_RETURN_IF_ERROR(job.push_full(i, std::move(rows)));
      CF_RETURN_IF_ERROR(job.emit_watermarks());
      for (Row& r : job.take_output()) output->push_back(std::move(r));
    }
    return Status::ok();
  }

  static std::string diff(const std::vector<std::string>& expected, const std::vector<std::string>& actual) {
    std::string out = "  expected:\n";
    for (const auto& l : expected) out += "    " + l + "\n";
    out += "  actual:\n";
    for (const auto& l : actual) out += "    " + l + "\n";
    return out;
  }

  std::string path_;
  exec::Session session_;
  std::vector<InputBlock> inputs_;
  int failures_ = 0;
  std::string report_;
};

}  // namespace

FileResult run_test_file(const std::string& path) { return Runner(path).run(); }

}  // namespace careflow::sqltest
