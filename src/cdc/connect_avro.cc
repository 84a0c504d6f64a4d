#include "cdc/connect_avro.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <map>

#include "common/base64.h"
#include "common/numbers.h"

namespace careflow::cdc {
namespace {

using Json = nlohmann::ordered_json;
using serde::avro::Datum;

bool optional_of(const Json& s) { return s.value("optional", false); }
bool has_default(const Json& s) { return s.contains("default") && !s["default"].is_null(); }
std::string type_of(const Json& s) { return s.value("type", ""); }

// Bytes as Avro's JSON encoding of a bytes default: each byte one code point U+0000..U+00FF.
std::string latin1_text(std::string_view bytes) {
  std::string out;
  for (char ch : bytes) {
    const auto b = static_cast<uint8_t>(ch);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
    } else {
      out.push_back(static_cast<char>(0xC0 | (b >> 6)));
      out.push_back(static_cast<char>(0x80 | (b & 0x3F)));
    }
  }
  return out;
}

// A Connect default (JsonConverter form) as AvroData writes it into the Avro schema.
Result<Json> avro_default(const Json& schema, const Json& value, const std::string& path) {
  const std::string type = type_of(schema);
  if (value.is_null()) return Json(nullptr);
  if (type == "bytes") {
    const auto not_base64 = [&] { return Status::invalid_argument(fmt::format("{}: the bytes default is not base64", path)); };
    if (!value.is_string()) return not_base64();
    auto bytes = base64_decode(value.get<std::string>());
    if (!bytes) return not_base64();
    return Json(latin1_text(*bytes));
  }
  if (type == "struct") {
    Json out = Json::object();
    for (const Json& f : schema["fields"]) {
      const std::string name = f.value("field", "");
      CF_ASSIGN_OR_RETURN(out[name], avro_default(f, value.contains(name) ? value[name] : Json(nullptr), path + "." + name));
    }
    return out;
  }
  return value;
}

struct SchemaWriter {
  std::string out;
  std::map<std::string, Json> defined;  // full name → the Connect schema it was written for
  std::string space;                    // the enclosing namespace (Avro's names.space())

  static std::pair<std::string, std::string> split(const std::string& full) {
    const size_t dot = full.rfind('.');
    if (dot == std::string::npos) return {"", full};
    return {full.substr(0, dot), full.substr(dot + 1)};
  }

  Status write(const Json& s, bool ignore_optional, const std::string& path) {
    const std::string type = type_of(s);
    if (type == "struct") {
      if (optional_of(s)) {
        Json required = s;
        required["optional"] = false;
        out += "[\"null\",";
        CF_RETURN_IF_ERROR(write(required, false, path));
        out += "]";
        return Status::ok();
      }
      return write_record(s, path);
    }
    static const std::map<std::string, std::pair<const char*, const char*>> kPrimitives = {
        {"int8", {"int", "int8"}},      {"int16", {"int", "int16"}},    {"int32", {"int", nullptr}},
        {"int64", {"long", nullptr}},   {"float", {"float", nullptr}},  {"float32", {"float", nullptr}},
        {"double", {"double", nullptr}}, {"float64", {"double", nullptr}}, {"boolean", {"boolean", nullptr}},
        {"string", {"string", nullptr}}, {"bytes", {"bytes", nullptr}}};
    auto it = kPrimitives.find(type);
    if (it == kPrimitives.end()) return Status::invalid_argument(fmt::format("{}: Connect type '{}' has no Avro form here", path, type));
    Json props = Json::object();
    const std::string name = s.value("name", "");
    const bool decimal = type == "bytes" && name == "org.apache.kafka.connect.data.Decimal";
    int precision = 64, scale = 0;
    if (decimal) {
      const Json params = s.value("parameters", Json::object());
      const auto text = [&](const char* key, const char* fallback) {
        return params.contains(key) && params[key].is_string() ? params[key].get<std::string>() : std::string(fallback);
      };
      const auto given_scale = parse_number<int>(text("scale", "0"));
      const auto given_precision = parse_number<int>(text("connect.decimal.precision", "64"));
      if (!given_scale || !given_precision) {
        return Status::invalid_argument(fmt::format("{}: a Decimal's scale and precision must be integers", path));
      }
      scale = *given_scale;
      precision = *given_precision;
      props["scale"] = scale;
      props["precision"] = precision;
    }
    CF_RETURN_IF_ERROR(add_metadata(s, props, path));
    if (it->second.second) props["connect.type"] = it->second.second;
    if (decimal && scale >= 0 && scale <= precision) props["logicalType"] = "decimal";
    std::string base = props.empty() ? Json(it->second.first).dump()
                                     : "{\"type\":" + Json(it->second.first).dump() + "," + props.dump().substr(1);
    if (ignore_optional || !optional_of(s)) {
      out += base;
    } else if (has_default(s)) {
      out += "[" + base + ",\"null\"]";
    } else {
      out += "[\"null\"," + base + "]";
    }
    return Status::ok();
  }

