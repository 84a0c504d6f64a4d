#include "lake/parquet_assemble.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace careflow::lake {

using values::Value;

namespace {

class Assembler {
 public:
  Assembler(std::span<const LeafChunk> leaves, int base, std::string_view file)
      : leaves_(leaves), base_(base), file_(file), pos_(leaves.size(), 0) {}

  Status row(int64_t r, const ShapeNode& root, std::vector<Value>* out) {
    for (int l = root.first_leaf; l < root.end_leaf; ++l) {
      if (at_end(l)) return error(l, fmt::format("the leaf's entries end after {} rows", r));
      if (rep(l) != 0) return error(l, fmt::format("row {} starts at repetition level {}, not 0", r, rep(l)));
    }
    CF_ASSIGN_OR_RETURN(Value v, read(root));
    out->push_back(std::move(v));
    return Status::ok();
  }

  Status finish(const ShapeNode& root, int64_t rows) const {
    for (int l = root.first_leaf; l < root.end_leaf; ++l) {
      if (!at_end(l)) return error(l, fmt::format("{} entries are left after the row group's {} rows", size(l) - pos(l), rows));
    }
    return Status::ok();
  }

 private:
  const LeafChunk& leaf(int l) const { return leaves_[static_cast<size_t>(l - base_)]; }
  size_t pos(int l) const { return pos_[static_cast<size_t>(l - base_)]; }
  void advance(int l) { ++pos_[static_cast<size_t>(l - base_)]; }
  size_t size(int l) const { return leaf(l).values.valid.size(); }
  bool at_end(int l) const { return pos(l) >= size(l); }
  // A leaf whose maximum level is 0 stores none: its levels are all 0.
  uint32_t def(int l) const { return leaf(l).levels.defs.empty() ? 0 : leaf(l).levels.defs[pos(l)]; }
  uint32_t rep(int l) const { return leaf(l).levels.reps.empty() ? 0 : leaf(l).levels.reps[pos(l)]; }

  // The entry's page: the last page that starts at or before it.
  Status error(int l, std::string_view what) const {
    const auto& pages = leaf(l).levels.pages;
    auto it = std::upper_bound(pages.begin(), pages.end(), pos(l), [](size_t p, const auto& page) { return p < page.first; });
    uint64_t byte = it == pages.begin() ? 0 : std::prev(it)->second;
    return Status::corruption(fmt::format("{}: byte {}: column '{}': entry {}: {}", file_, byte, leaf(l).values.column.name, pos(l), what));
  }

  // Every leaf below `n` has an entry, at a definition level of at least `min` and, when `below`,
  // below `below`: the leaves agree on what is NULL or empty at `n`.
  Status agree(const ShapeNode& n, uint32_t min, uint32_t below, std::string_view what) const {
    for (int l = n.first_leaf; l < n.end_leaf; ++l) {
      if (at_end(l)) return error(l, fmt::format("the leaf's entries end inside '{}'", n.path));
      if (def(l) < min || def(l) >= below) {
        return error(l, fmt::format("definition level {} disagrees with the other leaves of '{}' ({})", def(l), n.path, what));
      }
    }
    return Status::ok();
  }

  void skip(const ShapeNode& n) {
    for (int l = n.first_leaf; l < n.end_leaf; ++l) advance(l);
  }

  Result<Value> read(const ShapeNode& n) {
    const int first = n.first_leaf;
    if (at_end(first)) return error(first, fmt::format("the leaf's entries end inside '{}'", n.path));
    const auto here = static_cast<uint32_t>(n.def);
    if (def(first) < here) {
      if (!n.optional) return error(first, fmt::format("definition level {} makes the REQUIRED '{}' NULL", def(first), n.path));
      CF_RETURN_IF_ERROR(agree(n, 0, here, "NULL"));
      skip(n);
      return Value();
    }
    switch (n.kind) {
      case ShapeNode::kLeaf: {
        Value v = leaf(first).values.value(pos(first));
        advance(first);
        return v;
      }
      case ShapeNode::kStruct: {
        CF_RETURN_IF_ERROR(agree(n, here, UINT32_MAX, "present"));
        std::vector<Value> fields;
        fields.reserve(n.children.size());
        for (const ShapeNode& c : n.children) {
          CF_ASSIGN_OR_RETURN(Value v, read(c));
          fields.push_back(std::move(v));
        }
        return Value::list(std::move(fields));
      }
      case ShapeNode::kList:
      case ShapeNode::kMap: break;
    }
    const bool is_map = n.kind == ShapeNode::kMap;
    if (def(first) == here) {
      CF_RETURN_IF_ERROR(agree(n, here, here + 1, "empty"));
      skip(n);
      return is_map ? Value::map({}) : Value::list({});
    }
    CF_RETURN_IF_ERROR(agree(n, here + 1, UINT32_MAX, "with entries"));
    std::vector<Value> items;
    values::MapEntries entries;
    while (true) {
      if (is_map) {
        CF_ASSIGN_OR_RETURN(Value key, read(n.children[0]));
        CF_ASSIGN_OR_RETURN(Value value, read(n.children[1]));
        if (key.is_null()) return error(first, fmt::format("a NULL key in '{}'", n.path));
        entries.emplace_back(std::move(key), std::move(value));
      } else {
        CF_ASSIGN_OR_RETURN(Value item, read(n.children[0]));
        items.push_back(std::move(item));
      }
      // Another entry follows when every leaf's next entry repeats at this list's level.
      const auto level = static_cast<uint32_t>(n.rep);
      auto more_at = [&](int l) -> Result<bool> {
        if (at_end(l) || rep(l) < level) return false;
        if (rep(l) > level) return error(l, fmt::format("repetition level {} after an entry of '{}', whose level is {}", rep(l), n.path, level));
        return true;
      };
      CF_ASSIGN_OR_RETURN(bool more, more_at(first));
      for (int l = first + 1; l < n.end_leaf; ++l) {
        CF_ASSIGN_OR_RETURN(bool other, more_at(l));
        if (other != more) return error(l, fmt::format("the leaves of '{}' disagree on its number of entries", n.path));
      }
      if (!more) break;
    }
    return is_map ? Value::map(std::move(entries)) : Value::list(std::move(items));
  }

  std::span<const LeafChunk> leaves_;
  int base_;
  std::string_view file_;
  std::vector<size_t> pos_;
};

}  // namespace

Status assemble_column(const ShapeNode& root, std::span<const LeafChunk> leaves, int64_t rows, std::string_view file,
                       std::vector<Value>* out) {
  Assembler a(leaves, root.first_leaf, file);
  // Each row takes at least one entry of every leaf, so a row count from a damaged footer cannot
  // make this reserve more than the leaves hold.
  if (!leaves.empty()) out->reserve(std::min(static_cast<size_t>(std::max<int64_t>(rows, 0)), leaves.front().values.valid.size()));
  for (int64_t r = 0; r < rows; ++r) CF_RETURN_IF_ERROR(a.row(r, root, out));
  return a.finish(root, rows);
}

}  // namespace careflow::lake
