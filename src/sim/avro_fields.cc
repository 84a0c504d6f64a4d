#include "sim/avro_fields.h"

#include <fmt/format.h>

namespace careflow::sim {

using serde::avro::Datum;
using serde::avro::Node;
using serde::avro::Type;

std::optional<AvroField> unwrap_union(const Node& type, const Datum& value) {
  const Node* node = &type;
  const Datum* datum = &value;
  if (node->type == Type::kUnion) {
    if (datum->i < 0 || static_cast<size_t>(datum->i) >= node->branches.size() || datum->items.empty()) {
      return std::nullopt;
    }
    node = node->branches[static_cast<size_t>(datum->i)];
    datum = &datum->items[0];
  }
  if (node->type == Type::kNull) return std::nullopt;
  return AvroField{node, datum};
}

std::optional<AvroField> avro_field(const Node& record, const Datum& value, std::string_view name) {
  const int index = record.field_index(name);
  if (index < 0 || static_cast<size_t>(index) >= value.items.size()) return std::nullopt;
  return unwrap_union(*record.fields[static_cast<size_t>(index)].type, value.items[static_cast<size_t>(index)]);
}

Result<std::string> required_text(const Node& record, const Datum& value, std::string_view name) {
  auto f = avro_field(record, value, name);
  if (!f) return Status::invalid_argument(fmt::format("field '{}' is missing or null", name));
  if (f->type->type != Type::kString) return Status::invalid_argument(fmt::format("field '{}' is not a string", name));
  return f->value->s;
}

Result<std::optional<double>> optional_number(const Node& record, const Datum& value, std::string_view name) {
  auto f = avro_field(record, value, name);
  if (!f) return std::optional<double>();
  switch (f->type->type) {
    case Type::kDouble:
    case Type::kFloat: return std::optional<double>(f->value->d);
    case Type::kInt:
    case Type::kLong: return std::optional<double>(static_cast<double>(f->value->i));
    default: return Status::invalid_argument(fmt::format("field '{}' is not a number", name));
  }
}

}  // namespace careflow::sim
