#include "lake/parquet_page_index.h"

#include <fmt/format.h>

#include "lake/thrift_compact.h"

namespace careflow::lake::parquet {

using thrift::CompactReader;
using thrift::CompactWriter;
using thrift::CType;
using thrift::FieldHeader;
using thrift::read_struct;

namespace {

// Appends every element of a list field (wire type `type`), each read by read(element type).
template <typename T, typename Read>
Status read_list_into(CompactReader& r, CType type, std::vector<T>* out, Read read) {
  CF_ASSIGN_OR_RETURN(auto list, r.read_list(type));
  for (uint32_t i = 0; i < list.second; ++i) {
    auto v = read(list.first);
    if (!v.is_ok()) return v.status();
    out->emplace_back(*v);
  }
  return Status::ok();
}

}  // namespace

void encode_offset_index(const OffsetIndex& index, std::string* out) {
  CompactWriter w(out);
  w.field_list(1, CType::kStruct, index.page_locations.size());
  for (const PageLocation& p : index.page_locations) {
    w.begin_struct();
    w.field_i64(1, p.offset);
    w.field_i32(2, p.compressed_page_size);
    w.field_i64(3, p.first_row_index);
    w.end_struct();
  }
  out->push_back(0);
}

void encode_column_index(const ColumnIndex& index, std::string* out) {
  CompactWriter w(out);
  w.field_list(1, CType::kTrue, index.null_pages.size());
  for (bool null_page : index.null_pages) out->push_back(null_page ? 1 : 2);
  w.field_list(2, CType::kBinary, index.min_values.size());
  for (const std::string& v : index.min_values) w.binary(v);
  w.field_list(3, CType::kBinary, index.max_values.size());
  for (const std::string& v : index.max_values) w.binary(v);
  w.field_i32(4, static_cast<int32_t>(index.boundary_order));
  w.field_list(5, CType::kI64, index.null_counts.size());
  for (int64_t n : index.null_counts) w.i64(n);
  out->push_back(0);
}

Result<OffsetIndex> decode_offset_index(std::string_view bytes, std::string_view file, uint64_t base) {
  CompactReader r(bytes, file, base);
  OffsetIndex index;
  bool has_locations = false;
  const Status parsed = read_struct(r, [&](FieldHeader h) -> Status {
    if (h.id != 1) return r.skip(h.type);
    CF_ASSIGN_OR_RETURN(auto list, r.read_list(h.type));
    if (list.first != CType::kStruct) return r.error("OffsetIndex.page_locations: not a list of structs");
    has_locations = true;
    for (uint32_t i = 0; i < list.second; ++i) {
      PageLocation& p = index.page_locations.emplace_back();
      const Status location = read_struct(r, [&](FieldHeader f) -> Status {
        switch (f.id) {
          case 1: { CF_ASSIGN_OR_RETURN(p.offset, r.read_i64(f.type)); return Status::ok(); }
          case 2: { CF_ASSIGN_OR_RETURN(p.compressed_page_size, r.read_i32(f.type)); return Status::ok(); }
          case 3: { CF_ASSIGN_OR_RETURN(p.first_row_index, r.read_i64(f.type)); return Status::ok(); }
          default: return r.skip(f.type);
        }
      });
      if (!location.is_ok()) return location;
    }
    return Status::ok();
  });
  if (!parsed.is_ok()) return parsed;
  if (!has_locations) return r.error("OffsetIndex: required field 'page_locations' is missing");
  return index;
}

Result<ColumnIndex> decode_column_index(std::string_view bytes, std::string_view file, uint64_t base) {
  CompactReader r(bytes, file, base);
  ColumnIndex index;
  bool has_order = false;
  auto binaries = [&](CType element) { return r.read_list_binary(element); };
  const Status parsed = read_struct(r, [&](FieldHeader h) -> Status {
    switch (h.id) {
      case 1: return read_list_into(r, h.type, &index.null_pages, [&](CType element) { return r.read_list_bool(element); });
      case 2: return read_list_into(r, h.type, &index.min_values, binaries);
      case 3: return read_list_into(r, h.type, &index.max_values, binaries);
      case 4: {
        CF_ASSIGN_OR_RETURN(int32_t order, r.read_i32(h.type));
        if (order < 0 || order > 2) return r.error(fmt::format("ColumnIndex.boundary_order {} is not an order", order));
        index.boundary_order = static_cast<BoundaryOrder>(order);
        has_order = true;
        return Status::ok();
      }
      case 5: return read_list_into(r, h.type, &index.null_counts, [&](CType element) { return r.read_list_i64(element); });
      default: return r.skip(h.type);
    }
  });
  if (!parsed.is_ok()) return parsed;
  const size_t pages = index.null_pages.size();
  if (!has_order || index.min_values.size() != pages || index.max_values.size() != pages ||
      (!index.null_counts.empty() && index.null_counts.size() != pages)) {
    return r.error(fmt::format("ColumnIndex: {} null_pages, {} min_values, {} max_values, {} null_counts{}", pages, index.min_values.size(),
                               index.max_values.size(), index.null_counts.size(), has_order ? "" : ", no boundary_order"));
  }
  return index;
}

}  // namespace careflow::lake::parquet
