#pragma once
// The planner's internals, split over planner_expr.cc (expressions), planner_select.cc (SELECT,
// clause by clause), planner_query.cc (FROM, joins, WHERE, set operations, ORDER BY / LIMIT),
// planner_rules.cc (Top-N/deduplication recognition, changelog inference).

#include <fmt/format.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sql/ast.h"
#include "sql/catalog.h"
#include "sql/functions.h"
#include "sql/plan.h"
#include "sql/planner.h"

namespace careflow::sql {

// The error for an OVER-only aggregate (Confluent's ML functions) called outside OVER.
std::string over_only_message(const AggregateFunctionDef& def);

// Thrown inside the planner only, turned into a Status at Planner's entry points.
struct PlanError {
  std::string message;
};

[[noreturn]] void plan_fail(SourcePos pos, const std::string& message);

// A type as error messages name it (without its time attribute).
std::string type_name(const DataType& t);

// Flink's streaming planner refuses LEAD (AggFunctionFactory): it would wait for rows not yet seen.
inline constexpr const char* kLeadInStreamMode = "LEAD Function is not supported in stream mode.";

// A duration as Flink's TimeUtils.parseDuration reads one ('5 s', '1min', '100'); nullopt when
// it is not one (planner_interval_join.cc).
std::optional<int64_t> parse_duration_ms(std::string_view text);

// One visible column: where it comes from (table alias) and where it is in the input row.
struct ScopeColumn {
  std::string qualifier;  // table name or alias
  std::string name;
  DataType type;
  bool using_duplicate = false;  // the right side's copy of a JOIN ... USING column: only t.name finds it
  bool system = false;           // a table's system column ($rowtime): only its name finds it, not *
};

struct Scope {
  std::vector<ScopeColumn> columns;
};

// What an expression may refer to besides input columns: in a grouped SELECT, the group keys and
// the aggregate results (matched by the printed form of the expression).
struct AggregateContext {
  std::vector<std::string> group_exprs;   // print_expr of each GROUP BY expression
  std::vector<std::string> agg_exprs;     // print_expr of each aggregate call
  int agg_offset = 0;                     // index of the first aggregate in the aggregate's output
  std::vector<DataType> group_types, agg_types;
  const Scope* input_scope = nullptr;     // for error messages: the columns before grouping
};

// One item of a select list, '*' expanded: an expression to bind, or an already bound column.
struct SelectOutput {
  const Expr* expr;
  BoundExprPtr bound;  // an expanded star column, or a ROW_NUMBER() item's rank number
  std::string name;
  SourcePos pos;
};

// An interval join's window and the rest of its condition (planner_interval_join.cc).
struct IntervalJoinSplit {
  IntervalBounds bounds;
  std::vector<BoundExprPtr> rest;
};

class QueryPlanner {
 public:
  QueryPlanner(const Catalog& catalog, const SessionOptions& options) : catalog_(catalog), options_(options) {}

  struct Planned {
    PlanPtr node;
    Scope scope;
  };

  // A SELECT while it is planned, clause by clause.
  struct SelectState {
    Planned input;  // after FROM and WHERE; agg.input_scope points at its scope
    std::vector<SelectOutput> items;
    bool grouped = false;
    AggregateContext agg;
    PlanPtr node;  // what the projection reads: the input, then the GroupAggregate, then the Rank
    Scope scope;   // the columns of `node`
    const AggregateContext* agg_context() const { return grouped ? &agg : nullptr; }
    // OVER aggregates planned: each one's printed form and the column holding its value.
    std::vector<std::pair<std::string, BoundExprPtr>> over_results;
  };

