#include "lake/parquet_nested.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace careflow::lake {

using parquet::LogicalType;
using parquet::Repetition;
using parquet::SchemaElement;
using values::DataType;
using values::TypeId;

std::string LeafColumn::display() const { return fmt::format("{}", fmt::join(path, ".")); }

namespace {

SchemaElement group(std::string name, Repetition repetition, int32_t children, std::optional<int32_t> field_id) {
  SchemaElement e;
  e.name = std::move(name);
  e.repetition = repetition;
  e.num_children = children;
  e.field_id = field_id;
  return e;
}

// Builds the writer's shape of one node; `ids` hands out ColumnSpec::nested_ids in pre-order.
class ShapeBuilder {
 public:
  ShapeBuilder(const ColumnSpec& column, std::vector<SchemaElement>* elements, std::vector<LeafColumn>* leaves)
      : column_(column), elements_(elements), leaves_(leaves) {}

  Status build(const DataType& t, const std::string& name, std::optional<int32_t> id, bool optional, int parent_def,
               int parent_rep, int depth, ShapeNode* node) {
    if (depth > kMaxNestingDepth) return error(fmt::format("nesting deeper than {} levels", kMaxNestingDepth));
    path_.push_back(name);
    node->path = fmt::format("{}", fmt::join(path_, "."));
    node->optional = optional;
    node->def = parent_def + (optional ? 1 : 0);
    node->rep = parent_rep;
    node->type = t.with_nullable(optional);
    node->first_leaf = static_cast<int>(leaves_->size());
    const Repetition repetition = optional ? Repetition::kOptional : Repetition::kRequired;
    switch (t.id) {
      case TypeId::kRow: {
        if (t.children.empty() || t.children.size() != t.field_names.size()) return error("a ROW without fields");
        node->kind = ShapeNode::kStruct;
        elements_->push_back(group(name, repetition, static_cast<int32_t>(t.children.size()), id));
        node->children.resize(t.children.size());
        for (size_t i = 0; i < t.children.size(); ++i) {
          CF_ASSIGN_OR_RETURN(auto child_id, next_id());
          CF_RETURN_IF_ERROR(build(t.children[i], t.field_names[i], child_id, t.children[i].nullable, node->def, parent_rep, depth + 1,
                                   &node->children[i]));
        }
        break;
      }
      case TypeId::kArray:
      case TypeId::kMap: {
        const bool is_map = t.id == TypeId::kMap;
        if (t.children.size() != (is_map ? 2u : 1u)) return error("an ARRAY or MAP without its element types");
        node->kind = is_map ? ShapeNode::kMap : ShapeNode::kList;
        node->rep = parent_rep + 1;
        SchemaElement outer = group(name, repetition, 1, id);
        outer.logical.kind = is_map ? LogicalType::kMap : LogicalType::kList;
        outer.converted_type = is_map ? parquet::kConvertedMap : parquet::kConvertedList;
        elements_->push_back(std::move(outer));
        const std::string middle = is_map ? "key_value" : "list";
        elements_->push_back(group(middle, Repetition::kRepeated, is_map ? 2 : 1, std::nullopt));
        path_.push_back(middle);
        node->children.resize(t.children.size());
        for (size_t i = 0; i < t.children.size(); ++i) {
          CF_ASSIGN_OR_RETURN(auto child_id, next_id());
          const bool child_optional = is_map && i == 0 ? false : t.children[i].nullable;
          const char* child_name = !is_map ? "element" : i == 0 ? "key" : "value";
          CF_RETURN_IF_ERROR(build(t.children[i], child_name, child_id, child_optional, node->def + 1, node->rep, depth + 2,
                                   &node->children[i]));
        }
        path_.pop_back();
        break;
      }
      case TypeId::kMultiset: return error("MULTISET is not supported in Parquet files by careflow");
      default: {
        node->kind = ShapeNode::kLeaf;
        ColumnSpec leaf{node->path, t.with_nullable(optional), id};
        // Iceberg's uuid: the column itself, or a nested field its id names.
        leaf.uuid = depth == 0 ? column_.uuid
                               : id && std::find(column_.uuid_ids.begin(), column_.uuid_ids.end(), *id) != column_.uuid_ids.end();
        CF_ASSIGN_OR_RETURN(SchemaElement e, column_to_parquet(leaf));
        e.name = name;
        LeafColumn& l = leaves_->emplace_back();
        l.path = path_;
        l.max_def = node->def;
        l.max_rep = parent_rep;
        l.type = leaf.type;
        l.element = e;
        elements_->push_back(std::move(e));
        break;
      }
    }
    node->end_leaf = static_cast<int>(leaves_->size());
    path_.pop_back();
    return Status::ok();
  }

