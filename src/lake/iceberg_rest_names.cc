#include "lake/iceberg_rest_names.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "lake/storage.h"

namespace careflow::lake::iceberg {

using nlohmann::json;

namespace {
std::string registry_path(const std::string& warehouse) { return join_path(warehouse, "careflow-catalog.json"); }
}  // namespace

Result<TableNames> TableNames::load(const std::string& warehouse) {
  TableNames names;
  names.warehouse_ = warehouse;
  const std::string path = registry_path(warehouse);
  auto text = storage_for(path).read(path);
  if (text.status().code() == StatusCode::kNotFound) return names;
  if (!text.is_ok()) return text.status();
  try {
    const json doc = json::parse(*text);  // named: a loop over a member of a temporary would dangle
    for (const json& r : doc.at("renamed")) {
      names.renamed_.push_back({r.at("namespace").get<std::string>(), r.at("name").get<std::string>(), r.at("location").get<std::string>(),
                                r.at("folder").at(0).get<std::string>(), r.at("folder").at(1).get<std::string>()});
    }
  } catch (const json::exception& e) {
    return Status::corruption(fmt::format("{}: {}", path, e.what()));
  }
  return names;
}

std::string TableNames::default_location(const std::string& ns, const std::string& name) const {
  return join_path(join_path(warehouse_, ns), name);
}

std::optional<std::string> TableNames::resolve(const std::string& ns, const std::string& name) const {
  for (const RenamedTable& r : renamed_) {
    if (r.ns == ns && r.name == name) return r.location;
  }
  if (folder_taken(ns, name)) return std::nullopt;
  return default_location(ns, name);
}

bool TableNames::folder_taken(const std::string& ns, const std::string& name) const {
  return std::any_of(renamed_.begin(), renamed_.end(), [&](const RenamedTable& r) { return r.folder_ns == ns && r.folder == name; });
}

std::vector<std::string> TableNames::renamed_into(const std::string& ns) const {
  std::vector<std::string> out;
  for (const RenamedTable& r : renamed_) {
    if (r.ns == ns) out.push_back(r.name);
  }
  return out;
}

Status TableNames::rename(const std::string& from_ns, const std::string& from, const std::string& to_ns, const std::string& to) {
  auto it = std::find_if(renamed_.begin(), renamed_.end(), [&](const RenamedTable& r) { return r.ns == from_ns && r.name == from; });
  RenamedTable entry;
  if (it != renamed_.end()) {
    entry = *it;
    renamed_.erase(it);
  } else {
    entry = {from_ns, from, default_location(from_ns, from), from_ns, from};
  }
  entry.ns = to_ns;
  entry.name = to;
  if (entry.ns != entry.folder_ns || entry.name != entry.folder) renamed_.push_back(std::move(entry));  // else: back home
  return save();
}

Status TableNames::dropped(const std::string& ns, const std::string& name) {
  const auto before = renamed_.size();
  std::erase_if(renamed_, [&](const RenamedTable& r) { return r.ns == ns && r.name == name; });
  return renamed_.size() == before ? Status::ok() : save();
}

Status TableNames::save() const {
  json renamed = json::array();
  for (const RenamedTable& r : renamed_) {
    renamed.push_back({{"namespace", r.ns}, {"name", r.name}, {"location", r.location}, {"folder", json::array({r.folder_ns, r.folder})}});
  }
  const std::string path = registry_path(warehouse_);
  return storage_for(path).replace(path, json{{"renamed", renamed}}.dump(2));
}

}  // namespace careflow::lake::iceberg
