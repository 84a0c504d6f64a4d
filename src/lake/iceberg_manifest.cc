#include "lake/iceberg_manifest.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstring>

#include "lake/storage.h"
#include "serde/avro_container.h"

namespace careflow::lake::iceberg {

using serde::avro::Datum;
using serde::avro::Node;
using serde::avro::Type;
using values::DataType;
using values::TypeId;
using values::Value;

namespace {

// Iceberg's maps in Avro: arrays of key/value records, with the key and value field ids.
std::string map_field(const char* name, int id, int key_id, int value_id, const char* value_type) {
  return fmt::format(
      R"({{"name": "{}", "type": ["null", {{"type": "array", "logicalType": "map", "items": {{"type": "record", "name": "k{}_v{}", )"
      R"("fields": [{{"name": "key", "type": "int", "field-id": {}}}, {{"name": "value", "type": "{}", "field-id": {}}}]}}}}], )"
      R"("default": null, "field-id": {}}})",
      name, key_id, value_id, key_id, value_type, value_id, id);
}

std::string manifest_schema(const std::string& partition_record) {
  return fmt::format(
      R"({{"type": "record", "name": "manifest_entry", "fields": [)"
      R"({{"name": "status", "type": "int", "field-id": 0}}, )"
      R"({{"name": "snapshot_id", "type": ["null", "long"], "default": null, "field-id": 1}}, )"
      R"({{"name": "sequence_number", "type": ["null", "long"], "default": null, "field-id": 3}}, )"
      R"({{"name": "file_sequence_number", "type": ["null", "long"], "default": null, "field-id": 4}}, )"
      R"({{"name": "data_file", "field-id": 2, "type": {{"type": "record", "name": "r2", "fields": [)"
      R"({{"name": "content", "type": "int", "field-id": 134}}, )"
      R"({{"name": "file_path", "type": "string", "field-id": 100}}, )"
      R"({{"name": "file_format", "type": "string", "field-id": 101}}, )"
      R"({{"name": "partition", "type": {}, "field-id": 102}}, )"
      R"({{"name": "record_count", "type": "long", "field-id": 103}}, )"
      R"({{"name": "file_size_in_bytes", "type": "long", "field-id": 104}}, )"
      "{}, {}, {}, {}, {}, {}, "
      R"({{"name": "key_metadata", "type": ["null", "bytes"], "default": null, "field-id": 131}}, )"
      R"({{"name": "split_offsets", "type": ["null", {{"type": "array", "items": "long", "element-id": 133}}], "default": null, "field-id": 132}}, )"
      R"({{"name": "equality_ids", "type": ["null", {{"type": "array", "items": "int", "element-id": 136}}], "default": null, "field-id": 135}}, )"
      R"({{"name": "sort_order_id", "type": ["null", "int"], "default": null, "field-id": 140}}]}}}}]}})",
      partition_record, map_field("column_sizes", 108, 117, 118, "long"), map_field("value_counts", 109, 119, 120, "long"),
      map_field("null_value_counts", 110, 121, 122, "long"), map_field("nan_value_counts", 137, 138, 139, "long"),
      map_field("lower_bounds", 125, 126, 127, "bytes"), map_field("upper_bounds", 128, 129, 130, "bytes"));
}

const char* kManifestListSchema =
    R"({"type": "record", "name": "manifest_file", "fields": [)"
    R"({"name": "manifest_path", "type": "string", "field-id": 500}, )"
    R"({"name": "manifest_length", "type": "long", "field-id": 501}, )"
    R"({"name": "partition_spec_id", "type": "int", "field-id": 502}, )"
    R"({"name": "content", "type": "int", "field-id": 517}, )"
    R"({"name": "sequence_number", "type": "long", "field-id": 515}, )"
    R"({"name": "min_sequence_number", "type": "long", "field-id": 516}, )"
    R"({"name": "added_snapshot_id", "type": "long", "field-id": 503}, )"
    R"({"name": "added_files_count", "type": "int", "field-id": 504}, )"
    R"({"name": "existing_files_count", "type": "int", "field-id": 505}, )"
    R"({"name": "deleted_files_count", "type": "int", "field-id": 506}, )"
    R"({"name": "added_rows_count", "type": "long", "field-id": 512}, )"
    R"({"name": "existing_rows_count", "type": "long", "field-id": 513}, )"
    R"({"name": "deleted_rows_count", "type": "long", "field-id": 514}, )"
    R"({"name": "partitions", "type": ["null", {"type": "array", "items": {"type": "record", "name": "r508", "fields": [)"
    R"({"name": "contains_null", "type": "boolean", "field-id": 509}, )"
    R"({"name": "contains_nan", "type": ["null", "boolean"], "default": null, "field-id": 518}, )"
    R"({"name": "lower_bound", "type": ["null", "bytes"], "default": null, "field-id": 510}, )"
    R"({"name": "upper_bound", "type": ["null", "bytes"], "default": null, "field-id": 511}]}, "element-id": 508}], )"
    R"("default": null, "field-id": 507}, )"
    R"({"name": "key_metadata", "type": ["null", "bytes"], "default": null, "field-id": 519}]})";

// NULL in a ["null", ...] union; a value in its second branch.
Datum none() { return Datum::branch(0, Datum::null()); }
Datum some(Datum d) { return Datum::branch(1, std::move(d)); }

template <typename V>
Datum map_datum(const std::map<int32_t, V>& m, Datum (*value)(const V&)) {
  std::vector<Datum> entries;
  for (const auto& [k, v] : m) entries.push_back(Datum::list({Datum::integer(k), value(v)}));
  return some(Datum::list(std::move(entries)));
}

Datum partition_datum(const std::vector<Value>& partition) {
  std::vector<Datum> fields;
  for (const Value& v : partition) {
    if (v.is_null()) fields.push_back(none());
    else if (v.is_int()) fields.push_back(some(Datum::integer(v.as_int())));
    else fields.push_back(some(Datum::text(v.as_string())));
  }
  return Datum::list(std::move(fields));
}

Datum optional_long(const std::optional<int64_t>& v) { return v ? some(Datum::integer(*v)) : none(); }

Datum entry_datum(const ManifestEntry& e) {
  const DataFile& f = e.file;
  auto count = [](const int64_t& v) { return Datum::integer(v); };
  auto bytes = [](const std::string& v) { return Datum::text(v); };
  Datum equality_ids = none();
  if (f.content == FileContent::kEqualityDeletes) {
    std::vector<Datum> ids;
    for (int32_t id : f.equality_ids) ids.push_back(Datum::integer(id));
    equality_ids = some(Datum::list(std::move(ids)));
  }
  Datum data_file = Datum::list({
      Datum::integer(static_cast<int32_t>(f.content)),
      Datum::text(f.path), Datum::text("PARQUET"), partition_datum(f.partition), Datum::integer(f.record_count),
      Datum::integer(f.file_size_in_bytes),
      map_datum<int64_t>(f.column_sizes, count),
      map_datum<int64_t>(f.value_counts, count), map_datum<int64_t>(f.null_value_counts, count),
      none(),  // nan_value_counts
      map_datum<std::string>(f.lower_bounds, bytes), map_datum<std::string>(f.upper_bounds, bytes),
      none(), none(),  // key_metadata, split_offsets
      std::move(equality_ids),
      none(),  // sort_order_id
  });
  return Datum::list({Datum::integer(static_cast<int32_t>(e.status)), optional_long(e.snapshot_id), optional_long(e.sequence_number),
                      optional_long(e.file_sequence_number), std::move(data_file)});
}

template <typename T>
std::string little_endian(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

// Reads a record datum by field name against its writer schema node; the errors name `where`.
class RecordView {
 public:
  RecordView(const Node& node, const Datum& datum, std::string where) : node_(node), datum_(datum), where_(std::move(where)) {}

  // The field's node and datum with a union resolved; nullopt when absent or NULL.
  std::optional<std::pair<const Node*, const Datum*>> get(std::string_view name) const {
    int i = node_.field_index(name);
    if (i < 0 || static_cast<size_t>(i) >= datum_.items.size()) return std::nullopt;
    const Node* n = node_.fields[i].type;
    const Datum* d = &datum_.items[i];
    if (n->type == Type::kUnion) {
      if (d->i < 0 || static_cast<size_t>(d->i) >= n->branches.size() || d->items.empty()) return std::nullopt;
      n = n->branches[d->i];
      d = &d->items[0];
    }
    if (n->type == Type::kNull) return std::nullopt;
    return std::make_pair(n, d);
  }
  Result<int64_t> integer(std::string_view name) const {
    auto f = get(name);
    if (!f) return missing(name);
    return f->second->i;
  }
  std::optional<int64_t> optional_integer(std::string_view name) const {
    auto f = get(name);
    return f ? std::optional<int64_t>(f->second->i) : std::nullopt;
  }
  Result<std::string> text(std::string_view name) const {
    auto f = get(name);
    if (!f) return missing(name);
    return f->second->s;
  }
  Status missing(std::string_view name) const {
    return Status::corruption(fmt::format("{}: required field '{}' is missing or null", where_, name));
  }
  const std::string& where() const { return where_; }

 private:
  const Node& node_;
  const Datum& datum_;
  std::string where_;
};

// An Iceberg map field (array of key/value records) into `out`.
template <typename V>
void read_map(const RecordView& r, std::string_view name, std::map<int32_t, V>& out) {
  auto f = r.get(name);
  if (!f) return;
  const Node* items = f->first->type == Type::kArray ? f->first->items : nullptr;
  if (!items || items->type != Type::kRecord) return;
  for (const Datum& e : f->second->items) {
    RecordView kv(*items, e, r.where());
    auto key = kv.get("key");
    auto value = kv.get("value");
    if (!key || !value) continue;
    if constexpr (std::is_same_v<V, std::string>) out[static_cast<int32_t>(key->second->i)] = value->second->s;
    else out[static_cast<int32_t>(key->second->i)] = value->second->i;
  }
}

Result<serde::avro::ContainerFile> read_avro(const std::string& path) {
  CF_ASSIGN_OR_RETURN(std::string bytes, read_file(path));
  auto file = serde::avro::read_container(bytes);
  if (!file.is_ok()) return Status::corruption(fmt::format("{}: {}", path, file.status().message()));
  if (file->schema.root().type != Type::kRecord) return Status::corruption(fmt::format("{}: records expected", path));
  return std::move(*file);
}

}  // namespace

std::string serialize_bound(const DataType& t, const Value& v) {
  switch (t.id) {
    case TypeId::kBoolean: return std::string(1, v.as_bool() ? '\1' : '\0');
    case TypeId::kTinyInt:
    case TypeId::kSmallInt:
    case TypeId::kInt:
    case TypeId::kDate: return little_endian(static_cast<int32_t>(v.as_int()));
    case TypeId::kFloat: return little_endian(static_cast<float>(v.as_double()));
    case TypeId::kDouble: return little_endian(v.as_double());
    case TypeId::kChar:
    case TypeId::kVarChar: return v.as_string();
    case TypeId::kBinary:
    case TypeId::kVarBinary: return v.as_bytes();
    case TypeId::kDecimal: {
      // The unscaled value as big-endian two's complement in the fewest bytes.
      auto u = static_cast<values::uint128>(v.as_decimal());
      std::string out;
      for (int i = 15; i >= 0; --i) out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
      size_t skip = 0;
      while (skip + 1 < out.size() &&
             ((out[skip] == '\0' && !(out[skip + 1] & 0x80)) || (out[skip] == '\xff' && (out[skip + 1] & 0x80)))) {
        ++skip;
      }
      return out.substr(skip);
    }
    default: return little_endian(v.as_int());  // BIGINT, timestamps (µs)
  }
}

std::string local_path(const std::string& uri) {
  if (uri.rfind("file://", 0) == 0) return uri.substr(7);
  if (uri.rfind("file:", 0) == 0) return uri.substr(5);
  return uri;
}

Result<std::string> read_file(const std::string& uri) { return storage_for(uri).read(uri); }

Status sync_file(const std::string& path) {
  if (is_object_store_uri(path)) return Status::ok();  // an acknowledged PUT is durable
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::from_errno("opening " + path, errno);
  int rc = ::fdatasync(fd);
  ::close(fd);
  return rc == 0 ? Status::ok() : Status::from_errno("fsync of " + path, errno);
}

Status write_file(const std::string& path, const std::string& bytes) { return storage_for(path).write(path, bytes); }

Result<ManifestFile> write_manifest(const std::string& path, const std::string& schema_json, const std::vector<ColumnSpec>& columns,
                                    const PartitionSpec& spec, const std::vector<DataFile>& files, int64_t snapshot_id,
                                    int64_t sequence_number) {
  std::vector<ManifestEntry> entries;
  entries.reserve(files.size());
  // ADDED by this snapshot; sequence numbers null: inherited from the manifest list.
  for (const DataFile& f : files) entries.push_back({EntryStatus::kAdded, snapshot_id, std::nullopt, std::nullopt, f});
  return write_manifest_entries(path, schema_json, columns, spec, entries, snapshot_id, sequence_number);
}

Result<ManifestFile> write_manifest_entries(const std::string& path, const std::string& schema_json, const std::vector<ColumnSpec>& columns,
                                            const PartitionSpec& spec, const std::vector<ManifestEntry>& entries, int64_t snapshot_id,
                                            int64_t sequence_number) {
  // A manifest holds data files or delete files, never both (its `content` in the manifest list).
  const bool deletes = !entries.empty() && entries.front().file.content != FileContent::kData;
  for (const ManifestEntry& e : entries) {
    if ((e.file.content != FileContent::kData) != deletes) {
      return Status::invalid_argument(fmt::format("manifest {}: data files and delete files cannot share a manifest", path));
    }
  }
  CF_ASSIGN_OR_RETURN(auto manifest, serde::avro::ContainerWriter::create(
                                         manifest_schema(partition_avro_record(spec, columns)), serde::avro::Codec::kDeflate,
                                         {{"schema", schema_json}, {"schema-id", "0"},
                                          {"partition-spec", partition_fields_json(spec).dump()},
                                          {"partition-spec-id", std::to_string(spec.spec_id)}, {"format-version", "2"},
                                          {"content", deletes ? "deletes" : "data"}}));
  ManifestFile m;
  m.path = path;
  m.content = deletes ? 1 : 0;
  m.partition_spec_id = spec.spec_id;
  m.sequence_number = m.min_sequence_number = sequence_number;
  m.added_snapshot_id = snapshot_id;
  m.partitions.resize(spec.fields.size());
  // Bounds compare as values (little-endian integers do not sort bytewise), serialized at the end.
  std::vector<std::optional<Value>> lo(spec.fields.size()), hi(spec.fields.size());
  for (const ManifestEntry& e : entries) {
    const DataFile& f = e.file;
    if (f.partition.size() != spec.fields.size()) {
      return Status::invalid_argument(
          fmt::format("data file {}: {} partition values for a spec of {} fields", f.path, f.partition.size(), spec.fields.size()));
    }
    if (e.status != EntryStatus::kAdded && !e.sequence_number) {
      return Status::invalid_argument(fmt::format("data file {}: an entry that is not ADDED needs its sequence number", f.path));
    }
    CF_RETURN_IF_ERROR(manifest.append(entry_datum(e)));
    if (e.sequence_number) m.min_sequence_number = std::min(m.min_sequence_number, *e.sequence_number);
    switch (e.status) {
      case EntryStatus::kAdded: ++m.added_files_count, m.added_rows_count += f.record_count; break;
      case EntryStatus::kExisting: ++m.existing_files_count, m.existing_rows_count += f.record_count; break;
      case EntryStatus::kDeleted: ++m.deleted_files_count, m.deleted_rows_count += f.record_count; break;
    }
    if (e.status == EntryStatus::kDeleted) continue;
    for (size_t i = 0; i < spec.fields.size(); ++i) {
      const Value& v = f.partition[i];
      if (v.is_null()) {
        m.partitions[i].contains_null = true;
        continue;
      }
      if (!lo[i] || values::compare_values(v, *lo[i]) < 0) lo[i] = v;
      if (!hi[i] || values::compare_values(*hi[i], v) < 0) hi[i] = v;
    }
  }
  for (size_t i = 0; i < spec.fields.size(); ++i) {
    if (!lo[i]) continue;
    const DataType t = partition_value_type(spec.fields[i], columns);
    m.partitions[i].lower_bound = serialize_bound(t, *lo[i]);
    m.partitions[i].upper_bound = serialize_bound(t, *hi[i]);
  }
  CF_ASSIGN_OR_RETURN(std::string bytes, manifest.finish());
  CF_RETURN_IF_ERROR(write_file(path, bytes));
  m.length = static_cast<int64_t>(bytes.size());
  return m;
}

Status write_manifest_list(const std::string& path, int64_t snapshot_id, std::optional<int64_t> parent, int64_t sequence_number,
                           const std::vector<ManifestFile>& manifests) {
  CF_ASSIGN_OR_RETURN(auto list, serde::avro::ContainerWriter::create(
                                     kManifestListSchema, serde::avro::Codec::kDeflate,
                                     {{"snapshot-id", std::to_string(snapshot_id)},
                                      {"parent-snapshot-id", parent ? std::to_string(*parent) : "null"},
                                      {"sequence-number", std::to_string(sequence_number)}, {"format-version", "2"}}));
  for (const ManifestFile& m : manifests) {
    std::vector<Datum> summaries;
    for (const FieldSummary& s : m.partitions) {
      summaries.push_back(Datum::list({Datum::boolean(s.contains_null), none(), s.lower_bound ? some(Datum::text(*s.lower_bound)) : none(),
                                       s.upper_bound ? some(Datum::text(*s.upper_bound)) : none()}));
    }
    CF_RETURN_IF_ERROR(list.append(Datum::list({
        Datum::text(m.path), Datum::integer(m.length), Datum::integer(m.partition_spec_id), Datum::integer(m.content),
        Datum::integer(m.sequence_number), Datum::integer(m.min_sequence_number), Datum::integer(m.added_snapshot_id),
        Datum::integer(m.added_files_count), Datum::integer(m.existing_files_count), Datum::integer(m.deleted_files_count),
        Datum::integer(m.added_rows_count), Datum::integer(m.existing_rows_count), Datum::integer(m.deleted_rows_count),
        some(Datum::list(std::move(summaries))), none(),
    })));
  }
  CF_ASSIGN_OR_RETURN(std::string bytes, list.finish());
  return write_file(path, bytes);
}

Result<std::vector<ManifestFile>> read_manifest_list(const std::string& path) {
  CF_ASSIGN_OR_RETURN(auto file, read_avro(path));
  std::vector<ManifestFile> out;
  for (size_t i = 0; i < file.records.size(); ++i) {
    RecordView r(file.schema.root(), file.records[i], fmt::format("manifest list {}: record {}", path, i));
    ManifestFile m;
    CF_ASSIGN_OR_RETURN(m.path, r.text("manifest_path"));
    CF_ASSIGN_OR_RETURN(m.length, r.integer("manifest_length"));
    CF_ASSIGN_OR_RETURN(int64_t spec_id, r.integer("partition_spec_id"));
    m.partition_spec_id = static_cast<int32_t>(spec_id);
    m.content = static_cast<int32_t>(r.optional_integer("content").value_or(0));
    m.sequence_number = r.optional_integer("sequence_number").value_or(0);
    m.min_sequence_number = r.optional_integer("min_sequence_number").value_or(0);
    CF_ASSIGN_OR_RETURN(m.added_snapshot_id, r.integer("added_snapshot_id"));
    m.added_files_count = static_cast<int32_t>(r.optional_integer("added_files_count").value_or(0));
    m.existing_files_count = static_cast<int32_t>(r.optional_integer("existing_files_count").value_or(0));
    m.deleted_files_count = static_cast<int32_t>(r.optional_integer("deleted_files_count").value_or(0));
    m.added_rows_count = r.optional_integer("added_rows_count").value_or(0);
    m.existing_rows_count = r.optional_integer("existing_rows_count").value_or(0);
    m.deleted_rows_count = r.optional_integer("deleted_rows_count").value_or(0);
    if (auto p = r.get("partitions"); p && p->first->type == Type::kArray && p->first->items->type == Type::kRecord) {
      for (const Datum& d : p->second->items) {
        RecordView s(*p->first->items, d, r.where());
        FieldSummary summary;
        summary.contains_null = s.optional_integer("contains_null").value_or(0) != 0;
        if (auto lo = s.get("lower_bound")) summary.lower_bound = lo->second->s;
        if (auto hi = s.get("upper_bound")) summary.upper_bound = hi->second->s;
        m.partitions.push_back(std::move(summary));
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

Result<std::vector<ManifestEntry>> read_manifest(const std::string& path, const PartitionSpec& spec, const std::vector<ColumnSpec>& columns) {
  CF_ASSIGN_OR_RETURN(auto file, read_avro(path));
  std::vector<ManifestEntry> out;
  for (size_t i = 0; i < file.records.size(); ++i) {
    RecordView r(file.schema.root(), file.records[i], fmt::format("manifest {}: entry {}", path, i));
    ManifestEntry e;
    CF_ASSIGN_OR_RETURN(int64_t status, r.integer("status"));
    if (status < 0 || status > 2) return Status::corruption(fmt::format("{}: status {} is not 0, 1 or 2", r.where(), status));
    e.status = static_cast<EntryStatus>(status);
    e.snapshot_id = r.optional_integer("snapshot_id");
    e.sequence_number = r.optional_integer("sequence_number");
    e.file_sequence_number = r.optional_integer("file_sequence_number");
    auto df = r.get("data_file");
    if (!df || df->first->type != Type::kRecord) return r.missing("data_file");
    RecordView d(*df->first, *df->second, r.where());
    const int64_t content = d.optional_integer("content").value_or(0);
    if (content < 0 || content > 2) return Status::corruption(fmt::format("{}: content {} is not 0, 1 or 2", r.where(), content));
    e.file.content = static_cast<FileContent>(content);
    if (auto ids = d.get("equality_ids"); ids && ids->first->type == Type::kArray) {
      for (const Datum& id : ids->second->items) e.file.equality_ids.push_back(static_cast<int32_t>(id.i));
    }
    CF_ASSIGN_OR_RETURN(e.file.path, d.text("file_path"));
    CF_ASSIGN_OR_RETURN(std::string format, d.text("file_format"));
    if (format != "PARQUET" && format != "parquet") {
      return Status::failed_precondition(fmt::format("{}: file format {} (careflow reads PARQUET)", r.where(), format));
    }
    CF_ASSIGN_OR_RETURN(e.file.record_count, d.integer("record_count"));
    CF_ASSIGN_OR_RETURN(e.file.file_size_in_bytes, d.integer("file_size_in_bytes"));
    read_map(d, "column_sizes", e.file.column_sizes);
    read_map(d, "value_counts", e.file.value_counts);
    read_map(d, "null_value_counts", e.file.null_value_counts);
    read_map(d, "lower_bounds", e.file.lower_bounds);
    read_map(d, "upper_bounds", e.file.upper_bounds);
    if (auto p = d.get("partition"); p && p->first->type == Type::kRecord) {
      RecordView part(*p->first, *p->second, r.where());
      for (const PartitionField& f : spec.fields) {
        auto v = part.get(f.name);
        if (!v) e.file.partition.emplace_back();
        else if (partition_value_type(f, columns).id == TypeId::kVarChar || v->first->type == Type::kString)
          e.file.partition.push_back(Value::string(v->second->s));
        else e.file.partition.push_back(Value::integer(v->second->i));
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace careflow::lake::iceberg
