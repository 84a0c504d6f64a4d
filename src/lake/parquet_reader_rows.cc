// ParquetReader's page skipping: which rows of a row group the page index leaves to read for some
// column ranges (select_rows), and the reading of just those rows (read_rows), each flat column
// decoding only the data pages that hold them (PageIndex.md's "row ranges").
#include <fmt/format.h>

#include <algorithm>
#include <cstddef>

#include "lake/chunk_decoder.h"
#include "lake/parquet_bounds.h"
#include "lake/parquet_reader.h"

namespace careflow::lake {

namespace {

// The rows [first, end) of page p of a chunk's OffsetIndex in a group of `group_rows` rows: pages
// start at row 0 and on non-decreasing rows, and the last ends with the group.
Result<RowSpan> page_rows(const parquet::OffsetIndex& index, size_t p, int64_t group_rows, std::string_view file, size_t row_group,
                          size_t chunk) {
  const auto& locations = index.page_locations;
  const int64_t first = locations[p].first_row_index;
  const int64_t end = p + 1 < locations.size() ? locations[p + 1].first_row_index : group_rows;
  if ((p == 0 && first != 0) || first < 0 || end < first || end > group_rows || locations[p].offset < 4 ||
      locations[p].compressed_page_size < 0) {
    return Status::corruption(fmt::format("{}: byte {}: row group {} column chunk {}: its OffsetIndex puts page {} at rows {}..{} of {}", file,
                                          locations[p].offset, row_group, chunk, p, first, end, group_rows));
  }
  return RowSpan{first, end};
}

// Appends [first, end) to sorted spans, joining it to the last one when they touch.
void add_span(std::vector<RowSpan>* spans, RowSpan s) {
  if (s.end <= s.first) return;
  if (!spans->empty() && spans->back().end == s.first) {
    spans->back().end = s.end;
  } else {
    spans->push_back(s);
  }
}

std::vector<RowSpan> intersect(const std::vector<RowSpan>& a, const std::vector<RowSpan>& b) {
  std::vector<RowSpan> out;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    add_span(&out, {std::max(a[i].first, b[j].first), std::min(a[i].end, b[j].end)});
    if (a[i].end < b[j].end) ++i;
    else ++j;
  }
  return out;
}

template <typename Vector>
void take_slices(Vector* v, std::span<const std::pair<size_t, size_t>> slices, size_t total) {
  if (v->empty()) return;
  Vector out;
  out.reserve(total);
  for (auto [from, n] : slices) out.insert(out.end(), v->begin() + static_cast<std::ptrdiff_t>(from), v->begin() + static_cast<std::ptrdiff_t>(from + n));
  *v = std::move(out);
}

// Of a column holding the rows `held` (sorted, disjoint spans, one slot per row in order), keeps
// the rows `want` (sorted, each inside one span of `held`).
void keep_rows(ColumnVector* v, std::span<const RowSpan> held, std::span<const RowSpan> want) {
  std::vector<std::pair<size_t, size_t>> slices;  // [slot, count)
  size_t total = 0;
  size_t h = 0;
  int64_t slot = 0;  // the slot of held[h].first
  for (const RowSpan& w : want) {
    while (held[h].end <= w.first) {
      slot += held[h].end - held[h].first;
      ++h;
    }
    slices.emplace_back(static_cast<size_t>(slot + (w.first - held[h].first)), static_cast<size_t>(w.end - w.first));
    total += slices.back().second;
  }
  if (total == v->size()) return;  // every row held is wanted
  take_slices(&v->valid, slices, total);
  take_slices(&v->ints, slices, total);
  take_slices(&v->doubles, slices, total);
  take_slices(&v->decimals, slices, total);
  take_slices(&v->nested, slices, total);
  if (!v->ends.empty()) {
    std::string heap;
    NumberVector<size_t> ends;
    ends.reserve(total);
    for (auto [from, n] : slices) {
      const size_t start = from ? v->ends[from - 1] : 0;
      const size_t base = heap.size();
      heap.append(v->heap, start, v->ends[from + n - 1] - start);
      for (size_t i = from; i < from + n; ++i) ends.push_back(v->ends[i] - start + base);
    }
    v->heap = std::move(heap);
    v->ends = std::move(ends);
  }
}

}  // namespace