  Planned query(const Query& q);
  Planned select(const Query& q);
  Planned select_from(const Select& s);
  std::vector<SelectOutput> select_items(const Select& s, const Scope& scope);
  void group_by(const Select& s, SelectState& st);
  // A source table's idle timeout in milliseconds: its 'scan.watermark.idle-timeout', else the
  // session's 'table.exec.source.idle-timeout'; 0 = none (planner_query.cc).
  int64_t idle_timeout(const TableDef& def, const std::string& table) const;
  // planner_group_window.cc: GROUP BY TUMBLE|HOP|SESSION(...), the legacy group windows.
  static bool is_group_window(const Expr& e);
  void group_window(const Select& s, SelectState& st);
  // The aggregate calls of the select items and HAVING, once each; with `grouping`, the
  // GROUPING() / GROUPING_ID() calls instead (planner_grouping.cc computes those).
  std::vector<const Expr*> aggregate_calls(const Select& s, const std::vector<SelectOutput>& items,
                                           bool grouping = false) const;
  // `over`: the call is an OVER aggregate (over_only functions are refused elsewhere).
  AggCall bind_aggregate_call(const Expr& call, const Scope& scope, std::vector<BoundExprPtr>* pre,
                              std::vector<std::string>* pre_names, bool over = false);
  // An options argument (AggregateFunctionDef::options_arg) as a constant MAP, each entry checked.
  Value aggregate_options(const AggregateFunctionDef& def, const Expr& arg);
  std::optional<size_t> row_number_item(const std::vector<SelectOutput>& items) const;
  void rank_over(size_t item, SelectState& st);
  // planner_over.cc
  bool is_over_aggregate(const Expr& e) const;
  bool has_over_aggregate(const std::vector<SelectOutput>& items) const;
  int64_t over_preceding(const OverFrame& frame);
  const Expr& window_of(const Expr& over, const Select& s);
  void over_aggregate(const Select& s, SelectState& st);
  Planned project(const Select& s, const SelectState& st);
  PlanPtr distinct(PlanPtr projected);
  Planned set_operation(const Query& q);
  Planned values(const Query& q);
  Planned from(const TableRef& ref);
  // `versioned`: the right side of a temporal join, where FOR SYSTEM_TIME AS OF belongs.
  Planned table(const TableRef& ref, bool versioned = false);
  Planned join(const TableRef& ref);
  // An ON condition over `scope` (the left input's `left_width` columns, then the right's), bound,
  // checked to be BOOLEAN and split into equi keys and the rest (planner_temporal_join.cc).
  struct JoinCondition {
    std::vector<int> left_keys, right_keys;
    std::vector<BoundExprPtr> residual;
  };
  JoinCondition bind_join_condition(const Expr& on, const Scope& scope, int left_width);
  // planner_temporal_join.cc: `ref` is a JOIN whose right side is FOR SYSTEM_TIME AS OF.
  Planned temporal_join(Planned left, const TableRef& ref);
  // planner_lookup_join.cc: the same against a lookup table (`def`), FOR SYSTEM_TIME AS OF a proctime.
  Planned lookup_join(Planned left, const TableRef& ref, const TableDef& def);
  // planner_interval_join.cc: the IntervalJoin of `left` and `right` (their scopes keep their time
  // attributes) over the window and rest of the condition `split` found.
  Planned interval_join(Planned left, Planned right, JoinType type, const IntervalJoinSplit& split, SourcePos pos);
  // planner_window_join.cc: the WindowJoin of two windowed inputs whose equi keys (over `scope`)
  // include both window_start and window_end; nullopt when their windows differ (a regular join).
  std::optional<Planned> window_join(Planned& left, Planned& right, const TableRef& ref, Scope scope,
                                     const std::vector<int>& left_keys, const std::vector<int>& right_keys,
                                     const std::vector<BoundExprPtr>& residual);
  // A WHERE over a regular join (`join`) whose `filters` (bound from `exprs`) bound one input's
  // time attribute by the other's: the interval join Flink makes of them (planner_query.cc), or
  // nullopt.
  std::optional<Planned> interval_join_from_where(const Planned& join, const std::vector<BoundExprPtr>& filters,
                                                  const std::vector<const Expr*>& exprs);
  // FROM a, b WHERE ...: the WHERE's deterministic conjuncts (over `node`'s columns) moved into the
  // inner joins of `node` and below them, as Flink's FilterJoinRule moves them (planner_query.cc);
  // those moved are removed from `conjuncts`.
  PlanPtr push_into_inner_joins(const PlanPtr& node, std::vector<BoundExprPtr>* conjuncts);
  PlanPtr filter_below_join(const PlanPtr& input, std::vector<BoundExprPtr> conjuncts);
  Planned correlate(Planned left, const TableRef& unnest, bool left_outer, const Expr* on);
  // planner_window.cc
  Planned window_table_function(const TableRef& ref);
  int64_t window_interval(const TvfArg& arg, const std::string& function, const std::string& param);
  static const PlanNode* window_below(const PlanPtr& node, BoundExprPtr* filter);
  PlanPtr window_aggregate(const PlanNode& tvf, const BoundExprPtr& filter, std::vector<BoundExprPtr> pre,
                           std::vector<std::string> pre_names, const std::vector<int>& window_keys,
                           std::vector<PlanField> schema, SourcePos pos);
  // The WindowAggregate for GROUP BY over rows that carry their windows (`input`'s window_start
  // and window_end among `keys`, as window_keys marks them): Flink's WindowAttachedWindowingStrategy.
  PlanPtr attached_window_aggregate(const PlanPtr& input, std::vector<BoundExprPtr> pre,
                                    std::vector<std::string> pre_names, const std::vector<int>& window_keys,
                                    const std::vector<BoundExprPtr>& keys, std::vector<PlanField> schema);
  Planned order_limit(Planned in, const Query& q);
  // planner_match.cc: MATCH_RECOGNIZE, and the references its DEFINE and MEASURES make to the
  // rows matched (pattern variables, FIRST / LAST, aggregates, MATCH_ROWTIME()) while bound.
  struct MatchBinding;
  Planned match_recognize(const TableRef& ref);
  BoundExprPtr bind_match_reference(const Expr& e, const Scope& scope);
  MatchBinding* match_ = nullptr;

