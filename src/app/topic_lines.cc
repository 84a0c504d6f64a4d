#include "app/topic_lines.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "common/json_parse.h"
#include "common/utf8.h"

namespace careflow::app {
namespace {

bool only_record_fields(const nlohmann::json& j) {
  if (!j.is_object() || j.empty()) return false;
  for (const auto& [k, _] : j.items()) {
    // "offset" is what consume prints; the log assigns offsets, so produce ignores it.
    if (k != "key" && k != "value" && k != "headers" && k != "timestamp" && k != "partition" && k != "offset") return false;
  }
  return true;
}

// {"base64": "..."}: bytes that are not UTF-8, as consume --format json prints them.
bool is_base64_bytes(const nlohmann::json& j) { return j.is_object() && j.size() == 1 && j.contains("base64"); }

// A key, value or header value: a string is its UTF-8 bytes, {"base64": "..."} the bytes it
// encodes, other JSON its text; `what` names it in errors.
Result<std::string> bytes_of(const nlohmann::json& j, std::string_view what) {
  if (j.is_string()) return j.get<std::string>();
  if (is_base64_bytes(j)) {
    if (!j["base64"].is_string()) return Status::invalid_argument(fmt::format("{}: \"base64\" must be a string", what));
    auto bytes = base64_decode(j["base64"].get<std::string>());
    if (!bytes) return Status::invalid_argument(fmt::format("{}: {}", what, bytes.status().message()));
    return std::move(*bytes);
  }
  // A JSON value given as structured JSON is stored as its text.
  return j.dump();
}

// The JSON form of bytes that round trips through bytes_of: a string when they are UTF-8.
nlohmann::json json_of(const std::string& bytes) {
  if (is_valid_utf8(bytes)) return bytes;
  return {{"base64", base64_encode(bytes)}};
}

Result<std::optional<std::string>> optional_text(const nlohmann::json& j, const char* field) {
  if (!j.contains(field) || j[field].is_null()) return std::optional<std::string>();
  CF_ASSIGN_OR_RETURN(std::string bytes, bytes_of(j[field], fmt::format("\"{}\"", field)));
  return std::optional<std::string>(std::move(bytes));
}

Result<ProducedLine> from_json(const nlohmann::json& j) {
  ProducedLine out;
  CF_ASSIGN_OR_RETURN(out.record.key, optional_text(j, "key"));
  CF_ASSIGN_OR_RETURN(out.record.value, optional_text(j, "value"));
  if (j.contains("headers")) {
    if (!j["headers"].is_object()) return Status::invalid_argument("\"headers\" must be an object of name: value");
    for (const auto& [name, value] : j["headers"].items()) {
      if (value.is_null()) {
        out.record.headers.push_back({name, std::nullopt});
        continue;
      }
      if (!value.is_string() && !is_base64_bytes(value)) {
        return Status::invalid_argument(fmt::format("header '{}' must be a string, {{\"base64\": ...}} or null", name));
      }
      CF_ASSIGN_OR_RETURN(std::string bytes, bytes_of(value, fmt::format("header '{}'", name)));
      out.record.headers.push_back({name, std::move(bytes)});
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
    auto parsed = parse_json(line);
    const nlohmann::json j = parsed ? std::move(*parsed) : nlohmann::json(nlohmann::json::value_t::discarded);
    if (format == LineFormat::kJson || only_record_fields(j)) {
      if (!parsed) return Status::invalid_argument(fmt::format("not a JSON object: {}", parsed.status().message()));
      if (!j.is_object()) return Status::invalid_argument("not a JSON object");
      if (!only_record_fields(j)) {
        return Status::invalid_argument("a JSON record may only have key, value, headers, timestamp, partition and offset");
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
      for (const log::Header& h : record.headers) headers[h.key] = h.value ? json_of(*h.value) : nlohmann::json();
      nlohmann::json j = {{"partition", partition},
                          {"offset", record.offset},
                          {"timestamp", record.timestamp_ms},
                          {"key", record.key ? json_of(*record.key) : nlohmann::json()},
                          {"value", record.value ? json_of(*record.value) : nlohmann::json()},
                          {"headers", headers}};
      // Header names are the only text left unchecked; never throw on them.
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