  Status finish() const {
    if (!column_.nested_ids.empty() && next_ != column_.nested_ids.size()) {
      return error(fmt::format("{} nested field ids for a type of {} nested fields", column_.nested_ids.size(), next_));
    }
    return Status::ok();
  }

 private:
  Status error(const std::string& what) const {
    return Status::invalid_argument(fmt::format("column '{}' ({}): {}", column_.name, column_.type.to_string(), what));
  }
  Result<std::optional<int32_t>> next_id() {
    size_t i = next_++;
    if (column_.nested_ids.empty()) return std::optional<int32_t>();
    if (i >= column_.nested_ids.size()) return error(fmt::format("only {} nested field ids for its nested fields", column_.nested_ids.size()));
    return std::optional<int32_t>(column_.nested_ids[i]);
  }

  const ColumnSpec& column_;
  std::vector<SchemaElement>* elements_;
  std::vector<LeafColumn>* leaves_;
  std::vector<std::string> path_;
  size_t next_ = 0;
};

// Parses one node of a file's schema into a shape; `ids` collects the field ids below in pre-order
// (nullopt once one is missing).
class ShapeParser {
 public:
  ShapeParser(std::span<const SchemaElement> schema, size_t* at, std::vector<LeafColumn>* leaves) : schema_(schema), at_(at), leaves_(leaves) {}

  Status parse(int parent_def, int parent_rep, int depth, ShapeNode* node, std::optional<std::vector<int32_t>>* ids) {
    if (depth > kMaxNestingDepth) return unsupported(fmt::format("nesting deeper than {} levels", kMaxNestingDepth));
    if (*at_ >= schema_.size()) return Status::corruption("schema: a group's children run past the schema's elements");
    const SchemaElement& e = schema_[(*at_)++];
    path_.push_back(e.name);
    node->path = path();
    const Repetition repetition = e.repetition.value_or(Repetition::kOptional);
    if (repetition == Repetition::kRepeated) return unsupported("a repeated field outside a 3-level LIST or MAP");
    node->optional = repetition == Repetition::kOptional;
    node->def = parent_def + (node->optional ? 1 : 0);
    node->rep = parent_rep;
    node->first_leaf = static_cast<int>(leaves_->size());
    if (e.type) {
      node->kind = ShapeNode::kLeaf;
      Result<ColumnSpec> c = column_from_parquet(e);
      if (!c.is_ok()) return path_.size() == 1 ? c.status() : c.status().with_context(fmt::format("column '{}'", path()));
      node->type = c->type;
      LeafColumn& l = leaves_->emplace_back();
      l.path = path_;
      l.element = e;
      l.max_def = node->def;
      l.max_rep = parent_rep;
      l.type = c->type;
    } else {
      CF_ASSIGN_OR_RETURN(size_t n, children(e));
      const bool is_list = e.logical.kind == LogicalType::kList || e.converted_type == parquet::kConvertedList;
      const bool is_map = e.logical.kind == LogicalType::kMap || e.converted_type == parquet::kConvertedMap ||
                          e.converted_type == parquet::kConvertedMapKeyValue;
      if (is_list || is_map) {
        if (n != 1) return unsupported("a LIST or MAP group without exactly one repeated child");
        if (*at_ >= schema_.size()) return Status::corruption("schema: a group's children run past the schema's elements");
        const SchemaElement& middle = schema_[(*at_)++];
        CF_ASSIGN_OR_RETURN(size_t m, children(middle));
        // A repeated group named `array` or `<name>_tuple` is a legacy 2-level list whose group is
        // the element (the spec's backward-compatibility rules), not the 3-level form.
        const bool legacy = !is_map && (middle.name == "array" || middle.name == e.name + "_tuple");
        if (middle.repetition != Repetition::kRepeated || m != (is_map ? 2u : 1u) || legacy) {
          return unsupported(is_map ? "a MAP not of the form repeated group key_value { key; value; }"
                                    : "a LIST not of the 3-level form repeated group list { element; }");
        }
        path_.push_back(middle.name);
        node->kind = is_map ? ShapeNode::kMap : ShapeNode::kList;
        node->rep = parent_rep + 1;
        node->children.resize(m);
        for (size_t i = 0; i < m; ++i) CF_RETURN_IF_ERROR(child(node->def + 1, node->rep, depth + 2, &node->children[i], ids));
        if (is_map && node->children[0].optional) return unsupported("a MAP with an OPTIONAL key");
        path_.pop_back();
        node->type = is_map ? DataType::map(node->children[0].type, node->children[1].type) : DataType::array(node->children[0].type);
      } else {
        node->kind = ShapeNode::kStruct;
        node->type = DataType::of(TypeId::kRow);
        node->children.resize(n);
        for (size_t i = 0; i < n; ++i) {
          node->type.field_names.push_back(*at_ < schema_.size() ? schema_[*at_].name : "");
          CF_RETURN_IF_ERROR(child(node->def, parent_rep, depth + 1, &node->children[i], ids));
          node->type.children.push_back(node->children[i].type);
        }
      }
    }
    node->type = node->type.with_nullable(node->optional);
    node->end_leaf = static_cast<int>(leaves_->size());
    path_.pop_back();
    return Status::ok();
  }