  // Expressions
  BoundExprPtr bind(const Expr& e, const Scope& scope, const AggregateContext* agg = nullptr);
  BoundExprPtr bind_column(const Expr& e, const Scope& scope);
  BoundExprPtr bind_function(const Expr& e, const Scope& scope, const AggregateContext* agg);
  BoundExprPtr bind_binary(const Expr& e, const Scope& scope, const AggregateContext* agg);
  BoundExprPtr bind_literal(const Expr& e);
  BoundExprPtr bind_case(const Expr& e, const Scope& scope, const AggregateContext* agg);
  BoundExprPtr bind_cast(const Expr& e, const Scope& scope, const AggregateContext* agg);
  BoundExprPtr bind_predicate(const Expr& e, const Scope& scope, const AggregateContext* agg);
  BoundExprPtr bind_constructor(const Expr& e, const Scope& scope, const AggregateContext* agg);
  BoundExprPtr coerce(BoundExprPtr e, const DataType& to, SourcePos pos, std::string_view context);
  bool is_aggregate_call(const Expr& e) const;  // an aggregate function, or GROUPING() / GROUPING_ID()
  bool contains_aggregate(const Expr& e) const;
  bool contains_over(const Expr& e) const;

  // Plan helpers
  PlanPtr calc(PlanPtr input, std::vector<BoundExprPtr> projections, BoundExprPtr filter,
               std::vector<std::string> names);
  // A Calc passing every column of `input` through, then `extra` columns named `extra_names`;
  // with a filter, only the rows where it is TRUE.
  PlanPtr pass_through(PlanPtr input, BoundExprPtr filter, std::vector<BoundExprPtr> extra = {},
                       std::vector<std::string> extra_names = {});
  Planned where(Planned in, const Expr& condition);
  Planned semi_join(Planned in, const Expr& predicate, bool anti);
  // EXISTS (`sub`: SELECT ... FROM ... [WHERE ...], its WHERE possibly on `in`'s columns) as a
  // semi join, NOT EXISTS as an anti join; `pos` is where the predicate is written.
  Planned exists_join(Planned in, const Query& sub, SourcePos pos, bool anti);

