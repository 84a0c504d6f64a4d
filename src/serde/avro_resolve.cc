#include "serde/avro_resolve.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <set>
#include <vector>
#include <utility>

#include "serde/avro_binary.h"

namespace careflow::serde::avro {

namespace {

bool names_match(const Node& writer, const Node& reader) {
  if (writer.short_name() == reader.short_name()) return true;
  for (const auto& alias : reader.aliases) {
    if (alias == writer.fullname) return true;
    auto dot = alias.rfind('.');
    if (std::string_view(alias).substr(dot == std::string::npos ? 0 : dot + 1) == writer.short_name()) return true;
  }
  return false;
}

bool promotable(Type writer, Type reader) {
  switch (writer) {
    case Type::kInt: return reader == Type::kLong || reader == Type::kFloat || reader == Type::kDouble;
    case Type::kLong: return reader == Type::kFloat || reader == Type::kDouble;
    case Type::kFloat: return reader == Type::kDouble;
    case Type::kString: return reader == Type::kBytes;
    case Type::kBytes: return reader == Type::kString;
    default: return false;
  }
}

// Whether `reader` is a candidate for `writer` at the top level (the spec's "match"; under the Java
// reader's rule a record matches any record).
bool matches(const Node& writer, const Node& reader, bool allow_promotion, NameRule rule) {
  if (writer.type == reader.type) {
    if (writer.type == Type::kRecord && rule == NameRule::kJavaReader) return true;
    if (writer.is_named()) return names_match(writer, reader) && (writer.type != Type::kFixed || writer.size == reader.size);
    return true;
  }
  return allow_promotion && promotable(writer.type, reader.type);
}

Status check_with(const Node& writer, const Node& reader, NameRule rule, std::set<std::pair<const Node*, const Node*>>& seen);

// The reader union's branch for a writer's record under the Java reader's rule, -1 for none: the
// branch of the same full name, else the first record branch the writer can be read as (a later
// one of the same unqualified name instead). With one record branch it is taken without reading
// the whole record ahead: reading it then reports what does not fit.
int java_record_branch(const Node& writer, const Node& reader_union, std::set<std::pair<const Node*, const Node*>>& seen) {
  std::vector<int> records;
  for (size_t i = 0; i < reader_union.branches.size(); ++i) {
    const Node& b = *reader_union.branches[i];
    if (b.type != Type::kRecord) continue;
    if (b.fullname == writer.fullname) return static_cast<int>(i);
    records.push_back(static_cast<int>(i));
  }
  if (records.size() <= 1) return records.empty() ? -1 : records[0];
  int found = -1;
  for (int i : records) {
    const Node& b = *reader_union.branches[static_cast<size_t>(i)];
    auto probe_seen = seen;  // a probe that fails must not leave its pairs counted as readable
    if (!check_with(writer, b, NameRule::kJavaReader, probe_seen).is_ok()) continue;
    if (found < 0 || b.short_name() == writer.short_name()) found = i;
  }
  return found;
}

int pick_branch(const Node& writer, const Node& reader_union, NameRule rule, std::set<std::pair<const Node*, const Node*>>& seen) {
  if (rule == NameRule::kJavaReader && writer.type == Type::kRecord) {
    if (int branch = java_record_branch(writer, reader_union, seen); branch >= 0) return branch;
  }
  for (bool promote : {false, true}) {
    for (size_t i = 0; i < reader_union.branches.size(); ++i) {
      if (matches(writer, *reader_union.branches[i], promote, rule)) return static_cast<int>(i);
    }
  }
  return -1;
}

const Field* writer_field_for(const Node& writer, const Field& reader_field) {
  int index = writer.field_index(reader_field.name);
  if (index >= 0) return &writer.fields[index];
  for (const auto& alias : reader_field.aliases) {
    index = writer.field_index(alias);
    if (index >= 0) return &writer.fields[index];
  }
  return nullptr;
}

std::string describe(const Node& node) {
  return node.is_named() ? fmt::format("{} '{}'", type_name(node.type), node.fullname) : std::string(type_name(node.type));
}

Status check_with(const Node& writer, const Node& reader, NameRule rule, std::set<std::pair<const Node*, const Node*>>& seen) {
  auto check = [&](const Node& w, const Node& r) { return check_with(w, r, rule, seen); };
  if (!seen.insert({&writer, &reader}).second) return Status::ok();  // recursive types: assumed until shown otherwise
  if (writer.type == Type::kUnion) {
    for (size_t i = 0; i < writer.branches.size(); ++i) {
      Status s = check(*writer.branches[i], reader);
      if (!s.is_ok()) return s.with_context(fmt::format("writer union branch {}", i));
    }
    return Status::ok();
  }
  if (reader.type == Type::kUnion) {
    int branch = pick_branch(writer, reader, rule, seen);
    if (branch < 0) return Status::invalid_argument(fmt::format("the reader union has no branch for the writer's {}", describe(writer)));
    return check(writer, *reader.branches[branch]);
  }
  if (!matches(writer, reader, true, rule)) {
    return Status::invalid_argument(fmt::format("the writer's {} cannot be read as {}", describe(writer), describe(reader)));
  }
  switch (reader.type) {
    case Type::kRecord:
      for (const auto& field : reader.fields) {
        const Field* source = writer_field_for(writer, field);
        if (!source) {
          if (!field.default_value) {
            return Status::invalid_argument(
                fmt::format("field '{}': the reader's field has no default and the writer has no such field", field.name));
          }
          continue;
        }
        Status s = check(*source->type, *field.type);
        if (!s.is_ok()) return s.with_context(fmt::format("field '{}'", field.name));
      }
      return Status::ok();
    case Type::kEnum:
      if (reader.enum_default) return Status::ok();
      for (const auto& symbol : writer.symbols) {
        if (std::find(reader.symbols.begin(), reader.symbols.end(), symbol) == reader.symbols.end()) {
          return Status::invalid_argument(fmt::format("enum '{}': the reader has no symbol '{}' and no default", reader.fullname, symbol));
        }
      }
      return Status::ok();
    case Type::kArray: {
      Status s = check(*writer.items, *reader.items);
      return s.is_ok() ? s : s.with_context("array items");
    }
    case Type::kMap: {
      Status s = check(*writer.values, *reader.values);
      return s.is_ok() ? s : s.with_context("map values");
    }
    default: return Status::ok();
  }
}

// Latin-1 code points → bytes, as the spec encodes bytes and fixed defaults in JSON.
Result<std::string> latin1_bytes(const std::string& utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size(); ++i) {
    auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if ((c & 0xe0) == 0xc0 && i + 1 < utf8.size()) {
      unsigned cp = ((c & 0x1f) << 6) | (static_cast<unsigned char>(utf8[++i]) & 0x3f);
      if (cp > 0xff) return Status::invalid_argument("a bytes default holds a code point above U+00FF");
      out.push_back(static_cast<char>(cp));
    } else {
      return Status::invalid_argument("a bytes default holds a code point above U+00FF");
    }
  }
  return out;
}

}  // namespace

