#include "lake/parquet_metadata.h"

#include <fmt/format.h>

#include "lake/thrift_compact.h"

namespace careflow::lake::parquet {

using thrift::CompactReader;
using thrift::CompactWriter;
using thrift::CType;
using thrift::FieldHeader;
using thrift::read_struct;

namespace {

// ---- encoding -------------------------------------------------------------------------------

void encode_empty_struct(CompactWriter& w, int16_t id) {
  w.field_struct(id);
  w.end_struct();
}

void encode_time_unit(CompactWriter& w, TimeUnit unit) {
  w.field_struct(2);  // TimeUnit union
  encode_empty_struct(w, unit == TimeUnit::kMillis ? 1 : unit == TimeUnit::kMicros ? 2 : 3);
  w.end_struct();
}

void encode_logical_type(CompactWriter& w, const LogicalType& t) {
  w.field_struct(10);
  switch (t.kind) {
    case LogicalType::kString: encode_empty_struct(w, 1); break;
    case LogicalType::kMap: encode_empty_struct(w, 2); break;
    case LogicalType::kList: encode_empty_struct(w, 3); break;
    case LogicalType::kDecimal:
      w.field_struct(5);
      w.field_i32(1, t.scale);
      w.field_i32(2, t.precision);
      w.end_struct();
      break;
    case LogicalType::kDate: encode_empty_struct(w, 6); break;
    case LogicalType::kTime:
    case LogicalType::kTimestamp:
      w.field_struct(t.kind == LogicalType::kTime ? 7 : 8);
      w.field_bool(1, t.adjusted_to_utc);
      encode_time_unit(w, t.unit);
      w.end_struct();
      break;
    case LogicalType::kInteger:
      w.field_struct(10);
      w.field_byte(1, static_cast<int8_t>(t.bit_width));
      w.field_bool(2, t.is_signed);
      w.end_struct();
      break;
    case LogicalType::kUuid: encode_empty_struct(w, 14); break;
    case LogicalType::kJson: encode_empty_struct(w, 12); break;
    default: break;  // careflow writes no other annotation
  }
  w.end_struct();
}

void encode_schema_element(CompactWriter& w, const SchemaElement& e) {
  w.begin_struct();
  if (e.type) w.field_i32(1, static_cast<int32_t>(*e.type));
  if (e.type_length) w.field_i32(2, *e.type_length);
  if (e.repetition) w.field_i32(3, static_cast<int32_t>(*e.repetition));
  w.field_binary(4, e.name);
  if (e.num_children) w.field_i32(5, *e.num_children);
  if (e.converted_type) w.field_i32(6, *e.converted_type);
  if (e.scale) w.field_i32(7, *e.scale);
  if (e.precision) w.field_i32(8, *e.precision);
  if (e.field_id) w.field_i32(9, *e.field_id);
  if (e.logical.kind != LogicalType::kNone) encode_logical_type(w, e.logical);
  w.end_struct();
}

void encode_statistics(CompactWriter& w, int16_t id, const Statistics& s) {
  w.field_struct(id);
  if (s.max) w.field_binary(1, *s.max);
  if (s.min) w.field_binary(2, *s.min);
  if (s.null_count) w.field_i64(3, *s.null_count);
  if (s.distinct_count) w.field_i64(4, *s.distinct_count);
  if (s.max_value) w.field_binary(5, *s.max_value);
  if (s.min_value) w.field_binary(6, *s.min_value);
  if (s.max_value) w.field_bool(7, true);  // is_max_value_exact: careflow never truncates bounds
  if (s.min_value) w.field_bool(8, true);
  if (s.nan_count) w.field_i64(9, *s.nan_count);
  w.end_struct();
}

void encode_column_chunk(CompactWriter& w, const ColumnChunk& c) {
  w.begin_struct();
  w.field_i64(2, c.file_offset);
  if (c.meta_data) {
    const ColumnMetaData& m = *c.meta_data;
    w.field_struct(3);
    w.field_i32(1, static_cast<int32_t>(m.type));
    w.field_list(2, CType::kI32, m.encodings.size());
    for (Encoding e : m.encodings) w.i32(static_cast<int32_t>(e));
    w.field_list(3, CType::kBinary, m.path_in_schema.size());
    for (const std::string& p : m.path_in_schema) w.binary(p);
    w.field_i32(4, static_cast<int32_t>(m.codec));
    w.field_i64(5, m.num_values);
    w.field_i64(6, m.total_uncompressed_size);
    w.field_i64(7, m.total_compressed_size);
    w.field_i64(9, m.data_page_offset);
    if (m.dictionary_page_offset) w.field_i64(11, *m.dictionary_page_offset);
    if (m.statistics) encode_statistics(w, 12, *m.statistics);
    w.end_struct();
  }
  if (c.offset_index_offset) w.field_i64(4, *c.offset_index_offset);
  if (c.offset_index_length) w.field_i32(5, *c.offset_index_length);
  if (c.column_index_offset) w.field_i64(6, *c.column_index_offset);
  if (c.column_index_length) w.field_i32(7, *c.column_index_length);
  w.end_struct();
}

}  // namespace

void encode_file_metadata(const FileMetaData& meta, std::string* out) {
  CompactWriter w(out);
  w.field_i32(1, meta.version);
  w.field_list(2, CType::kStruct, meta.schema.size());
  for (const SchemaElement& e : meta.schema) encode_schema_element(w, e);
  w.field_i64(3, meta.num_rows);
  w.field_list(4, CType::kStruct, meta.row_groups.size());
  for (const RowGroup& g : meta.row_groups) {
    w.begin_struct();
    w.field_list(1, CType::kStruct, g.columns.size());
    for (const ColumnChunk& c : g.columns) encode_column_chunk(w, c);
    w.field_i64(2, g.total_byte_size);
    w.field_i64(3, g.num_rows);
    if (g.file_offset) w.field_i64(5, *g.file_offset);
    if (g.total_compressed_size) w.field_i64(6, *g.total_compressed_size);
    if (g.ordinal) w.field_i16(7, static_cast<int16_t>(*g.ordinal));
    w.end_struct();
  }
  if (!meta.key_value_metadata.empty()) {
    w.field_list(5, CType::kStruct, meta.key_value_metadata.size());
    for (const KeyValue& kv : meta.key_value_metadata) {
      w.begin_struct();
      w.field_binary(1, kv.key);
      if (kv.value) w.field_binary(2, *kv.value);
      w.end_struct();
    }
  }
  if (meta.created_by) w.field_binary(6, *meta.created_by);
  if (meta.type_defined_orders > 0) {
    w.field_list(7, CType::kStruct, meta.type_defined_orders);
    for (size_t i = 0; i < meta.type_defined_orders; ++i) {
      w.begin_struct();
      encode_empty_struct(w, 1);  // TYPE_ORDER
      w.end_struct();
    }
  }
  out->push_back(0);  // FileMetaData's stop
}

void encode_page_header(const PageHeader& h, std::string* out) {
  CompactWriter w(out);
  w.field_i32(1, static_cast<int32_t>(h.type));
  w.field_i32(2, h.uncompressed_page_size);
  w.field_i32(3, h.compressed_page_size);
  if (h.data_page) {
    w.field_struct(5);
    w.field_i32(1, h.data_page->num_values);
    w.field_i32(2, static_cast<int32_t>(h.data_page->encoding));
    w.field_i32(3, static_cast<int32_t>(h.data_page->definition_level_encoding));
    w.field_i32(4, static_cast<int32_t>(h.data_page->repetition_level_encoding));
    w.end_struct();
  }
  if (h.dictionary_page) {
    w.field_struct(7);
    w.field_i32(1, h.dictionary_page->num_values);
    w.field_i32(2, static_cast<int32_t>(h.dictionary_page->encoding));
    if (h.dictionary_page->is_sorted) w.field_bool(3, *h.dictionary_page->is_sorted);
    w.end_struct();
  }
  if (h.data_page_v2) {
    const DataPageHeaderV2& v = *h.data_page_v2;
    w.field_struct(8);
    w.field_i32(1, v.num_values);
    w.field_i32(2, v.num_nulls);
    w.field_i32(3, v.num_rows);
    w.field_i32(4, static_cast<int32_t>(v.encoding));
    w.field_i32(5, v.definition_levels_byte_length);
    w.field_i32(6, v.repetition_levels_byte_length);
    w.field_bool(7, v.is_compressed);
    w.end_struct();
  }
  out->push_back(0);
}

// ---- decoding -------------------------------------------------------------------------------

namespace {

// A union of empty structs (TimeUnit, ColumnOrder): which member is set.
Result<int16_t> read_union_member(CompactReader& r) {
  int16_t member = 0;
  if (Status st = read_struct(r, [&](FieldHeader h) {
    member = h.id;
    return r.skip(h.type, 1);
  }); !st.is_ok()) return st;
  return member;
}

template <typename T>
Status read_into(Result<T> v, T* out) {
  if (!v.is_ok()) return v.status();
  *out = *v;
  return Status::ok();
}

template <typename T, typename U>
Status read_into(Result<U> v, std::optional<T>* out) {
  if (!v.is_ok()) return v.status();
  *out = static_cast<T>(*v);
  return Status::ok();
}

Status read_enum_into(CompactReader& r, CType type, auto* out) {
  CF_ASSIGN_OR_RETURN(int32_t v, r.read_i32(type));
  *out = static_cast<std::remove_reference_t<decltype(*out)>>(v);
  return Status::ok();
}

Status read_logical_type(CompactReader& r, LogicalType* t) {
  return read_struct(r, [&](FieldHeader h) -> Status {
    CF_RETURN_IF_ERROR(r.expect_struct(h.type));
    switch (h.id) {
      case 1: t->kind = LogicalType::kString; break;
      case 2: t->kind = LogicalType::kMap; break;
      case 3: t->kind = LogicalType::kList; break;
      case 4: t->kind = LogicalType::kEnum; break;
      case 5:
        t->kind = LogicalType::kDecimal;
        return read_struct(r, [&](FieldHeader f) -> Status {
          if (f.id == 1) return read_into(r.read_i32(f.type), &t->scale);
          if (f.id == 2) return read_into(r.read_i32(f.type), &t->precision);
          return r.skip(f.type);
        });
      case 6: t->kind = LogicalType::kDate; break;
      case 7:
      case 8:
        t->kind = h.id == 7 ? LogicalType::kTime : LogicalType::kTimestamp;
        return read_struct(r, [&](FieldHeader f) -> Status {
          if (f.id == 1) return read_into(r.read_bool(f.type), &t->adjusted_to_utc);
          if (f.id == 2) {
            CF_RETURN_IF_ERROR(r.expect_struct(f.type));
            CF_ASSIGN_OR_RETURN(int16_t unit, read_union_member(r));
            if (unit < 1 || unit > 3) return r.error("TimeUnit: no known member set");
            t->unit = static_cast<TimeUnit>(unit - 1);
            return Status::ok();
          }
          return r.skip(f.type);
        });
      case 10:
        t->kind = LogicalType::kInteger;
        return read_struct(r, [&](FieldHeader f) -> Status {
          if (f.id == 1) return read_into(r.read_i32(f.type), &t->bit_width);
          if (f.id == 2) return read_into(r.read_bool(f.type), &t->is_signed);
          return r.skip(f.type);
        });
      case 11: t->kind = LogicalType::kUnknown; break;
      case 12: t->kind = LogicalType::kJson; break;
      case 13: t->kind = LogicalType::kBson; break;
      case 14: t->kind = LogicalType::kUuid; break;
      default: t->kind = LogicalType::kOther; break;
    }
    return r.skip(h.type, 1);
  });
}

Status read_schema_element(CompactReader& r, SchemaElement* e) {
  bool has_name = false;
  if (Status st = read_struct(r, [&](FieldHeader h) -> Status {
    switch (h.id) {
      case 1: return read_into(r.read_i32(h.type), &e->type);
      case 2: return read_into(r.read_i32(h.type), &e->type_length);
      case 3: return read_into(r.read_i32(h.type), &e->repetition);
      case 4: {
        CF_ASSIGN_OR_RETURN(std::string_view name, r.read_binary(h.type));
        e->name = name;
        has_name = true;
        return Status::ok();
      }
      case 5: return read_into(r.read_i32(h.type), &e->num_children);
      case 6: return read_into(r.read_i32(h.type), &e->converted_type);
      case 7: return read_into(r.read_i32(h.type), &e->scale);
      case 8: return read_into(r.read_i32(h.type), &e->precision);
      case 9: return read_into(r.read_i32(h.type), &e->field_id);
      case 10: CF_RETURN_IF_ERROR(r.expect_struct(h.type)); return read_logical_type(r, &e->logical);
      default: return r.skip(h.type);
    }
  }); !st.is_ok()) return st;
  if (!has_name) return r.error("SchemaElement: required field 'name' is missing");
  return Status::ok();
}

Status read_optional_binary(CompactReader& r, CType type, std::optional<std::string>* out) {
  CF_ASSIGN_OR_RETURN(std::string_view v, r.read_binary(type));
  *out = std::string(v);
  return Status::ok();
}

Status read_statistics(CompactReader& r, Statistics* s) {
  return read_struct(r, [&](FieldHeader h) -> Status {
    switch (h.id) {
      case 1: return read_optional_binary(r, h.type, &s->max);
      case 2: return read_optional_binary(r, h.type, &s->min);
      case 3: return read_into(r.read_i64(h.type), &s->null_count);
      case 4: return read_into(r.read_i64(h.type), &s->distinct_count);
      case 5: return read_optional_binary(r, h.type, &s->max_value);
      case 6: return read_optional_binary(r, h.type, &s->min_value);
      case 9: return read_into(r.read_i64(h.type), &s->nan_count);
      default: return r.skip(h.type);
    }
  });
}

Status read_column_meta(CompactReader& r, ColumnMetaData* m) {
  return read_struct(r, [&](FieldHeader h) -> Status {
    switch (h.id) {
      case 1: return read_enum_into(r, h.type, &m->type);
      case 2: {
        CF_ASSIGN_OR_RETURN(auto list, r.read_list(h.type));
        for (uint32_t i = 0; i < list.second; ++i) {
          CF_ASSIGN_OR_RETURN(int32_t e, r.read_list_i32(list.first));
          m->encodings.push_back(static_cast<Encoding>(e));
        }
        return Status::ok();
      }
      case 3: {
        CF_ASSIGN_OR_RETURN(auto list, r.read_list(h.type));
        for (uint32_t i = 0; i < list.second; ++i) {
          CF_ASSIGN_OR_RETURN(std::string_view p, r.read_list_binary(list.first));
          m->path_in_schema.emplace_back(p);
        }
        return Status::ok();
      }
      case 4: return read_enum_into(r, h.type, &m->codec);
      case 5: return read_into(r.read_i64(h.type), &m->num_values);
      case 6: return read_into(r.read_i64(h.type), &m->total_uncompressed_size);
      case 7: return read_into(r.read_i64(h.type), &m->total_compressed_size);
      case 9: return read_into(r.read_i64(h.type), &m->data_page_offset);
      case 11: return read_into(r.read_i64(h.type), &m->dictionary_page_offset);
      case 12:
        CF_RETURN_IF_ERROR(r.expect_struct(h.type));
        m->statistics.emplace();
        return read_statistics(r, &*m->statistics);
      default: return r.skip(h.type);
    }
  });
}

Status read_row_group(CompactReader& r, RowGroup* g) {
  return read_struct(r, [&](FieldHeader h) -> Status {
    switch (h.id) {
      case 1: {
        CF_ASSIGN_OR_RETURN(auto list, r.read_list(h.type));
        if (list.first != CType::kStruct) return r.error("RowGroup.columns: not a list of structs");
        for (uint32_t i = 0; i < list.second; ++i) {
          ColumnChunk& c = g->columns.emplace_back();
          if (Status inner = read_struct(r, [&](FieldHeader f) -> Status {
            if (f.id == 2) return read_into(r.read_i64(f.type), &c.file_offset);
            if (f.id == 3) {
              CF_RETURN_IF_ERROR(r.expect_struct(f.type));
              c.meta_data.emplace();
              return read_column_meta(r, &*c.meta_data);
            }
            if (f.id == 4) return read_into(r.read_i64(f.type), &c.offset_index_offset);
            if (f.id == 5) return read_into(r.read_i32(f.type), &c.offset_index_length);
            if (f.id == 6) return read_into(r.read_i64(f.type), &c.column_index_offset);
            if (f.id == 7) return read_into(r.read_i32(f.type), &c.column_index_length);
            return r.skip(f.type);
          }); !inner.is_ok()) return inner;
        }
        return Status::ok();
      }
      case 2: return read_into(r.read_i64(h.type), &g->total_byte_size);
      case 3: return read_into(r.read_i64(h.type), &g->num_rows);
      case 5: return read_into(r.read_i64(h.type), &g->file_offset);
      case 6: return read_into(r.read_i64(h.type), &g->total_compressed_size);
      case 7: return read_into(r.read_i32(h.type), &g->ordinal);
      default: return r.skip(h.type);
    }
  });
}

}  // namespace

Result<FileMetaData> decode_file_metadata(std::string_view bytes, std::string_view file, uint64_t base) {
  CompactReader r(bytes, file, base);
  FileMetaData meta;
  if (Status st = read_struct(r, [&](FieldHeader h) -> Status {
    switch (h.id) {
      case 1: return read_into(r.read_i32(h.type), &meta.version);
      case 2: {
        CF_ASSIGN_OR_RETURN(auto list, r.read_list(h.type));
        if (list.first != CType::kStruct) return r.error("FileMetaData.schema: not a list of structs");
        meta.schema.resize(list.second);
        for (SchemaElement& e : meta.schema) CF_RETURN_IF_ERROR(read_schema_element(r, &e));
        return Status::ok();
      }
      case 3: return read_into(r.read_i64(h.type), &meta.num_rows);
      case 4: {
        CF_ASSIGN_OR_RETURN(auto list, r.read_list(h.type));
        if (list.first != CType::kStruct) return r.error("FileMetaData.row_groups: not a list of structs");
        meta.row_groups.resize(list.second);
        for (RowGroup& g : meta.row_groups) CF_RETURN_IF_ERROR(read_row_group(r, &g));
        return Status::ok();
      }
      case 5: {
        CF_ASSIGN_OR_RETURN(auto list, r.read_list(h.type));
        if (list.first != CType::kStruct) return r.error("FileMetaData.key_value_metadata: not a list of structs");
        for (uint32_t i = 0; i < list.second; ++i) {
          KeyValue& kv = meta.key_value_metadata.emplace_back();
          if (Status inner = read_struct(r, [&](FieldHeader f) -> Status {
            if (f.id == 1) {
              CF_ASSIGN_OR_RETURN(std::string_view k, r.read_binary(f.type));
              kv.key = k;
              return Status::ok();
            }
            if (f.id == 2) return read_optional_binary(r, f.type, &kv.value);
            return r.skip(f.type);
          }); !inner.is_ok()) return inner;
        }
        return Status::ok();
      }
      case 6: return read_optional_binary(r, h.type, &meta.created_by);
      case 7: {
        CF_ASSIGN_OR_RETURN(auto list, r.read_list(h.type));
        if (list.first != CType::kStruct) return r.error("FileMetaData.column_orders: not a list of structs");
        for (uint32_t i = 0; i < list.second; ++i) {
          CF_ASSIGN_OR_RETURN(int16_t member, read_union_member(r));
          if (member == 1) ++meta.type_defined_orders;
        }
        return Status::ok();
      }
      default: return r.skip(h.type);
    }
  }); !st.is_ok()) return st;
  return meta;
}

Result<PageHeader> decode_page_header(std::string_view bytes, std::string_view file, uint64_t base, size_t* consumed) {
  CompactReader r(bytes, file, base);
  PageHeader p;
  if (Status st = read_struct(r, [&](FieldHeader h) -> Status {
    switch (h.id) {
      case 1: return read_enum_into(r, h.type, &p.type);
      case 2: return read_into(r.read_i32(h.type), &p.uncompressed_page_size);
      case 3: return read_into(r.read_i32(h.type), &p.compressed_page_size);
      case 5: {
        CF_RETURN_IF_ERROR(r.expect_struct(h.type));
        DataPageHeader& d = p.data_page.emplace();
        return read_struct(r, [&](FieldHeader f) -> Status {
          switch (f.id) {
            case 1: return read_into(r.read_i32(f.type), &d.num_values);
            case 2: return read_enum_into(r, f.type, &d.encoding);
            case 3: return read_enum_into(r, f.type, &d.definition_level_encoding);
            case 4: return read_enum_into(r, f.type, &d.repetition_level_encoding);
            default: return r.skip(f.type);
          }
        });
      }
      case 7: {
        CF_RETURN_IF_ERROR(r.expect_struct(h.type));
        DictionaryPageHeader& d = p.dictionary_page.emplace();
        return read_struct(r, [&](FieldHeader f) -> Status {
          switch (f.id) {
            case 1: return read_into(r.read_i32(f.type), &d.num_values);
            case 2: return read_enum_into(r, f.type, &d.encoding);
            case 3: return read_into(r.read_bool(f.type), &d.is_sorted);
            default: return r.skip(f.type);
          }
        });
      }
      case 8: {
        CF_RETURN_IF_ERROR(r.expect_struct(h.type));
        DataPageHeaderV2& d = p.data_page_v2.emplace();
        return read_struct(r, [&](FieldHeader f) -> Status {
          switch (f.id) {
            case 1: return read_into(r.read_i32(f.type), &d.num_values);
            case 2: return read_into(r.read_i32(f.type), &d.num_nulls);
            case 3: return read_into(r.read_i32(f.type), &d.num_rows);
            case 4: return read_enum_into(r, f.type, &d.encoding);
            case 5: return read_into(r.read_i32(f.type), &d.definition_levels_byte_length);
            case 6: return read_into(r.read_i32(f.type), &d.repetition_levels_byte_length);
            case 7: return read_into(r.read_bool(f.type), &d.is_compressed);
            default: return r.skip(f.type);
          }
        });
      }
      default: return r.skip(h.type);
    }
  }); !st.is_ok()) return st;
  *consumed = r.position();
  return p;
}

}  // namespace careflow::lake::parquet