  std::string path() const { return fmt::format("{}", fmt::join(path_, ".")); }

 private:
  Status unsupported(const std::string& what) const {
    return Status::invalid_argument(fmt::format("column '{}': {} is not supported by careflow's Parquet reader", path(), what));
  }
  Result<size_t> children(const SchemaElement& e) const {
    if (e.type) return unsupported("a primitive where the layout needs a group");
    if (!e.num_children || *e.num_children < 1) return unsupported("a group without children");
    if (static_cast<size_t>(*e.num_children) > schema_.size() - *at_) {
      return Status::corruption(fmt::format("schema: group '{}' claims {} children, the schema has {} more elements", e.name,
                                            *e.num_children, schema_.size() - *at_));
    }
    return static_cast<size_t>(*e.num_children);
  }
  Status child(int parent_def, int parent_rep, int depth, ShapeNode* node, std::optional<std::vector<int32_t>>* ids) {
    if (*at_ < schema_.size() && *ids) {
      if (schema_[*at_].field_id) (*ids)->push_back(*schema_[*at_].field_id); else ids->reset();
    }
    return parse(parent_def, parent_rep, depth, node, ids);
  }

  std::span<const SchemaElement> schema_;
  size_t* at_;
  std::vector<LeafColumn>* leaves_;
  std::vector<std::string> path_;
};

}  // namespace

Result<ColumnShape> shape_for_column(const ColumnSpec& column, std::vector<LeafColumn>* leaves) {
  ColumnShape shape;
  ShapeBuilder b(column, &shape.elements, leaves);
  CF_RETURN_IF_ERROR(b.build(column.type, column.name, column.field_id, column.type.nullable, 0, 0, 0, &shape.root));
  CF_RETURN_IF_ERROR(b.finish());
  return shape;
}

Result<ColumnShape> shape_from_schema(std::span<const SchemaElement> schema, size_t* at, ColumnSpec* column, std::vector<LeafColumn>* leaves) {
  ColumnShape shape;
  const size_t first = *at;
  std::optional<std::vector<int32_t>> ids(std::in_place);
  ShapeParser p(schema, at, leaves);
  CF_RETURN_IF_ERROR(p.parse(0, 0, 0, &shape.root, &ids));
  shape.elements.assign(schema.begin() + static_cast<ptrdiff_t>(first), schema.begin() + static_cast<ptrdiff_t>(*at));
  column->name = schema[first].name;
  column->field_id = schema[first].field_id;
  column->type = shape.root.type;
  column->nested_ids = ids ? std::move(*ids) : std::vector<int32_t>();
  column->uuid = shape.root.kind == ShapeNode::kLeaf && schema[first].logical.kind == LogicalType::kUuid && schema[first].type_length == 16;
  column->uuid_ids.clear();
  if (shape.root.kind != ShapeNode::kLeaf) {
    for (size_t l = static_cast<size_t>(shape.root.first_leaf); l < static_cast<size_t>(shape.root.end_leaf); ++l) {
      const SchemaElement& e = (*leaves)[l].element;
      if (e.logical.kind == LogicalType::kUuid && e.type_length == 16 && e.field_id) column->uuid_ids.push_back(*e.field_id);
    }
  }
  return shape;
}

}  // namespace careflow::lake