  // planner_scalar_subquery.cc: each scalar subquery in `exprs` LEFT joined ON TRUE to `in`, its
  // value a column appended to `in` (scope and node) that bind() finds through scalar_results_.
  // Returns the joins, bottom up.
  std::vector<PlanPtr> join_scalar_subqueries(Planned& in, const std::vector<const Expr*>& exprs);
  // A filter (WHERE, HAVING) over those joins: each one whose subquery columns, when NULL, keep
  // the filter from being TRUE becomes an INNER join, as Calcite's FilterJoinRule simplifies an
  // outer join under a null-rejecting filter (an inner join keeps its input's row kinds).
  static void inner_join_under_filter(const std::vector<PlanPtr>& joins, const BoundExprPtr& filter);
  static bool contains_scalar_subquery(const Expr& e);
  // FlinkRewriteSubQueryRule: the query of `(SELECT COUNT(*) FROM ...) > 0` (or an equivalent
  // bound), which a WHERE runs as EXISTS; nullptr when `c` is no such comparison.
  static const Query* count_star_exists(const Expr& c);
  // A column reference `path` not found in the subquery being planned: fails naming it when it is
  // a column of an enclosing query (a correlation careflow does not plan).
  void fail_on_outer_reference(const Expr& column, const std::vector<std::string>& path);
  // SINGLE_VALUE over input column `arg` (named `arg_name`) of type `type`.
  AggCall single_value_call(const DataType& type, int arg, const std::string& arg_name, SourcePos pos);
  // The scope may lack columns its node has (a Rank's row number): padded with hidden ones, so
  // that columns joined on the right have the same index in both.
  static void pad_scope(Planned& in);
  // `right` LEFT joined to `in` on the keys (none: ON TRUE), its columns appended to `in` as
  // hidden ones; returns the index of the first.
  int left_join_subquery(Planned& in, PlanPtr right, std::vector<int> left_keys, std::vector<int> right_keys);
  // planner_subquery_decorrelate.cc: a correlated scalar subquery `sq` over `in`, decorrelated
  // and joined to it; returns its value over the joined row.
  BoundExprPtr join_correlated_subquery(Planned& in, const Expr& sq);
  std::map<const Expr*, BoundExprPtr> scalar_results_;
  std::vector<const Scope*> outer_scopes_;  // the enclosing queries' scopes, innermost last
  bool outer_reference_ = false;            // fail_on_outer_reference found one

