#include "api/resource.h"
#include "http/json_body.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <map>

#include "common/json_parse.h"
#include "store/value_checks.h"

namespace careflow::api {
namespace {

std::string camel_case(std::string_view snake) {
  std::string out;
  bool upper = false;
  for (char c : snake) {
    if (c == '_') {
      upper = true;
    } else {
      out.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
      upper = false;
    }
  }
  return out;
}

constexpr int64_t kMaxAlertAfterMinutes = 24 * 60;

std::optional<std::string> check_parameter(const nlohmann::json& p, size_t index, nlohmann::json& clean) {
  const std::string at = fmt::format("parameters[{}]", index);
  if (!p.is_object()) return at + " must be an object";
  for (const auto& [name, _] : p.items()) {
    if (name != "parameter_name" && name != "parameter_value" && name != "parameter_type" &&
        name != "parameter_tolerance" && name != "unit" && name != "alert_after_minutes") {
      return fmt::format("{} has an unknown field '{}'", at, name);
    }
  }
  if (!p.contains("parameter_name") || !p["parameter_name"].is_string()) return at + ".parameter_name must be a string";
  const std::string name = p["parameter_name"];
  const auto& names = store::parameter_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    return fmt::format("{}.parameter_name '{}' is not one of {}", at, name, fmt::join(names, ", "));
  }
  for (const char* number : {"parameter_value", "parameter_tolerance"}) {
    if (!p.contains(number) || !p[number].is_number()) return fmt::format("{}.{} must be a number", at, number);
    if (!std::isfinite(p[number].get<double>())) return fmt::format("{}.{} must be finite", at, number);
  }
  if (p["parameter_tolerance"].get<double>() < 0) return at + ".parameter_tolerance must not be negative";
  const store::NumberRange range = *store::parameter_range(name);
  if (auto problem = store::check_number(at + ".parameter_value", p["parameter_value"].get<double>(), range)) return problem;
  if (auto problem = store::check_number(at + ".parameter_tolerance", p["parameter_tolerance"].get<double>(),
                                         {0, range.max - range.min, range.unit})) {
    return problem;
  }
  for (const char* text : {"parameter_type", "unit"}) {
    if (p.contains(text) && !p[text].is_string()) return fmt::format("{}.{} must be a string", at, text);
  }
  clean = {{"parameter_name", name},
           {"parameter_value", p["parameter_value"]},
           {"parameter_type", p.value("parameter_type", "numeric")},
           {"parameter_tolerance", p["parameter_tolerance"]},
           {"unit", p.value("unit", "")}};
  // Optional: how long the metric may stay out of range before the non-adherence alert
  // (pipelines/alerts/alerts.compliance.non-adherence; 5 minutes when absent). A whole number of
  // minutes, up to a day.
  if (p.contains("alert_after_minutes")) {
    const nlohmann::json& minutes = p["alert_after_minutes"];
    if (!minutes.is_number_integer() || minutes.get<int64_t>() < 1 || minutes.get<int64_t>() > kMaxAlertAfterMinutes) {
      return fmt::format("{}.alert_after_minutes must be a whole number of minutes from 1 to {}, got {}", at,
                         kMaxAlertAfterMinutes, minutes.dump());
    }
    clean["alert_after_minutes"] = minutes;
  }
  return std::nullopt;
}

// The value of one field, checked and converted for its column; a message on failure.
std::variant<nlohmann::json, std::string> convert(const FieldSpec& field, const nlohmann::json& value) {
  if (value.is_null()) {
    if (field.nullable) return nlohmann::json(nullptr);
    return fmt::format("{} must not be null", field.json);
  }
  switch (field.type) {
    case FieldType::kText:
      if (!value.is_string()) return fmt::format("{} must be a string", field.json);
      if (value.get<std::string>().empty() && !field.may_be_empty) return fmt::format("{} must not be empty", field.json);
      if (value.get<std::string>().size() > 1000) return fmt::format("{} is longer than 1000 characters", field.json);
      return value;
    case FieldType::kDate:
      if (!value.is_string()) return fmt::format("{} must be a date as YYYY-MM-DD", field.json);
      break;
    case FieldType::kNumber:
      if (!value.is_number()) return fmt::format("{} must be a number", field.json);
      if (!std::isfinite(value.get<double>())) return fmt::format("{} must be finite", field.json);
      break;
    case FieldType::kEpochMillis:
      if (!value.is_number_integer()) return fmt::format("{} must be an integer (milliseconds since the epoch)", field.json);
      break;
    case FieldType::kParameters: {
      nlohmann::json array = value;
      if (value.is_string()) {  // the reference accepted a JSON string holding the array
        auto parsed = parse_json(value.get<std::string>());
        if (!parsed) return fmt::format("{} is a string but not valid JSON: {}", field.json, parsed.status().message());
        array = std::move(*parsed);
      }
      if (!array.is_array()) return fmt::format("{} must be an array", field.json);
      nlohmann::json clean = nlohmann::json::array();
      for (size_t i = 0; i < array.size(); ++i) {
        nlohmann::json item;
        if (auto problem = check_parameter(array[i], i, item)) return *problem;
        clean.push_back(std::move(item));
      }
      return clean;
    }
  }
  // Ranges and dates, as the store defines them for the column.
  if (auto problem = store::check_column(field.column, field.json, value)) return *problem;
  return value;
}

// The field a body's `name` means: its JSON name, or its column when the spec accepts those.
const FieldSpec* find_field(const ResourceSpec& spec, const std::string& name) {
  for (const FieldSpec& f : spec.fields) {
    if (f.json == name || (spec.accepts_column_names && f.column == name)) return &f;
  }
  return nullptr;
}

nlohmann::json deleted_body(const ResourceSpec& spec, const std::string& key) {
  return {{"status", "deleted"}, {spec.fields.front().json, key}};
}

http::HttpResponse field_error(const http::FieldError& e) { return http::HttpResponse::error(422, "validation_error", e.message, e.field); }

// A store error starts with the column it is about ("birth_date '0000-01-01' is not a date ...");
// the answer names the API field instead, and tags it, rather than tagging the key field.
http::HttpResponse store_error(const ResourceSpec& spec, const Status& status) {
  for (const FieldSpec& f : spec.fields) {
    if (status.message().starts_with(f.column + " ")) {
      return http::HttpResponse::from_status(Status(status.code(), f.json + status.message().substr(f.column.size())), f.json);
    }
  }
  return http::HttpResponse::from_status(status);
}

// Parses the request body as a JSON object, or answers why not.
std::variant<nlohmann::json, http::HttpResponse> json_object_body(const http::HttpRequest& request) {
  if (request.body.empty()) return http::HttpResponse::error(400, "bad_json", "the request has no body; send a JSON object");
  auto body = http::parse_json_body(request);
  if (!body) return http::HttpResponse::error(400, "bad_json", fmt::format("the request body is not valid JSON: {}", body.status().message()));
  if (!body->is_object()) return http::HttpResponse::error(400, "bad_json", "the request body must be a JSON object");
  return std::move(*body);
}

}  // namespace

