#include "sql/planner.h"

#include <fmt/ranges.h>

#include "sql/planner_impl.h"

namespace careflow::sql {

namespace {

// The node that first turns an insert-only stream into an updating one: what Flink names in
// "doesn't support consuming update and delete changes which is produced by node ...".
const PlanNode* update_origin(const PlanNode& n) {
  for (const PlanPtr& in : n.inputs) {
    if (!in->insert_only) return update_origin(*in);
  }
  return &n;
}

std::string describe_origin(const PlanNode& n) {
  std::string line = explain_plan(n);
  return line.substr(0, line.find(", changelogMode"));
}

}  // namespace

std::string describe_update_origin(const PlanNode& n) { return describe_origin(*update_origin(n)); }

namespace {

// What to change so that an append-only table takes updates, for the reason it is append-only.
std::string append_sink_hint(const TableDef& table) {
  const bool keyed = !table.primary_key.empty();
  if (table.option("changelog.mode")) {
    return keyed ? fmt::format("'{}' is append-only by its 'changelog.mode' = 'append': set 'changelog.mode' = "
                               "'upsert' or 'retract'", table.name)
                 : fmt::format("'{}' is append-only by its 'changelog.mode' = 'append': set 'changelog.mode' = "
                               "'retract' (or give it a PRIMARY KEY and set 'upsert')", table.name);
  }
  if (const std::string* connector = table.option("connector")) {
    return fmt::format("'{}' is append-only as a '{}' table: set 'changelog.mode' = 'retract'{}", table.name, *connector,
                       keyed ? " or 'upsert'" : "");
  }
  return fmt::format("give '{}' a PRIMARY KEY (an upsert table) or set 'changelog.mode' = 'retract'", table.name);
}

// Flink writes at most one rowtime attribute into a result or a table (its timestamp); a query
// that gives two (a window table function's window_time beside the table's own time column) is
// refused when it is planned.
void check_one_rowtime(const PlanNode& result, SourcePos pos) {
  std::vector<std::string> rowtimes;
  for (const PlanField& f : result.schema) {
    if (f.type.time_attribute == TimeAttribute::kRowtime) rowtimes.push_back(f.name);
  }
  if (rowtimes.size() > 1) {
    plan_fail(pos, fmt::format("The query contains more than one rowtime attribute column [{}]; CAST all but one to "
                               "TIMESTAMP(3) or leave them out",
                               fmt::join(rowtimes, ", ")));
  }
}

// 'table.exec.state.ttl' in milliseconds; an invalid value fails the query, as in Flink.
int64_t state_ttl_ms(const SessionOptions& options) {
  std::optional<int64_t> ms = parse_duration_ms(options.state_ttl);
  if (!ms) {
    plan_fail({1, 1}, fmt::format("'table.exec.state.ttl' = '{}' is not a duration (such as '1 h' or '36 h')",
                                  options.state_ttl));
  }
  return *ms;
}

// The operators Flink's table.exec.state.ttl bounds that careflow bounds too: regular and semi /
// anti joins, group aggregations, ChangelogNormalize, deduplication and the event-time temporal
// join, and OVER aggregation (not yet: Top-N). (The
// recursion is as deep as the plan, which the parser's nesting limit bounds.)
void apply_state_ttl(PlanNode& n, int64_t ttl_ms) {
  switch (n.kind) {
    case PlanKind::kGroupAggregate:
    case PlanKind::kJoin:
    case PlanKind::kSemiJoin:
    case PlanKind::kChangelogNormalize:
    case PlanKind::kDeduplicate:
    case PlanKind::kTemporalJoin:
    case PlanKind::kOverAggregate: n.state_ttl_ms = ttl_ms; break;
    default: break;
  }
  for (const PlanPtr& in : n.inputs) apply_state_ttl(*in, ttl_ms);
}

}  // namespace

Result<PlanPtr> Planner::plan_query(const Query& query) const {
  try {
    QueryPlanner planner(catalog_, options_);
    PlanPtr root = planner.query(query).node;
    check_one_rowtime(*root, query.pos);
    root = apply_rank_rules(root);
    check_processing_time_windows(*root);
    apply_state_ttl(*root, state_ttl_ms(options_));
    return root;
  } catch (const PlanError& e) {
    return Status::invalid_argument(e.message);
  }
}

Result<PlanPtr> Planner::plan_insert(const Insert& insert) const {
  try {
    std::string name = join_name(insert.table);
    const TableDef* table = catalog_.table(name);
    if (!table) {
      if (catalog_.view(name)) plan_fail(insert.table_pos, fmt::format("cannot INSERT INTO view '{}'", name));
      plan_fail(insert.table_pos, catalog_.not_found(name).message());
    }
    // Writable columns: physical and non-virtual metadata columns, in declaration order.
    std::vector<int> writable;
    for (size_t i = 0; i < table->columns.size(); ++i) {
      const TableColumn& c = table->columns[i];
      if (c.computed || c.is_virtual) continue;
      writable.push_back(static_cast<int>(i));
    }
    QueryPlanner planner(catalog_, options_);
    if (insert.query->kind == Query::Kind::kValues) {
      // As Flink types INSERT INTO t VALUES (..., NULL, ...): a column of bare NULLs takes the
      // type of the table column it fills.
      for (size_t k = 0; k < insert.query->values[0].size(); ++k) {
        int col = -1;
        if (insert.columns.empty()) col = k < writable.size() ? writable[k] : -1;
        else if (k < insert.columns.size()) col = table->column_index(insert.columns[k]);
        planner.values_types_.push_back(col < 0 ? DataType::of(TypeId::kNull) : table->columns[static_cast<size_t>(col)].type);
      }
    }
    QueryPlanner::Planned q = planner.query(*insert.query);
    check_one_rowtime(*q.node, insert.query->pos);
    PlanPtr input = apply_rank_rules(q.node);
    check_processing_time_windows(*input);
    // Which query column feeds which table column.
    std::vector<int> source_of(writable.size(), -1);
    if (insert.columns.empty()) {
      if (input->schema.size() != writable.size()) {
        plan_fail(insert.table_pos, fmt::format("INSERT INTO '{}': the query has {} columns but the table has {} "
                                                "writable columns",
                                                name, input->schema.size(), writable.size()));
      }
      for (size_t i = 0; i < writable.size(); ++i) source_of[i] = static_cast<int>(i);
    } else {
      if (input->schema.size() != insert.columns.size()) {
        plan_fail(insert.table_pos, fmt::format("INSERT INTO '{}': {} columns are listed but the query has {}", name,
                                                insert.columns.size(), input->schema.size()));
      }
      for (size_t k = 0; k < insert.columns.size(); ++k) {
        int col = table->column_index(insert.columns[k]);
        auto it = std::find(writable.begin(), writable.end(), col);
        if (it == writable.end()) {
          plan_fail(insert.table_pos, fmt::format("'{}' is not a writable column of '{}'", insert.columns[k], name));
        }
        source_of[static_cast<size_t>(it - writable.begin())] = static_cast<int>(k);
      }
    }
    std::vector<BoundExprPtr> projections;
    std::vector<std::string> names;
    for (size_t i = 0; i < writable.size(); ++i) {
      const TableColumn& c = table->columns[static_cast<size_t>(writable[i])];
      if (source_of[i] < 0) {
        if (!c.type.nullable) plan_fail(insert.table_pos, fmt::format("column '{}' of '{}' is NOT NULL and not listed", c.name, name));
        projections.push_back(bound_literal(Value(), c.type));
      } else {
        const PlanField& f = input->schema[static_cast<size_t>(source_of[i])];
        BoundExprPtr ref = bound_input_ref(source_of[i], f.type);
        DataType target = c.type;
        if (!is_implicit_cast(f.type, target) && !(f.type.is_string() && target.is_string())) {
          plan_fail(insert.table_pos,
                    fmt::format("INSERT INTO '{}': column '{}' is {} but the query gives {} for it; CAST it", name,
                                c.name, type_name(target), type_name(f.type)));
        }
        projections.push_back(bound_cast_if_needed(ref, target));
      }
      names.push_back(c.name);
    }
    PlanPtr body = planner.calc(input, projections, nullptr, names);
    body = apply_rank_rules(body);
    std::vector<PlanField> schema = body->schema;
    PlanPtr sink = make_node(PlanKind::kSink, {body}, schema);
    sink->table = std::make_shared<const TableDef>(*table);
    for (const std::string& k : table->primary_key) {
      for (size_t i = 0; i < writable.size(); ++i) {
        if (table->columns[static_cast<size_t>(writable[i])].name == k) sink->sink_key.push_back(static_cast<int>(i));
      }
    }
    infer_changelog(*sink);
    apply_state_ttl(*sink, state_ttl_ms(options_));
    // Flink's Iceberg sink takes every row kind (updates and deletes by the PRIMARY KEY, or by the whole
    // row without one), while its source is insert-only: the table stays append for reading.
    const std::string* connector = table->option("connector");
    const bool takes_updates = connector && *connector == "iceberg";
    if (!body->insert_only && table->changelog_mode() == ChangelogMode::kAppend && !takes_updates) {
      const PlanNode* origin = update_origin(*body);
      plan_fail(insert.table_pos,
                fmt::format("Table sink '{}' doesn't support consuming update and delete changes which is produced by "
                            "node {}; {}",
                            name, describe_origin(*origin), append_sink_hint(*table)));
    }
    return sink;
  } catch (const PlanError& e) {
    return Status::invalid_argument(e.message);
  }
}

}  // namespace careflow::sql
