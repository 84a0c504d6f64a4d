#pragma once
// The syntax tree of Flink SQL as written, with the position of every node so the binder can
// point at the exact place of an error. Nothing here is resolved: names are as typed, types are
// as declared. printer.h turns a tree back into SQL that parses to the same tree.

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sql/lexer.h"
#include "sql/value_system.h"
#include "values/types.h"

namespace careflow::sql {

struct Query;
using QueryPtr = std::unique_ptr<Query>;
struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

enum class ExprKind {
  kColumn,           // name, qualifier (a.b.c → qualifier {a, b}, name c)
  kStar,             // * or t.*  (qualifier)
  kLiteral,          // literal
  kUnary,            // op in name: "-", "+", "NOT"; args[0]
  kBinary,           // op in name: + - * / % || = <> < <= > >= AND OR; args[0], args[1]
  kFunction,         // name (upper case), args, distinct, star_arg (COUNT(*)), options for special syntax
  kCast,             // args[0], type; try_cast
  kCase,             // args: [operand?] then when/then pairs then [else]; see case_* fields
  kIsNull,           // args[0]; negated
  kIsBool,           // args[0]; name TRUE|FALSE|UNKNOWN; negated
  kIsJson,           // args[0]; name VALUE|SCALAR|ARRAY|OBJECT; negated
  kBetween,          // args[0] BETWEEN args[1] AND args[2]; negated
  kLike,             // args[0] LIKE args[1] [ESCAPE args[2]]; negated; name LIKE|SIMILAR TO
  kInList,           // args[0] IN (args[1..]); negated
  kInSubquery,       // args[0] IN (subquery); negated
  kExists,           // EXISTS (subquery); negated
  kScalarSubquery,   // (subquery)
  kOver,             // args[0] is the function call; window: partition_by, order_by
  kSubscript,        // args[0][args[1]]
  kFieldAccess,      // args[0].name
  kRowCtor,          // ROW(args...) or (a, b)
  kArrayCtor,        // ARRAY[args...]
  kMapCtor,          // MAP[k1, v1, ...]
  kInterval,         // INTERVAL 'text' unit [TO unit]: literal.text, interval_from, interval_to
};

struct Literal {
  enum class Kind { kNull, kBoolean, kInteger, kDecimal, kDouble, kString, kBinary, kDate, kTime, kTimestamp,
                    kTimestampLtz };
  Kind kind = Kind::kNull;
  std::string text;  // as written for numbers, unescaped for strings; "TRUE"/"FALSE" for booleans
};

struct OrderItem {
  ExprPtr expr;
  bool ascending = true;
  std::optional<bool> nulls_first;  // as written: NULLS FIRST / NULLS LAST / not given
};

// The SQL/JSON clauses of JSON_VALUE, JSON_QUERY, JSON_EXISTS, JSON_OBJECT and JSON_ARRAY, as written.
struct JsonClauses {
  std::optional<DataType> returning;
  std::string on_empty;      // "" | NULL | ERROR | DEFAULT | EMPTY ARRAY | EMPTY OBJECT
  ExprPtr on_empty_default;
  std::string on_error;      // same choices; JSON_EXISTS: TRUE | FALSE | UNKNOWN | ERROR
  ExprPtr on_error_default;
  std::string wrapper;       // "" | WITHOUT ARRAY | WITH CONDITIONAL ARRAY | WITH UNCONDITIONAL ARRAY
  std::string on_null;       // "" | NULL | ABSENT   (JSON_OBJECT / JSON_ARRAY)
};

// An OVER window's frame as written: ROWS or RANGE, from UNBOUNDED PRECEDING or `preceding`
// (a row count or an INTERVAL) PRECEDING, to CURRENT ROW (the only end careflow accepts).
struct OverFrame {
  bool rows = false;
  bool unbounded = true;
  ExprPtr preceding;  // nullptr when unbounded
  SourcePos pos;      // where ROWS / RANGE is
};

struct Expr {
  ExprKind kind;
  SourcePos pos;
  std::string name;
  std::vector<std::string> qualifier;
  Literal literal;
  std::vector<ExprPtr> args;
  DataType type;  // kCast target
  bool try_cast = false;
  bool negated = false;
  bool distinct = false;   // COUNT(DISTINCT x)
  bool star_arg = false;   // COUNT(*)
  ExprPtr filter;          // an aggregate call's FILTER (WHERE filter)
  bool has_case_operand = false;  // CASE x WHEN ...
  bool has_else = false;
  QueryPtr subquery;
  std::vector<ExprPtr> partition_by;  // kOver
  std::vector<OrderItem> order_by;    // kOver
  std::shared_ptr<OverFrame> frame;   // kOver: ROWS / RANGE, nullptr when not written
  // kOver written OVER name: `name` is the window's (a WINDOW clause defines it), the rest empty.
  std::string interval_from, interval_to;  // kInterval units, e.g. DAY, HOUR / MINUTE
  std::string time_unit;   // EXTRACT(unit FROM x), TIMESTAMPADD(unit, n, t), TIMESTAMPDIFF(unit, a, b)
  std::string trim_mode;   // TRIM(BOTH|LEADING|TRAILING ...)
  std::unique_ptr<JsonClauses> json;  // JSON_* functions
  bool paren = false;  // written inside parentheses (printer keeps them for a faithful round trip)