nlohmann::json to_api_json(const nlohmann::json& row) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [column, value] : row.items()) out[camel_case(column)] = value;
  return out;
}

nlohmann::json answer_json(const ResourceSpec& spec, const nlohmann::json& row) {
  nlohmann::json out = to_api_json(row);
  for (const std::string& column : spec.answered_by_column_name) {
    if (row.contains(column)) out[column] = row[column];
  }
  return out;
}

std::variant<nlohmann::json, http::FieldError> parse_body(const ResourceSpec& spec, const nlohmann::json& body, bool creating) {
  nlohmann::json row = nlohmann::json::object();
  std::map<std::string, std::string> sent_as;  // column -> the name the body used for it
  for (const auto& [name, value] : body.items()) {
    const FieldSpec* field = find_field(spec, name);
    if (!field) return http::FieldError{name, fmt::format("unknown field '{}'", name)};
    auto [earlier, first] = sent_as.emplace(field->column, name);
    if (!first) {
      return http::FieldError{field->json, fmt::format("{} and {} name the same field; send only one of them", earlier->second, name)};
    }
    // A generated key sent by the client is ignored, as the reference did.
    if (spec.generate_key && field == &spec.fields.front()) continue;
    // null for a field that has a default means "not given" (the reference's clients send it so).
    if (value.is_null() && !field->nullable && field->default_on_create) continue;
    auto converted = convert(*field, value);
    if (auto* problem = std::get_if<std::string>(&converted)) return http::FieldError{name, *problem};
    row[field->column] = std::get<nlohmann::json>(converted);
  }
  if (creating) {
    for (const FieldSpec& f : spec.fields) {
      if (f.default_on_create && !row.contains(f.column)) row[f.column] = f.default_on_create();
      if (f.required && !row.contains(f.column) && !(spec.generate_key && &f == &spec.fields.front())) {
        return http::FieldError{f.json, fmt::format("{} is required", f.json)};
      }
    }
  }
  return row;
}