  Status add_metadata(const Json& s, Json& props, const std::string& path) {
    if (s.contains("doc")) props["connect.doc"] = s["doc"];
    if (s.contains("version")) props["connect.version"] = s["version"];
    if (s.contains("parameters") && !s["parameters"].empty()) props["connect.parameters"] = s["parameters"];
    if (has_default(s)) {
      CF_ASSIGN_OR_RETURN(props["connect.default"], avro_default(s, s["default"], path));
    }
    if (s.contains("name")) props["connect.name"] = s["name"];
    return Status::ok();
  }

  Status write_record(const Json& connect, const std::string& path) {
    // The same struct may be several fields (before and after): compare it without the field name.
    Json s = connect;
    s.erase("field");
    const std::string full = s.value("name", "io.confluent.connect.avro.ConnectDefault");
    auto [ns, name] = split(full);
    if (auto seen = defined.find(full); seen != defined.end()) {
      if (seen->second != s) {
        return Status::invalid_argument(fmt::format("{}: two different structs are both named {}", path, full));
      }
      out += Json(ns == space ? name : full).dump();
      return Status::ok();
    }
    defined[full] = s;
    out += "{\"type\":\"record\",\"name\":" + Json(name).dump();
    if (ns != space) out += ",\"namespace\":" + Json(ns).dump();
    const std::string saved = space;
    space = ns;
    out += ",\"fields\":[";
    bool first = true;
    for (const Json& f : s.value("fields", Json::array())) {
      const std::string field = f.value("field", "");
      const std::string field_path = path + "." + field;
      if (!first) out += ",";
      first = false;
      out += "{\"name\":" + Json(field).dump() + ",\"type\":";
      CF_RETURN_IF_ERROR(write(f, false, field_path));
      if (has_default(f)) {
        CF_ASSIGN_OR_RETURN(Json d, avro_default(f, f["default"], field_path));
        out += ",\"default\":" + d.dump();
      } else if (optional_of(f)) {
        out += ",\"default\":null";
      }
      out += "}";
    }
    out += "]";
    space = saved;
    Json props = Json::object();
    CF_RETURN_IF_ERROR(add_metadata(s, props, path));
    if (!props.empty()) out += "," + props.dump().substr(1, props.dump().size() - 2);
    out += "}";
    return Status::ok();
  }
};

Result<Datum> required_value(const Json& s, const Json& v, const std::string& path) {
  const std::string type = type_of(s);
  auto wrong = [&] {
    return Status::invalid_argument(fmt::format("{}: {} is not a Connect {} value", path, v.dump(), type));
  };
  if (type == "struct") {
    if (!v.is_object()) return wrong();
    Datum record;
    for (const Json& f : s.value("fields", Json::array())) {
      const std::string name = f.value("field", "");
      CF_ASSIGN_OR_RETURN(Datum d, connect_value_to_avro(f, v.contains(name) ? v[name] : Json(nullptr)));
      record.items.push_back(std::move(d));
    }
    return record;
  }
  if (type == "int8" || type == "int16" || type == "int32" || type == "int64") {
    if (!v.is_number_integer()) return wrong();
    return Datum::integer(v.get<int64_t>());
  }
  if (type == "float" || type == "float32" || type == "double" || type == "float64") {
    if (v.is_number()) return Datum::real(v.get<double>());
    if (v == "NaN") return Datum::real(std::numeric_limits<double>::quiet_NaN());
    if (v == "Infinity") return Datum::real(std::numeric_limits<double>::infinity());
    if (v == "-Infinity") return Datum::real(-std::numeric_limits<double>::infinity());
    return wrong();
  }
  if (type == "boolean") {
    if (!v.is_boolean()) return wrong();
    return Datum::boolean(v.get<bool>());
  }
  if (type == "string") {
    if (!v.is_string()) return wrong();
    return Datum::text(v.get<std::string>());
  }
  if (type == "bytes") {
    if (!v.is_string()) return wrong();
    auto bytes = base64_decode(v.get<std::string>());
    if (!bytes) return wrong();
    return Datum::text(std::move(*bytes));
  }
  return Status::invalid_argument(fmt::format("{}: Connect type '{}' has no Avro form here", path, type));
}

}  // namespace

Result<std::string> connect_schema_to_avro(const Json& connect_schema) {
  SchemaWriter w;
  CF_RETURN_IF_ERROR(w.write(connect_schema, false, connect_schema.value("name", "schema")));
  return std::move(w.out);
}

Result<Datum> connect_value_to_avro(const Json& s, const Json& v) {
  const std::string path = s.value("field", s.value("name", "value"));
  if (!optional_of(s)) {
    if (v.is_null()) return Status::invalid_argument(fmt::format("{}: null in a required field", path));
    return required_value(s, v, path);
  }
  // Optional: a union of null and the type, null first unless the field has a default.
  const bool null_first = type_of(s) == "struct" || !has_default(s);
  if (v.is_null()) return Datum::branch(null_first ? 0 : 1, Datum::null());
  CF_ASSIGN_OR_RETURN(Datum d, required_value(s, v, path));
  return Datum::branch(null_first ? 1 : 0, std::move(d));
}

}  // namespace careflow::cdc