Status check_can_read(const Node& writer, const Node& reader, NameRule rule) {
  std::set<std::pair<const Node*, const Node*>> seen;
  return check_with(writer, reader, rule, seen);
}

Result<Datum> datum_from_json(const nlohmann::json& value, const Node& schema) {
  auto mismatch = [&] {
    return Status::invalid_argument(fmt::format("default {} does not fit {}", value.dump(), describe(schema)));
  };
  switch (schema.type) {
    case Type::kNull:
      if (!value.is_null()) return mismatch();
      return Datum::null();
    case Type::kBoolean:
      if (!value.is_boolean()) return mismatch();
      return Datum::boolean(value.get<bool>());
    case Type::kInt:
    case Type::kLong:
      if (!value.is_number_integer()) return mismatch();
      return Datum::integer(value.get<int64_t>());
    case Type::kFloat:
    case Type::kDouble:
      if (value.is_number()) return Datum::real(value.get<double>());
      if (value == "NaN") return Datum::real(std::numeric_limits<double>::quiet_NaN());
      if (value == "Infinity") return Datum::real(std::numeric_limits<double>::infinity());
      if (value == "-Infinity") return Datum::real(-std::numeric_limits<double>::infinity());
      return mismatch();
    case Type::kString:
      if (!value.is_string()) return mismatch();
      return Datum::text(value.get<std::string>());
    case Type::kBytes:
    case Type::kFixed: {
      if (!value.is_string()) return mismatch();
      CF_ASSIGN_OR_RETURN(std::string bytes, latin1_bytes(value.get<std::string>()));
      if (schema.type == Type::kFixed && static_cast<int64_t>(bytes.size()) != schema.size) return mismatch();
      return Datum::text(std::move(bytes));
    }
    case Type::kEnum: {
      if (!value.is_string()) return mismatch();
      auto it = std::find(schema.symbols.begin(), schema.symbols.end(), value.get<std::string>());
      if (it == schema.symbols.end()) return mismatch();
      return Datum::integer(it - schema.symbols.begin());
    }
    case Type::kArray: {
      if (!value.is_array()) return mismatch();
      Datum out;
      for (const auto& item : value) {
        CF_ASSIGN_OR_RETURN(Datum d, datum_from_json(item, *schema.items));
        out.items.push_back(std::move(d));
      }
      return out;
    }
    case Type::kMap: {
      if (!value.is_object()) return mismatch();
      Datum out;
      for (const auto& [k, v] : value.items()) {
        CF_ASSIGN_OR_RETURN(Datum d, datum_from_json(v, *schema.values));
        out.keys.push_back(k);
        out.items.push_back(std::move(d));
      }
      return out;
    }
    case Type::kRecord: {
      if (!value.is_object()) return mismatch();
      Datum out;
      for (const auto& field : schema.fields) {
        auto it = value.find(field.name);
        const nlohmann::json* source = it != value.end() ? &*it : (field.default_value ? &*field.default_value : nullptr);
        if (!source) return Status::invalid_argument(fmt::format("default of record '{}' lacks field '{}'", schema.fullname, field.name));
        CF_ASSIGN_OR_RETURN(Datum d, datum_from_json(*source, *field.type));
        out.items.push_back(std::move(d));
      }
      return out;
    }
    case Type::kUnion: {
      if (schema.branches.empty()) return mismatch();
      CF_ASSIGN_OR_RETURN(Datum d, datum_from_json(value, *schema.branches[0]));
      return Datum::branch(0, std::move(d));
    }
  }
  return mismatch();
}