void add_resource_routes(http::Router& router, store::Database& db, const ResourceSpec& spec, ListCache* cache) {
  const std::string base = "/" + spec.collection;
  const std::string item = base + "/{id}";
  // Routes own copies: the spec may be a temporary of the caller.
  auto shared = std::make_shared<ResourceSpec>(spec);
  auto repo = std::make_shared<store::Repository>(db, *spec.table);

  const std::string table = spec.table->table;
  // Every successful write drops the cached list before answering, so a client reads its writes.
  auto changed = [cache, table](http::HttpResponse response) {
    if (cache && response.status < 300) cache->invalidate(table);
    return response;
  };

  router.add("GET", base, [repo, shared, cache, table](http::HttpRequest&) {
    const ListCache::Entry cached = cache ? cache->get(table) : ListCache::Entry{0, std::nullopt};
    http::HttpResponse response;
    if (cached.body) {
      response.body = *cached.body;
      return response;
    }
    auto rows = repo->list();
    if (!rows) return http::HttpResponse::from_status(rows.status());
    nlohmann::json out = nlohmann::json::array();
    for (const auto& row : *rows) out.push_back(answer_json(*shared, row));
    response = http::HttpResponse::json(200, out);
    if (cache) cache->put(table, cached.generation, response.body);
    return response;
  }, "List all " + spec.collection);

  router.add("GET", item, [repo, shared](http::HttpRequest& request) {
    auto row = repo->get(request.param("id"));
    return row ? http::HttpResponse::json(200, answer_json(*shared, *row)) : http::HttpResponse::from_status(row.status());
  }, "Get one of " + spec.collection);

  router.add("POST", base, [repo, shared, changed](http::HttpRequest& request) {
    auto body = json_object_body(request);
    if (auto* bad = std::get_if<http::HttpResponse>(&body)) return *bad;
    auto parsed = parse_body(*shared, std::get<nlohmann::json>(body), /*creating=*/true);
    if (auto* e = std::get_if<http::FieldError>(&parsed)) return field_error(*e);
    nlohmann::json row = std::get<nlohmann::json>(parsed);
    if (shared->check_row) {
      if (auto e = shared->check_row(row)) return field_error(*e);
    }
    if (shared->server_columns) {
      if (Status set = shared->server_columns(row, nullptr); !set) return store_error(*shared, set);
    }
    const std::string& key_column = shared->fields.front().column;
    // A generated key may collide (4 random characters); try a few times.
    for (int attempt = 0;; ++attempt) {
      if (shared->generate_key) row[key_column] = shared->generate_key(row);
      auto created = repo->insert(row);
      if (created) return changed(http::HttpResponse::json(201, answer_json(*shared, *created)));
      const bool retry = shared->generate_key && created.status().code() == StatusCode::kAlreadyExists && attempt < 5;
      if (!retry) return store_error(*shared, created.status());
    }
  }, "Create one of " + spec.collection);

  router.add("PUT", item, [repo, shared, changed](http::HttpRequest& request) {
    auto body = json_object_body(request);
    if (auto* bad = std::get_if<http::HttpResponse>(&body)) return *bad;
    nlohmann::json& object = std::get<nlohmann::json>(body);
    const FieldSpec& key = shared->fields.front();
    for (const std::string& name : {key.json, key.column}) {
      if (name == key.column && !shared->accepts_column_names) continue;
      if (object.contains(name) && !object[name].is_null() && object[name] != request.param("id")) {
        return http::HttpResponse::error(422, "validation_error", fmt::format("{} cannot be changed", name), name);
      }
      object.erase(name);
    }
    auto parsed = parse_body(*shared, object, /*creating=*/false);
    if (auto* e = std::get_if<http::FieldError>(&parsed)) return field_error(*e);
    nlohmann::json& changes = std::get<nlohmann::json>(parsed);
    auto current = repo->get(request.param("id"));
    if (!current) return http::HttpResponse::from_status(current.status());
    if (shared->check_row) {
      nlohmann::json merged = *current;
      merged.update(changes);
      if (auto e = shared->check_row(merged)) return field_error(*e);
    }
    if (shared->server_columns) {
      if (Status set = shared->server_columns(changes, &*current); !set) return store_error(*shared, set);
    }
    auto updated = repo->update(request.param("id"), changes);
    return updated ? changed(http::HttpResponse::json(200, answer_json(*shared, *updated))) : store_error(*shared, updated.status());
  }, "Update some fields of one of " + spec.collection);

  router.add("DELETE", item, [repo, shared, changed](http::HttpRequest& request) {
    Status removed = repo->remove(request.param("id"));
    return removed ? changed(http::HttpResponse::json(200, deleted_body(*shared, request.param("id"))))
                   : http::HttpResponse::from_status(removed);
  }, "Delete one of " + spec.collection);
}

}  // namespace careflow::api
