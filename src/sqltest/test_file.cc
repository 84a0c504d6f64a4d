#include "test_file.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace careflow::sqltest {

namespace {

std::string trim_right(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\t')) s.pop_back();
  return s;
}

// Appends one SQL line of a block to `b`: an `include <file>` line adds the file's text (relative to
// `folder`), any other line itself.
Status add_sql_line(Block& b, const std::string& line, const std::filesystem::path& folder) {
  b.source += line + "\n";
  if (!line.starts_with("include ")) {
    b.sql += line + "\n";
    return Status::ok();
  }
  std::string name = line.substr(8);
  while (!name.empty() && name.front() == ' ') name.erase(0, 1);
  const std::filesystem::path file = folder / name;
  std::ifstream in(file);
  if (!in) return Status::not_found(fmt::format("include {}: cannot open {}", name, file.lexically_normal().string()));
  std::stringstream text;
  text << in.rdbuf();
  std::string sql = trim_right(text.str());
  while (!sql.empty() && (sql.back() == '\n' || sql.back() == ' ')) sql.pop_back();
  b.sql += sql + "\n";
  return Status::ok();
}

}  // namespace

std::vector<std::string> split_fields(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  int depth = 0;
  bool quoted = false;
  std::string cur;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      cur += c;
      if (c == '\'') {
        if (i + 1 < text.size() && text[i + 1] == '\'') {
          cur += text[++i];
        } else {
          quoted = false;
        }
      }
      continue;
    }
    if (c == '\'' && cur.empty()) {
      quoted = true;
      cur += c;
    } else if (c == '[' || c == '(' || c == '{') {
      ++depth;
      cur += c;
    } else if (c == ']' || c == ')' || c == '}') {
      --depth;
      cur += c;
    } else if (c == ',' && depth == 0 && i + 1 < text.size() && text[i + 1] == ' ') {
      out.push_back(cur);
      cur.clear();
      ++i;
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

Result<std::vector<Block>> parse_test_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::not_found(fmt::format("cannot open {}", path));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(trim_right(line));
  std::vector<Block> blocks;
  size_t i = 0;
  auto error = [&](size_t at, const std::string& what) {
    return Status::invalid_argument(fmt::format("{}:{}: {}", path, at + 1, what));
  };
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  auto sql_line = [&](Block& b, size_t at) -> Status {
    Status s = add_sql_line(b, lines[at], folder);
    return s.is_ok() ? s : error(at, s.message());
  };
  while (i < lines.size()) {
    const std::string& line = lines[i];
    if (line.empty() || line[0] == '#') {
      ++i;
      continue;
    }
    Block b;
    b.line = static_cast<int>(i + 1);
    if (line == "statement ok" || line == "statement error") {
      b.kind = line == "statement ok" ? Block::Kind::kStatementOk : Block::Kind::kStatementError;
      ++i;
      while (i < lines.size() && !lines[i].empty() && lines[i] != "----") CF_RETURN_IF_ERROR(sql_line(b, i++));
      if (b.kind == Block::Kind::kStatementError) {
        if (i >= lines.size() || lines[i] != "----") return error(i, "statement error needs '----' and the expected message");
        ++i;
        std::string msg;
        while (i < lines.size() && !lines[i].empty()) msg += (msg.empty() ? "" : "\n") + lines[i++];
        b.expected_error = msg;
      }
    } else if (line == "explain") {
      b.kind = Block::Kind::kExplain;
      ++i;
      while (i < lines.size() && !lines[i].empty() && lines[i] != "----") CF_RETURN_IF_ERROR(sql_line(b, i++));
      if (i >= lines.size() || lines[i] != "----") return error(i, "explain needs '----' and the expected plan");
      ++i;
      while (i < lines.size() && !lines[i].empty()) b.plan.push_back(lines[i++]);
    } else if (line.starts_with("input ")) {
      b.kind = Block::Kind::kInput;
      b.table = line.substr(6);
      ++i;
      while (i < lines.size() && !lines[i].empty()) b.rows.push_back(lines[i++]);
    } else if (line == "query" || line == "query bounded") {
      b.bounded = line == "query bounded";
      b.kind = Block::Kind::kQuery;
      ++i;
      while (i < lines.size() && !lines[i].starts_with("----")) {
        if (lines[i].empty()) return error(i, "a query's SQL ends with a '---- changelog', '---- final' or '---- error' line");
        CF_RETURN_IF_ERROR(sql_line(b, i++));
      }
      while (i < lines.size() && lines[i].starts_with("----")) {
        std::string section = lines[i].substr(4);
        while (!section.empty() && section[0] == ' ') section.erase(0, 1);
        ++i;
        std::vector<std::string> body;
        while (i < lines.size() && !lines[i].empty() && !lines[i].starts_with("----")) body.push_back(lines[i++]);
        if (section == "changelog") {
          b.has_changelog = true;
          b.changelog = body;
        } else if (section == "final") {
          b.has_final = true;
          b.final_rows = body;
        } else if (section == "error") {
          b.has_error = true;
          for (const auto& l : body) b.expected_error += (b.expected_error.empty() ? "" : "\n") + l;
        } else {
          return error(i, fmt::format("unknown section '---- {}'; expected changelog, final or error", section));
        }
      }
      if (!b.has_changelog && !b.has_final && !b.has_error) return error(i, "query without an expected section");
    } else {
      return error(i, fmt::format("unexpected line '{}'; expected statement ok|error, input <table>, query or explain", line));
    }
    blocks.push_back(std::move(b));
  }
  return blocks;
}

}  // namespace careflow::sqltest