Result<Datum> resolve(const Node& writer, const Node& reader, const Datum& value, NameRule rule) {
  if (writer.type == Type::kUnion) {
    if (value.i < 0 || value.i >= static_cast<int64_t>(writer.branches.size()) || value.items.size() != 1) {
      return Status::invalid_argument("Avro resolve: union value without a valid branch");
    }
    return resolve(*writer.branches[value.i], reader, value.items[0], rule);
  }
  if (reader.type == Type::kUnion) {
    std::set<std::pair<const Node*, const Node*>> seen;
    int branch = pick_branch(writer, reader, rule, seen);
    if (branch < 0) return Status::invalid_argument(fmt::format("Avro resolve: the reader union has no branch for the writer's {}", describe(writer)));
    CF_ASSIGN_OR_RETURN(Datum d, resolve(writer, *reader.branches[branch], value, rule));
    return Datum::branch(branch, std::move(d));
  }
  if (!matches(writer, reader, true, rule)) {
    return Status::invalid_argument(fmt::format("Avro resolve: the writer's {} cannot be read as {}", describe(writer), describe(reader)));
  }
  switch (reader.type) {
    case Type::kFloat:
    case Type::kDouble:
      if (writer.type == Type::kInt || writer.type == Type::kLong) return Datum::real(static_cast<double>(value.i));
      return Datum::real(reader.type == Type::kFloat ? static_cast<float>(value.d) : value.d);
    case Type::kRecord: {
      Datum out;
      out.items.reserve(reader.fields.size());
      for (const auto& field : reader.fields) {
        const Field* source = writer_field_for(writer, field);
        if (source) {
          auto index = static_cast<size_t>(source - writer.fields.data());
          auto d = resolve(*source->type, *field.type, value.items[index], rule);
          if (!d.is_ok()) return d.status().with_context(fmt::format("field '{}'", field.name));
          out.items.push_back(std::move(d).value());
        } else if (field.default_value) {
          CF_ASSIGN_OR_RETURN(Datum d, datum_from_json(*field.default_value, *field.type));
          out.items.push_back(std::move(d));
        } else {
          return Status::invalid_argument(fmt::format("Avro resolve: field '{}' is missing from the writer and has no default", field.name));
        }
      }
      return out;
    }
    case Type::kEnum: {
      const std::string& symbol = writer.symbols.at(static_cast<size_t>(value.i));
      auto it = std::find(reader.symbols.begin(), reader.symbols.end(), symbol);
      if (it == reader.symbols.end() && reader.enum_default) {
        it = std::find(reader.symbols.begin(), reader.symbols.end(), *reader.enum_default);
      }
      if (it == reader.symbols.end()) {
        return Status::invalid_argument(fmt::format("Avro resolve: enum '{}' has no symbol '{}' and no default", reader.fullname, symbol));
      }
      return Datum::integer(it - reader.symbols.begin());
    }
    case Type::kArray:
    case Type::kMap: {
      const Node& w = reader.type == Type::kArray ? *writer.items : *writer.values;
      const Node& r = reader.type == Type::kArray ? *reader.items : *reader.values;
      Datum out;
      out.keys = value.keys;
      out.items.reserve(value.items.size());
      for (const Datum& item : value.items) {
        CF_ASSIGN_OR_RETURN(Datum d, resolve(w, r, item, rule));
        out.items.push_back(std::move(d));
      }
      return out;
    }
    default: return value;  // same primitive, int→long and string↔bytes keep their representation
  }
}

Result<Datum> decode_resolved(const Node& writer, const Node& reader, std::string_view bytes) {
  CF_ASSIGN_OR_RETURN(Datum written, decode(writer, bytes));
  return resolve(writer, reader, written);
}

}  // namespace careflow::serde::avro
