#include "lake/iceberg_metadata.h"

#include <fmt/format.h>

#include "lake/iceberg_manifest.h"
#include "lake/storage.h"

namespace careflow::lake::iceberg {

using nlohmann::json;
using values::DataType;

const Snapshot* TableMetadata::find(int64_t id) const {
  for (const Snapshot& s : snapshots) {
    if (s.snapshot_id == id) return &s;
  }
  return nullptr;
}

std::vector<const Snapshot*> TableMetadata::ancestry() const {
  std::vector<const Snapshot*> out;
  // Bounded by the number of snapshots, so that a parent cycle in damaged metadata cannot loop.
  for (const Snapshot* s = current(); s && out.size() <= snapshots.size(); s = s->parent_snapshot_id ? find(*s->parent_snapshot_id) : nullptr) {
    out.push_back(s);
  }
  return out;
}

std::string metadata_file(const std::string& location, int64_t version) {
  return fmt::format("{}/metadata/v{}.metadata.json", location, version);
}

Result<int64_t> current_version(const std::string& location) {
  int64_t version = 0;
  if (auto hint = read_file(location + "/metadata/version-hint.text"); hint.is_ok()) {
    try {
      version = std::stoll(*hint);
    } catch (const std::exception&) {
      version = 0;  // a damaged hint: probe from the start
    }
  }
  if (version < 0) version = 0;
  // A hint that points at a missing file (damaged, or written ahead): list the folder.
  const Storage& storage = storage_for(location);
  if (version > 0) {
    CF_ASSIGN_OR_RETURN(bool present, storage.exists(metadata_file(location, version)));
    if (!present) version = 0;
  }
  if (version == 0) {
    CF_ASSIGN_OR_RETURN(auto files, storage.list_files(location + "/metadata"));
    for (const StoredFile& f : files) {
      const std::string name = f.uri.substr(f.uri.rfind('/') + 1);
      if (name.size() > 15 && name[0] == 'v' && name.ends_with(".metadata.json")) {
        try {
          version = std::max<int64_t>(version, std::stoll(name.substr(1, name.size() - 15)));
        } catch (const std::exception&) {
        }
      }
    }
  }
  if (version == 0) return Status::not_found(fmt::format("no Iceberg table at {} (no metadata/v*.metadata.json)", location));
  while (true) {
    CF_ASSIGN_OR_RETURN(bool next, storage.exists(metadata_file(location, version + 1)));
    if (!next) return version;
    ++version;
  }
}

Result<TableMetadata> parse_metadata(const std::string& path, const std::string& text) {
  TableMetadata m;
  m.path = path;
  auto bad = [&](const std::string& what) { return Status::corruption(fmt::format("Iceberg metadata {}: {}", path, what)); };
  try {
    m.json = json::parse(text);
    if (m.json.at("format-version").get<int>() != 2) return bad("format-version is not 2");
    m.location = m.json.at("location").get<std::string>();
    m.table_uuid = m.json.at("table-uuid").get<std::string>();
    m.last_sequence_number = m.json.at("last-sequence-number").get<int64_t>();
    m.last_updated_ms = m.json.at("last-updated-ms").get<int64_t>();
    const int current_schema = m.json.at("current-schema-id").get<int>();
    for (const json& schema : m.json.at("schemas")) {
      if (schema.at("schema-id").get<int>() != current_schema) continue;
      m.schema_json = schema.dump();
      for (const json& f : schema.at("fields")) {
        auto column = column_from_iceberg(f);
        if (!column.is_ok()) return bad(column.status().message());
        m.columns.push_back(std::move(*column));
      }
    }
    if (m.schema_json.empty()) return bad(fmt::format("current-schema-id {} names no schema", current_schema));
    const int default_spec = m.json.at("default-spec-id").get<int>();
    bool spec_found = false;
    for (const json& spec : m.json.at("partition-specs")) {
      if (spec.at("spec-id").get<int>() != default_spec) continue;
      auto parsed = partition_spec_from_json(spec);
      if (!parsed.is_ok()) return bad(parsed.status().message());
      m.spec = std::move(*parsed);
      spec_found = true;
    }
    if (!spec_found) return bad(fmt::format("default-spec-id {} names no partition spec", default_spec));
    if (auto p = m.json.find("properties"); p != m.json.end()) m.properties = p->get<std::map<std::string, std::string>>();
    if (auto c = m.json.find("current-snapshot-id"); c != m.json.end() && !c->is_null() && c->get<int64_t>() != -1) {
      m.current_snapshot_id = c->get<int64_t>();
    }
    if (auto list = m.json.find("snapshots"); list != m.json.end()) {
      for (const json& s : *list) {
        Snapshot snap;
        snap.snapshot_id = s.at("snapshot-id").get<int64_t>();
        if (auto p = s.find("parent-snapshot-id"); p != s.end() && !p->is_null()) snap.parent_snapshot_id = p->get<int64_t>();
        snap.sequence_number = s.value("sequence-number", int64_t{0});
        snap.timestamp_ms = s.at("timestamp-ms").get<int64_t>();
        snap.manifest_list = s.at("manifest-list").get<std::string>();
        if (auto sum = s.find("summary"); sum != s.end()) snap.summary = sum->get<std::map<std::string, std::string>>();
        snap.schema_id = s.value("schema-id", 0);
        m.snapshots.push_back(std::move(snap));
      }
    }
  } catch (const json::exception& e) {
    return bad(e.what());
  }
  if (m.current_snapshot_id && !m.find(*m.current_snapshot_id)) {
    return bad(fmt::format("current-snapshot-id {} names no snapshot", *m.current_snapshot_id));
  }
  return m;
}

Result<TableMetadata> load_table(const std::string& location) {
  CF_ASSIGN_OR_RETURN(int64_t version, current_version(location));
  const std::string path = metadata_file(location, version);
  CF_ASSIGN_OR_RETURN(std::string text, read_file(path));
  CF_ASSIGN_OR_RETURN(TableMetadata m, parse_metadata(path, text));
  m.version = version;
  return m;
}

}  // namespace careflow::lake::iceberg
