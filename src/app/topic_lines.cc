#include "app/topic_lines.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace careflow::app {
namespace {

bool only_record_fields(const nlohmann::json& j) {
  if (!j.is_object() || j.empty()) return false;
  for (const auto& [k, _] : j.items()) {
    if (k != "key" && k != "value" && k != "headers" && k != "timestamp" && k != "partition") return false;
  }
  return true;
}

Result<std::optional<std::string>> optional_text(const nlohmann::json& j, const char* field) {
  if (!j.contains(field) || j[field].is_null()) return std::optional<std::string>();
  if (j[field].is_string()) return std::optional<std::string>(j[field].get<std::string>());
  // A JSON value given as structured JSON is stored as its text.
  return std::optional<std::string>(j[field].dump());
}

Result<ProducedLine> from_json(const nlohmann::json& j) {
  ProducedLine out;
  CF_ASSIGN_OR_RETURN(out.record.key, optional_text(j, "key"));
  CF_ASSIGN_OR_RETURN(out.record.value, optional_text(j, "value"));
  if (j.contains("headers")) {
    if (!j["headers"].is_object()) return Status::invalid_argument("\"headers\" must be an object of name: value");
    for (const auto& [name, value] : j["headers"].items()) {
      if (!value.is_string() && !value.is_null()) return Status::invalid_argument(fmt::format("header '{}' must be a string or null", name));
      out.record.headers.push_back({name, value.is_null() ? std::nullopt : std::optional<std::string>(value.get<std::string>())});
    }
  }
  if (j.contains("timestamp")) {
    if (!j["timestamp"].is_number_integer()) return Status::invalid_argument("\"timestamp\" must be an integer (ms since the epoch)");
    out.record.timestamp_ms = j["timestamp"].get<int64_t>();
  }
  if (j.contains("partition")) {
    if (!j["partition"].is_number_integer()) return Status::invalid_argument("\"partition\" must be an integer");
    out.partition = j["partition"].get<int32_t>();
  }
  return out;
}

}  // namespace

Result<LineFormat> parse_line_format(std::string_view name, bool allow_auto) {
  if (name == "auto" && allow_auto) return LineFormat::kAuto;
  if (name == "value") return LineFormat::kValue;
  if (name == "kv") return LineFormat::kKeyValue;
  if (name == "json") return LineFormat::kJson;
  if (name == "hex" && !allow_auto) return LineFormat::kHex;
  return Status::invalid_argument(
      fmt::format("--format {}: expected {}", name, allow_auto ? "auto, value, kv or json" : "value, kv, json, hex or avro"));
}

Result<ProducedLine> parse_line(std::string_view line, LineFormat format) {
  if (format == LineFormat::kJson || (format == LineFormat::kAuto && line.starts_with('{'))) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (format == LineFormat::kJson || only_record_fields(j)) {
      if (j.is_discarded() || !j.is_object()) return Status::invalid_argument("not a JSON object");
      if (!only_record_fields(j)) {
        return Status::invalid_argument("a JSON record may only have key, value, headers, timestamp and partition");
      }
      return from_json(j);
    }
  }
  ProducedLine out;
  const size_t tab = line.find('\t');
  if (format == LineFormat::kKeyValue || (format == LineFormat::kAuto && tab != std::string_view::npos)) {
    if (tab == std::string_view::npos) return Status::invalid_argument("expected key<TAB>value");
    out.record.key = std::string(line.substr(0, tab));
    out.record.value = std::string(line.substr(tab + 1));
    return out;
  }
  out.record.value = std::string(line);
  return out;
}

std::string format_line(const log::Record& record, int32_t partition, LineFormat format) {
  switch (format) {
    case LineFormat::kKeyValue:
      return fmt::format("{}\t{}", record.key.value_or(""), record.value.value_or(""));
    case LineFormat::kJson: {
      nlohmann::json headers = nlohmann::json::object();
      for (const log::Header& h : record.headers) headers[h.key] = h.value ? nlohmann::json(*h.value) : nlohmann::json();
      nlohmann::json j = {{"partition", partition},
                          {"offset", record.offset},
                          {"timestamp", record.timestamp_ms},
                          {"key", record.key ? nlohmann::json(*record.key) : nlohmann::json()},
                          {"value", record.value ? nlohmann::json(*record.value) : nlohmann::json()},
                          {"headers", headers}};
      return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    case LineFormat::kHex: {
      std::string out;
      for (unsigned char byte : record.value.value_or("")) out += fmt::format("{:02x}", byte);
      return out;
    }
    default:
      return record.value.value_or("");
  }
}

}  // namespace careflow::app