  const Catalog& catalog_;
  const SessionOptions& options_;
  // Common table expressions visible here, innermost last (WITH scoping).
  std::vector<std::map<std::string, const CommonTable*>> ctes_;
  int view_depth_ = 0;
  // INSERT INTO t VALUES: the target column's type for each VALUES column (the first VALUES
  // planned takes them), so that a column holding only NULL is typed from the table.
  std::vector<DataType> values_types_;
  // While a SELECT's projection is bound: its OVER aggregates' columns (planner_over.cc).
  const std::vector<std::pair<std::string, BoundExprPtr>>* over_results_ = nullptr;
};

// Rules run after a query is planned.
// Turns Calc(filter on rn) over a Rank with an open range into a bounded Rank, drops the rank
// number when nothing reads it, and recognizes deduplication. Fails with Flink's message for a
// ROW_NUMBER that no filter bounds.
PlanPtr apply_rank_rules(PlanPtr root);
// Fails with Flink 1.20's message for window Top-N / deduplication or a window join over windows
// on a processing-time attribute (planner_proctime.cc). Runs after apply_rank_rules
// (deduplication is recognized there).
void check_processing_time_windows(const PlanNode& root);

// The conjuncts of an AND tree, in order (planner_query.cc).
void split_and(const Expr& e, std::vector<const Expr*>* out);
// The AND of `parts` (nullptr when there are none).
BoundExprPtr and_all(const std::vector<BoundExprPtr>& parts);
// A join condition over the left input's `left_width` columns then the right's, split into equi
// keys (conjuncts `left column = right column`) and the other conjuncts.
void split_join_condition(const BoundExprPtr& condition, int left_width, std::vector<int>* left_keys,
                          std::vector<int>* right_keys, std::vector<BoundExprPtr>* residual);

// A conjunct of a join condition over `scope` (the left input's columns, then the right's) that
// compares a time attribute of one input with one of the other (planner_interval_join.cc).
bool is_interval_join_bound(const BoundExpr& conjunct, const Scope& scope, int left_width);
// The conjuncts of a join condition over `scope` split into an interval join's window and the
// rest, as Flink's IntervalJoinUtil splits them; nullopt when they make no interval join (then it
// is a regular join). Fails at `pos` for a bound careflow cannot compute.
std::optional<IntervalJoinSplit> extract_interval_bounds(const std::vector<BoundExprPtr>& conjuncts,
                                                         const Scope& scope, int left_width, SourcePos pos);
// The first node below (or at) `n` that emits updates, as Flink names it in "doesn't support
// consuming update and delete changes which is produced by node ..." (planner.cc).
std::string describe_update_origin(const PlanNode& n);
// Fills insert_only / upsert_key bottom-up (called as nodes are built).
void infer_changelog(PlanNode& node);

// GROUP BY with GROUPING SETS / ROLLUP / CUBE (planner_grouping.cc).
struct GroupingItems {
  const Expr* construct = nullptr;       // the GROUPING SETS / ROLLUP / CUBE; null for a plain GROUP BY
  std::vector<const Expr*> items;        // GROUP BY items, the construct's place taken by its distinct
                                         // expressions, appended after the other items
  std::vector<std::vector<bool>> sets;   // per grouping set, per item: in it (the other items: in all)
};
// The GROUP BY of `s` as items and sets; fails naming a second grouping construct.
GroupingItems grouping_items(const Select& s);
// Grouping sets run in window aggregation only, with window_start and window_end in every set (as
// Flink requires): fails at the construct otherwise (`tvf` null: not a window aggregation). Keys
// that some set leaves out become nullable in `group_types`.
// GROUPING(...) and GROUPING_ID(...): functions of the grouping set a result row belongs to.
bool is_grouping_function(const Expr& e);
// Such a call's value in each grouping set of `grouping` (one value without sets), its arguments
// matched to the GROUP BY expressions by text; fails naming an argument that is not one.
std::vector<int64_t> grouping_function_values(const Expr& call, const GroupingItems& grouping);

void check_grouping_sets(const GroupingItems& grouping, const std::vector<int>& window_keys, const PlanNode* tvf,
                         std::vector<DataType>& group_types);
// Per grouping set, whether each plain key (the items whose window_keys entry is 0, in order) is in
// it: PlanNode::grouping_sets. Empty for a plain GROUP BY.
std::vector<std::vector<bool>> plain_key_sets(const GroupingItems& grouping, const std::vector<int>& window_keys);

PlanPtr make_node(PlanKind kind, std::vector<PlanPtr> inputs, std::vector<PlanField> schema);

// Which window property (kWindowStartKey, ...) column `column` of `node` is, traced through Calcs
// to a window table function or window aggregate; 0 when it is none (planner_window.cc).
int window_property_of(const PlanNode& node, int column);
// Whether `columns` of `node` include both window_start and window_end: how Flink recognises a
// window Top-N (PARTITION BY) or a window join (the join keys).
bool has_window_bounds(const PlanNode& node, const std::vector<int>& columns);
// The windows of the window table function or window aggregate below `node` (through Calcs).
const WindowSpec* window_spec_of(const PlanNode& node);

}  // namespace careflow::sql