Result<std::vector<RowSpan>> ParquetReader::select_rows(size_t row_group, std::span<const ColumnRange> ranges) const {
  if (row_group >= meta_.row_groups.size()) {
    return Status::out_of_range(fmt::format("{}: row group {} of {}", name_, row_group, meta_.row_groups.size()));
  }
  const int64_t group_rows = meta_.row_groups[row_group].num_rows;
  std::vector<RowSpan> selected;
  add_span(&selected, {0, group_rows});
  for (const ColumnRange& range : ranges) {
    CF_ASSIGN_OR_RETURN(size_t column, column_index(range.column));
    std::optional<size_t> chunk = chunk_of_column(column);
    if (!chunk) continue;  // a nested column: no bounds to skip pages by
    CF_ASSIGN_OR_RETURN(std::optional<parquet::ChunkPageIndex> index, page_index(row_group, *chunk));
    if (!index || !index->column) continue;
    const parquet::ColumnIndex& bounds = *index->column;
    const LeafColumn& leaf = leaves_[*chunk];
    std::vector<RowSpan> may_match;
    for (size_t p = 0; p < index->offsets.page_locations.size(); ++p) {
      CF_ASSIGN_OR_RETURN(RowSpan rows, page_rows(index->offsets, p, group_rows, name_, row_group, *chunk));
      if (bounds.null_pages[p]) continue;  // NULLs only: inside no range
      std::optional<values::Value> min = decode_bound(leaf.element, leaf.type, bounds.min_values[p]);
      std::optional<values::Value> max = decode_bound(leaf.element, leaf.type, bounds.max_values[p]);
      if (min && max) {
        if (range.lower && !range.lower->is_null() && values::compare_values(*max, *range.lower) < 0) continue;
        if (range.upper && !range.upper->is_null() && values::compare_values(*min, *range.upper) > 0) continue;
      }
      add_span(&may_match, rows);
    }
    selected = intersect(selected, may_match);
  }
  return selected;
}

Status ParquetReader::decode_pages(size_t row_group, size_t leaf, const parquet::OffsetIndex& index, std::span<const RowSpan> rows,
                                   ColumnVector* values, std::vector<RowSpan>* held, std::string* buffer, DecodeScratch* scratch) const {
  const int64_t group_rows = meta_.row_groups[row_group].num_rows;
  const auto& locations = index.page_locations;
  if (locations.empty()) {
    return Status::corruption(fmt::format("{}: row group {} column chunk {}: an OffsetIndex without pages for {} rows", name_, row_group, leaf,
                                          group_rows));
  }
  std::vector<IndexedPage> pages;
  size_t r = 0;  // the first span that does not end before the page
  for (size_t p = 0; p < locations.size(); ++p) {
    CF_ASSIGN_OR_RETURN(RowSpan page, page_rows(index, p, group_rows, name_, row_group, leaf));
    while (r < rows.size() && rows[r].end <= page.first) ++r;
    if (r == rows.size() || rows[r].first >= page.end || page.end == page.first) continue;
    pages.push_back({static_cast<uint64_t>(locations[p].offset), static_cast<size_t>(locations[p].compressed_page_size), page.end - page.first});
    add_span(held, page);
  }
  pages_skipped_ += static_cast<int64_t>(locations.size() - pages.size());
  ReadBytes read = [&](uint64_t offset, size_t n) -> Result<std::string_view> {
    if (offset > size_ || n > size_ - offset) {
      return Status::corruption(fmt::format("{}: byte {}: {} bytes the page index locates run past the file's end", name_, offset, n));
    }
    return read_at(offset, n, buffer);
  };
  int64_t decoded = 0;
  Status s = decode_indexed_pages(read, name_, footer_start_, leaves_[leaf], meta_.row_groups[row_group].columns[leaf],
                                  static_cast<uint64_t>(locations[0].offset), pages, values, &decoded, scratch);
  pages_read_ += decoded;
  return s;
}

Result<std::vector<ColumnVector>> ParquetReader::read_rows(size_t row_group, std::span<const size_t> columns, std::span<const RowSpan> rows) const {
  if (row_group >= meta_.row_groups.size()) {
    return Status::out_of_range(fmt::format("{}: row group {} of {}", name_, row_group, meta_.row_groups.size()));
  }
  const int64_t group_rows = meta_.row_groups[row_group].num_rows;
  int64_t last = 0;
  for (const RowSpan& span : rows) {
    if (span.first < last || span.end <= span.first || span.end > group_rows) {
      return Status::invalid_argument(
          fmt::format("{}: row group {}: rows {}..{} are not sorted, disjoint and inside its {} rows", name_, row_group, span.first, span.end, group_rows));
    }
    last = span.end;
  }
  const RowSpan whole{0, group_rows};
  const bool all = rows.size() == 1 && rows[0] == whole;
  std::string buffer;
  DecodeScratch scratch;
  std::vector<ColumnVector> out;
  out.reserve(columns.size());
  for (size_t c : columns) {
    if (c >= columns_.size()) return Status::out_of_range(fmt::format("{}: column {} of {}", name_, c, columns_.size()));
    if (rows.empty()) {  // nothing to decode
      out.emplace_back().column = columns_[c];
      continue;
    }
    if (std::optional<size_t> leaf = chunk_of_column(c); leaf && !all) {
      CF_ASSIGN_OR_RETURN(std::optional<parquet::ChunkPageIndex> index, page_index(row_group, *leaf));
      if (index) {
        ColumnVector& v = out.emplace_back();
        v.column = columns_[c];
        std::vector<RowSpan> held;
        CF_RETURN_IF_ERROR(decode_pages(row_group, *leaf, index->offsets, rows, &v, &held, &buffer, &scratch));
        keep_rows(&v, held, rows);
        continue;
      }
    }
    CF_ASSIGN_OR_RETURN(ColumnVector v, read_column(row_group, c, &buffer, &scratch));
    if (!all) keep_rows(&v, std::span<const RowSpan>(&whole, 1), rows);
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace careflow::lake