  Expr(ExprKind k, SourcePos p) : kind(k), pos(p) {}
};

enum class JoinType { kInner, kLeft, kRight, kFull, kCross };

struct TableRef;
using TableRefPtr = std::unique_ptr<TableRef>;

// One argument of a window table function, positional or named (`SIZE => INTERVAL '5' MINUTES`):
// TABLE t, DESCRIPTOR(col, ...), or an expression.
struct TvfArg {
  std::string name;  // upper case; empty when positional
  SourcePos pos;
  TableRefPtr table;
  std::vector<std::string> partition_by;  // TABLE t PARTITION BY a, b (SESSION's partition keys)
  std::vector<std::string> descriptor;
  bool is_descriptor = false;
  ExprPtr expr;
};

struct MatchRecognize;

struct TableRef {
  enum class Kind { kTable, kSubquery, kJoin, kUnnest, kLateralTable, kWindowTvf, kMatchRecognize };
  Kind kind = Kind::kTable;
  SourcePos pos;
  std::vector<std::string> name;  // kTable: catalog.db.table parts
  std::string alias;
  std::vector<std::string> column_aliases;  // AS t(a, b)
  QueryPtr subquery;                         // kSubquery
  JoinType join_type = JoinType::kInner;     // kJoin
  TableRefPtr left, right;
  ExprPtr on;
  std::vector<std::string> using_columns;
  bool lateral = false;
  std::vector<ExprPtr> unnest_args;  // kUnnest: UNNEST(a, b); kLateralTable: the function call in args[0]
  bool with_ordinality = false;
  ExprPtr system_time;  // FOR SYSTEM_TIME AS OF expr (temporal joins, part 2)
  std::string function;         // kWindowTvf: TUMBLE, HOP or CUMULATE (upper case)
  std::vector<TvfArg> tvf_args; // kWindowTvf
  std::unique_ptr<MatchRecognize> match;  // kMatchRecognize: over `left`, the table or subquery before it
};

// One term of MATCH_RECOGNIZE's PATTERN as written: a variable, a concatenation, an alternation
// (`|`) or a parenthesized group, each with its quantifier. Flink's CEP runs variables and
// concatenations of them; the planner refuses the rest naming it (planner_match.cc).
struct PatternTerm {
  enum class Kind { kVariable, kConcat, kAlternation, kGroup, kPermute, kExclusion, kAnchor };
  Kind kind = Kind::kVariable;
  SourcePos pos;
  std::string name;                 // kVariable (as written); kAnchor: ^ or $
  std::vector<PatternTerm> items;   // kConcat, kAlternation, kPermute: the parts; kGroup, kExclusion: one
  // The quantifier: {min, max} rows, max -1 for no upper bound; a variable without one is {1, 1}.
  int64_t min = 1, max = 1;
  bool quantified = false;
  bool reluctant = false;           // written with a trailing '?' (A*?, A{1,3}?)
  std::string quantifier_text;      // "+", "{2,}", ... as written, for messages and the printer
};

struct MeasureItem {
  ExprPtr expr;
  std::string alias;
  SourcePos pos;
};

struct PatternDefinition {
  std::string variable;
  SourcePos pos;
  ExprPtr condition;
};

// t MATCH_RECOGNIZE (PARTITION BY ... ORDER BY ... MEASURES ... [ONE ROW PER MATCH | ALL ROWS PER
// MATCH] [AFTER MATCH SKIP ...] PATTERN (...) [WITHIN INTERVAL ...] [SUBSET ...] DEFINE ...).
struct MatchRecognize {
  enum class After { kPastLastRow, kToNextRow, kToFirst, kToLast };
  SourcePos pos;  // the MATCH_RECOGNIZE keyword
  std::vector<ExprPtr> partition_by;
  std::vector<OrderItem> order_by;
  std::vector<MeasureItem> measures;
  bool all_rows = false;
  SourcePos rows_pos;
  After after = After::kToNextRow;  // Calcite's (and so Flink's) default when none is written
  bool after_written = false;
  std::string after_variable;         // kToFirst / kToLast
  SourcePos after_pos;
  PatternTerm pattern;
  ExprPtr within;
  std::vector<PatternDefinition> define;
};

struct SelectItem {
  ExprPtr expr;
  std::string alias;
  SourcePos pos;
};

struct Select {
  bool distinct = false;
  std::vector<SelectItem> items;
  TableRefPtr from;
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  SourcePos group_by_pos;
  ExprPtr having;
  // WINDOW name AS (...): each spec is a kOver expression without a function (OVER name refers to it).
  std::vector<std::pair<std::string, ExprPtr>> windows;
};

struct CommonTable {
  std::string name;
  std::vector<std::string> columns;
  QueryPtr query;
  SourcePos pos;
};

struct Query {
  enum class Kind { kSelect, kSetOp, kValues };
  Kind kind = Kind::kSelect;
  SourcePos pos;
  std::vector<CommonTable> with;
  Select select;
  std::string set_op;  // UNION | INTERSECT | EXCEPT
  bool set_all = false;
  QueryPtr left, right;
  std::vector<std::vector<ExprPtr>> values;
  std::vector<OrderItem> order_by;
  ExprPtr limit;
  ExprPtr offset;
  bool paren = false;
};

struct ColumnDef {
  std::string name;
  SourcePos pos;
  DataType type;           // physical and metadata columns
  ExprPtr computed;        // `c AS expr`
  bool metadata = false;   // `c TYPE METADATA [FROM 'key'] [VIRTUAL]`
  std::string metadata_key;
  bool is_virtual = false;
  std::string comment;
};

struct TableOption {
  std::string key, value;
  SourcePos pos;
};

struct WatermarkDef {
  std::string column;
  ExprPtr expr;
  SourcePos pos;
};

struct CreateTable {
  std::vector<std::string> name;
  bool if_not_exists = false;
  bool temporary = false;
  std::vector<ColumnDef> columns;
  std::vector<std::string> primary_key;
  SourcePos primary_key_pos;
  std::optional<WatermarkDef> watermark;
  std::vector<std::string> distributed_by;
  std::optional<int> buckets;
  std::vector<std::string> partitioned_by;
  std::string comment;
  std::vector<TableOption> options;
  QueryPtr as_query;                  // CREATE TABLE ... AS SELECT
  std::vector<std::string> like;      // CREATE TABLE ... LIKE source
  std::vector<std::string> like_options;  // (INCLUDING ALL) etc., kept as written
};

struct CreateView {
  std::vector<std::string> name;
  bool temporary = false;
  bool if_not_exists = false;
  std::vector<std::string> columns;
  QueryPtr query;
  std::string text;  // the query's text as written (SHOW CREATE VIEW)
};

struct Insert {
  std::vector<std::string> table;
  SourcePos table_pos;
  std::vector<std::string> columns;
  bool overwrite = false;
  QueryPtr query;
};

struct AlterTable {
  enum class Action { kSetOptions, kResetOptions, kAddColumns, kModifyWatermark, kDropWatermark, kRename };
  std::vector<std::string> name;
  Action action = Action::kSetOptions;
  std::vector<TableOption> options;      // SET
  std::vector<std::string> reset_keys;   // RESET
  std::vector<ColumnDef> columns;        // ADD
  std::optional<WatermarkDef> watermark; // ADD / MODIFY WATERMARK
  std::vector<std::string> new_name;     // RENAME TO
};

struct Statement;
using StatementPtr = std::unique_ptr<Statement>;

struct Statement {
  enum class Kind {
    kQuery, kCreateTable, kCreateView, kInsert, kStatementSet, kSet, kReset, kShowTables, kShowViews,
    kShowFunctions, kShowCreateTable, kDescribe, kExplain, kDropTable, kDropView, kAlterTable, kUseCatalog,
    kUseDatabase,
    // Jobs of a running `careflow up` (docs/jobs.md): SHOW JOBS, STOP JOB 'id' [WITH SAVEPOINT],
    // DESCRIBE JOB 'id'; the id is in `key`.
    kShowJobs, kStopJob, kDescribeJob,
  };
  Kind kind;
  SourcePos pos;
  QueryPtr query;                  // kQuery
  std::unique_ptr<CreateTable> create_table;
  std::unique_ptr<CreateView> create_view;
  std::vector<Insert> inserts;     // kInsert (one), kStatementSet (many)
  std::string key, value;          // SET 'k' = 'v' / RESET 'k'
  std::vector<std::string> name;   // SHOW CREATE TABLE, DESCRIBE, DROP, USE
  bool if_exists = false;          // DROP ... IF EXISTS
  bool extended = false;           // DESCRIBE EXTENDED: system columns too
  bool with_savepoint = false;     // STOP JOB ... WITH SAVEPOINT
  bool temporary = false;
  StatementPtr explained;          // EXPLAIN <statement>
  std::unique_ptr<AlterTable> alter;

  Statement(Kind k, SourcePos p) : kind(k), pos(p) {}
};

// A table's name as written, joined with dots: `cat`.`db`.`t` → "cat.db.t".
std::string join_name(const std::vector<std::string>& parts);

}  // namespace careflow::sql
