#include "exec/evaluator.h"

#include <fmt/format.h>

#include <cmath>
#include <deque>
#include <string_view>

#include "values/cast.h"
#include "values/datetime.h"
#include "values/value_format.h"

namespace careflow::exec {

using sql::BoundExpr;
using sql::BoundKind;
using values::DataType;
using values::EvalContext;
using values::EvalError;
using values::int128;
using values::TypeId;
using values::Value;

namespace {

int128 rescale_or_throw(int128 v, int from, int to) {
  int128 out;
  if (!values::rescale_decimal(v, from, to, 38, &out)) throw EvalError("DECIMAL overflow");
  return out;
}

Value decimal_result(int128 v, const DataType& t) {
  int128 bound = values::pow10_i128(t.precision);
  if (v >= bound || v <= -bound) return Value();  // Flink gives NULL when a DECIMAL overflows its precision
  return Value::decimal(v);
}

Value arithmetic(const BoundExpr& e, const Value& a, const Value& b) {
  const DataType& t = e.type;
  const DataType& lt = e.args[0]->type;
  const DataType& rt = e.args[1]->type;
  const std::string_view op = e.op;  // a view: == compares the length first, a string calls memcmp
  if (t.is_integer()) {
    int64_t x = a.as_int(), y = b.as_int();
    uint64_t ux = static_cast<uint64_t>(x), uy = static_cast<uint64_t>(y);
    if (op == "+") return Value::integer(values::wrap_to_width(static_cast<int64_t>(ux + uy), t.id));
    if (op == "-") return Value::integer(values::wrap_to_width(static_cast<int64_t>(ux - uy), t.id));
    if (op == "*") return Value::integer(values::wrap_to_width(static_cast<int64_t>(ux * uy), t.id));
    if (y == 0) throw EvalError("/ by zero");
    if (x == INT64_MIN && y == -1) return Value::integer(op == "/" ? INT64_MIN : 0);
    if (op == "/") return Value::integer(values::wrap_to_width(x / y, t.id));
    return Value::integer(values::wrap_to_width(x % y, t.id));
  }
  if (t.is_approximate()) {
    double x = a.as_double(), y = b.as_double();
    double r = op == "+" ? x + y : op == "-" ? x - y : op == "*" ? x * y : op == "/" ? x / y : std::fmod(x, y);
    if (t.id == TypeId::kFloat) r = static_cast<float>(r);
    return Value::real(r);
  }
  if (t.id == TypeId::kDecimal) {
    int s1 = lt.scale, s2 = rt.scale;
    int128 x = a.as_decimal(), y = b.as_decimal();
    if (op == "+" || op == "-") {
      int s = std::max(s1, s2);
      x = rescale_or_throw(x, s1, s);
      y = rescale_or_throw(y, s2, s);
      int128 r = op == "+" ? x + y : x - y;
      int128 out;
      if (!values::rescale_decimal(r, s, t.scale, t.precision, &out)) return Value();
      return Value::decimal(out);
    }
    if (op == "*") {
      // x*y has scale s1+s2; guard int128 overflow through long double magnitude.
      long double m = static_cast<long double>(x) * static_cast<long double>(y);
      if (std::fabs(m) >= 1e37L) {
        long double scaled = m / std::pow(10.0L, s1 + s2 - t.scale);
        if (std::fabs(scaled) >= std::pow(10.0L, t.precision)) return Value();
        return Value::decimal(static_cast<int128>(std::llround(scaled)));
      }
      int128 out;
      if (!values::rescale_decimal(x * y, s1 + s2, t.scale, t.precision, &out)) return Value();
      return Value::decimal(out);
    }
    if (y == 0) throw EvalError("Division by zero");
    if (op == "/") {
      // x / y at result scale: x * 10^(t.scale - s1 + s2) / y, rounded half-up.
      int shift = t.scale - s1 + s2;
      int128 num = x;
      if (shift > 0) num = rescale_or_throw(x, 0, shift);
      int128 q = num / y, r = num % y;
      if (shift < 0) {
        return decimal_result(rescale_or_throw(q, -shift, 0), t);
      }
      int128 twice = r * 2;
      if (twice < 0) twice = -twice;
      int128 ay = y < 0 ? -y : y;
      if (twice >= ay) q += ((x < 0) != (y < 0)) ? -1 : 1;
      return decimal_result(q, t);
    }
    int s = std::max(s1, s2);
    x = rescale_or_throw(x, s1, s);
    y = rescale_or_throw(y, s2, s);
    int128 out;
    if (!values::rescale_decimal(x % y, s, t.scale, t.precision, &out)) return Value();
    return Value::decimal(out);
  }
  // Temporal ± interval.
  auto add_months = [](int64_t days, int64_t months) {
    values::CivilDate c = values::civil_from_days(days);
    int64_t total = c.year * 12 + (c.month - 1) + months;
    int64_t y = values::floor_div(total, 12);
    int m = static_cast<int>(values::floor_mod(total, 12)) + 1;
    int d = std::min(c.day, values::days_in_month(y, m));
    return values::days_from_civil(y, m, d);
  };
  int64_t sign = op == "-" ? -1 : 1;
  if (lt.is_temporal() && rt.is_interval()) {
    int64_t x = a.as_int(), y = b.as_int() * sign;
    if (rt.id == TypeId::kIntervalYearMonth) {
      if (lt.id == TypeId::kDate) return Value::integer(add_months(x, y));
      if (lt.is_timestamp()) {
        int64_t days = values::floor_div(x, values::kMicrosPerDay);
        int64_t rest = values::floor_mod(x, values::kMicrosPerDay);
        return Value::integer(add_months(days, y) * values::kMicrosPerDay + rest);
      }
      return a;  // TIME ± months: unchanged
    }
    if (lt.id == TypeId::kDate) return Value::integer(x + values::floor_div(y, values::kMillisPerDay));
    if (lt.id == TypeId::kTime) return Value::integer(values::floor_mod(x + y, values::kMillisPerDay));
    return Value::integer(x + y * 1000);
  }
  if (lt.is_interval() && rt.id == lt.id) return Value::integer(op == "+" ? a.as_int() + b.as_int() : a.as_int() - b.as_int());
  if (lt.is_interval() && rt.is_numeric()) {
    double factor = rt.is_integer() ? static_cast<double>(b.as_int())
                    : rt.is_approximate() ? b.as_double() : values::decimal_to_double(b.as_decimal(), rt.scale);
    double r = op == "*" ? static_cast<double>(a.as_int()) * factor : static_cast<double>(a.as_int()) / factor;
    return Value::integer(static_cast<int64_t>(r));
  }
  throw EvalError(fmt::format("unsupported arithmetic {} {} {}", lt.to_string(), op, rt.to_string()));
}

// Compares two non-NULL values of the same type.
int compare(const Value& a, const Value& b, const DataType& t) {
  if (t.is_approximate()) {
    double x = a.as_double(), y = b.as_double();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  return values::compare_values(a, b);
}

Value compare_op(const BoundExpr& e, const Value& a, const Value& b) {
  const std::string_view op = e.op;  // a view: == compares the length first, a string calls memcmp
  const DataType& t = e.args[0]->type;
  if (op == "IS DISTINCT FROM" || op == "IS NOT DISTINCT FROM") {
    bool same = (a.is_null() && b.is_null()) || (!a.is_null() && !b.is_null() && compare(a, b, t) == 0 &&
                                                 (t.id != TypeId::kMap || a == b));
    return Value::boolean(op == "IS DISTINCT FROM" ? !same : same);
  }
  if (a.is_null() || b.is_null()) return Value();
  if (t.is_approximate()) {
    double x = a.as_double(), y = b.as_double();
    if (op == "=") return Value::boolean(x == y);
    if (op == "<>") return Value::boolean(x != y);
    if (op == "<") return Value::boolean(x < y);
    if (op == "<=") return Value::boolean(x <= y);
    if (op == ">") return Value::boolean(x > y);
    return Value::boolean(x >= y);
  }
  if (op == "=") return Value::boolean(t.id == TypeId::kMap ? a == b : compare(a, b, t) == 0);
  if (op == "<>") return Value::boolean(t.id == TypeId::kMap ? !(a == b) : compare(a, b, t) != 0);
  int c = compare(a, b, t);
  if (op == "<") return Value::boolean(c < 0);
  if (op == "<=") return Value::boolean(c <= 0);
  if (op == ">") return Value::boolean(c > 0);
  return Value::boolean(c >= 0);
}

// SQL LIKE with % and _ and an optional escape character, over UTF-8 code points.
bool like(std::string_view s, std::string_view p, int escape) {
  auto next_point = [](std::string_view str, size_t i) {
    size_t j = i + 1;
    while (j < str.size() && (static_cast<unsigned char>(str[j]) & 0xC0) == 0x80) ++j;
    return j;
  };
  size_t si = 0, pi = 0, star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size()) {
      char pc = p[pi];
      if (escape >= 0 && pc == static_cast<char>(escape) && pi + 1 < p.size()) {
        size_t pe = next_point(p, pi + 1);
        size_t se = next_point(s, si);
        if (p.substr(pi + 1, pe - pi - 1) == s.substr(si, se - si)) {
          si = se;
          pi = pe;
          continue;
        }
      } else if (pc == '%') {
        star_p = ++pi;
        star_s = si;
        continue;
      } else if (pc == '_') {
        si = next_point(s, si);
        pi = next_point(p, pi);
        continue;
      } else {
        size_t pe = next_point(p, pi);
        size_t se = next_point(s, si);
        if (p.substr(pi, pe - pi) == s.substr(si, se - si)) {
          si = se;
          pi = pe;
          continue;
        }
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p;
    star_s = next_point(s, star_s);
    si = star_s;
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

// The arguments of a call, in buffers kept per nesting depth on this thread: a STRING argument
// is copied into a string that already has room, so a call allocates nothing once warmed up.
// (A deque: growing it for a nested call leaves the outer frames where they are.)
class ArgumentFrame {
 public:
  ArgumentFrame() { ++depth_; }
  ~ArgumentFrame() { --depth_; }
  ArgumentFrame(const ArgumentFrame&) = delete;
  ArgumentFrame& operator=(const ArgumentFrame&) = delete;

  std::vector<Value>& values(size_t n) {
    std::vector<Value>& v = frame().values;
    v.resize(n);
    return v;
  }
  // For a kernel that reads in place: where each argument is.
  std::vector<const Value*>& pointers(size_t n) {
    std::vector<const Value*>& p = frame().pointers;
    p.resize(n);
    return p;
  }

 private:
  struct Frame {
    std::vector<Value> values;
    std::vector<const Value*> pointers;
  };
  Frame& frame() {
    if (frames_.size() < depth_) frames_.resize(depth_);
    return frames_[depth_ - 1];
  }

  static thread_local std::deque<Frame> frames_;
  static thread_local size_t depth_;
};

thread_local std::deque<ArgumentFrame::Frame> ArgumentFrame::frames_;
thread_local size_t ArgumentFrame::depth_ = 0;

const Value kNull;

// The value of a column, a literal or a field of a ROW column (a view over a nested source, as
// Nexmark's bid.url) where it already is, without a copy; nullptr for any other expression.
inline const Value* stored_value(const BoundExpr& e, const std::vector<Value>& row) {
  if (e.kind == BoundKind::kInputRef) return &row[static_cast<size_t>(e.index)];
  if (e.kind == BoundKind::kLiteral) return &e.value;
  if (e.kind == BoundKind::kFieldAccess && e.args[0]->kind == BoundKind::kInputRef) {
    const Value& composite = row[static_cast<size_t>(e.args[0]->index)];
    return composite.is_null() ? &kNull : &composite.as_list()[static_cast<size_t>(e.index)];
  }
  return nullptr;
}

// An argument without a copy when it is stored (most are): the hot path of comparisons and
// arithmetic.
inline const Value& eval_ref(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx, Value& scratch) {
  if (const Value* v = stored_value(e, row)) return *v;
  scratch = evaluate(e, row, ctx);
  return scratch;
}

// One function per expression family; evaluate() dispatches on the kind. Each takes the
// expression and the row and returns its value, with Flink's NULL rules for that family.

// A call whose kernel reads in place: stored arguments are passed where they are, computed ones
// from the frame's values.
Value eval_call_in_place(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  ArgumentFrame frame;
  const size_t n = e.args.size();
  std::vector<Value>& computed = frame.values(n);
  std::vector<const Value*>& args = frame.pointers(n);
  for (size_t i = 0; i < n; ++i) {
    const BoundExpr& a = *e.args[i];
    const Value* v = stored_value(a, row);
    if (!v) {
      computed[i] = evaluate(a, row, ctx);
      v = &computed[i];
    }
    if (e.binding.null_on_null && v->is_null()) return Value();
    args[i] = v;
  }
  return e.binding.kernel->call_in_place(args.data(), n, ctx);
}

Value eval_call(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  if (e.binding.kernel->reads_in_place()) return eval_call_in_place(e, row, ctx);
  ArgumentFrame frame;
  std::vector<Value>& args = frame.values(e.args.size());
  for (size_t i = 0; i < e.args.size(); ++i) {
    const BoundExpr& a = *e.args[i];
    // Stored values (columns, literals, fields) are assigned into the frame's values, reusing
    // their storage.
    if (const Value* v = stored_value(a, row)) args[i] = *v;
    else args[i] = evaluate(a, row, ctx);
    if (e.binding.null_on_null && args[i].is_null()) return Value();
  }
  return e.binding.kernel->call(args.data(), args.size(), ctx);
}

// Arithmetic, unary minus and string / binary concatenation: NULL when an operand is.
Value eval_arithmetic(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  Value sa, sb;
  const Value& a = eval_ref(*e.args[0], row, ctx, sa);
  if (a.is_null()) return Value();
  const Value& b = eval_ref(*e.args[1], row, ctx, sb);
  if (b.is_null()) return Value();
  return arithmetic(e, a, b);
}

Value eval_negate(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  Value v = evaluate(*e.args[0], row, ctx);
  if (v.is_null()) return v;
  if (e.type.is_integer() || e.type.is_interval()) {
    return Value::integer(values::wrap_to_width(static_cast<int64_t>(0 - static_cast<uint64_t>(v.as_int())), e.type.id));
  }
  if (e.type.is_approximate()) return Value::real(-v.as_double());
  return Value::decimal(-v.as_decimal());
}

Value eval_concat(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  Value a = evaluate(*e.args[0], row, ctx);
  if (a.is_null()) return a;
  Value b = evaluate(*e.args[1], row, ctx);
  if (b.is_null()) return b;
  if (e.type.is_binary()) return Value::bytes(a.as_bytes() + b.as_bytes());
  return Value::string(a.as_string() + b.as_string());
}

// AND / OR / NOT with three-valued logic: AND is FALSE as soon as one side is, OR TRUE as soon as
// one side is; otherwise a NULL side makes the result NULL.
Value eval_and_or(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  const bool decisive = e.kind == BoundKind::kOr;  // the value that decides: FALSE for AND, TRUE for OR
  bool unknown = false;
  for (const auto& a : e.args) {
    Value v = evaluate(*a, row, ctx);
    if (v.is_null()) unknown = true;
    else if (v.as_bool() == decisive) return Value::boolean(decisive);
  }
  return unknown ? Value() : Value::boolean(!decisive);
}

Value eval_not(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  Value v = evaluate(*e.args[0], row, ctx);
  return v.is_null() ? v : Value::boolean(!v.as_bool());
}

// IS [NOT] NULL and IS [NOT] TRUE / FALSE / UNKNOWN: never NULL.
Value eval_is(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  if (e.kind == BoundKind::kIsNull) {
    Value scratch;
    bool null = eval_ref(*e.args[0], row, ctx, scratch).is_null();
    return Value::boolean(e.negated ? !null : null);
  }
  Value v = evaluate(*e.args[0], row, ctx);
  bool r = e.op == "UNKNOWN" ? v.is_null() : (!v.is_null() && v.as_bool() == (e.op == "TRUE"));
  return Value::boolean(e.negated ? !r : r);
}

// Comparisons and the predicates built on them: =, <, ..., IS [NOT] DISTINCT FROM, [NOT] IN
// (list), [NOT] BETWEEN, [NOT] LIKE.
Value eval_compare(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  Value sa, sb;
  const Value& a = eval_ref(*e.args[0], row, ctx, sa);
  const Value& b = eval_ref(*e.args[1], row, ctx, sb);
  return compare_op(e, a, b);
}

Value eval_in_list(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  Value needle_scratch, scratch;
  const Value& needle = eval_ref(*e.args[0], row, ctx, needle_scratch);
  if (needle.is_null()) return Value();
  bool unknown = false;
  for (size_t i = 1; i < e.args.size(); ++i) {
    const Value& v = eval_ref(*e.args[i], row, ctx, scratch);
    if (v.is_null()) {
      unknown = true;
    } else if (compare(needle, v, e.args[0]->type) == 0) {
      return Value::boolean(!e.negated);
    }
  }
  if (unknown) return Value();
  return Value::boolean(e.negated);
}

Value eval_between(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  Value v = evaluate(*e.args[0], row, ctx);
  Value lo = evaluate(*e.args[1], row, ctx);
  Value hi = evaluate(*e.args[2], row, ctx);
  const DataType& t = e.args[0]->type;
  // Three-valued: v >= lo AND v <= hi.
  Value ge = (v.is_null() || lo.is_null()) ? Value() : Value::boolean(compare(v, lo, t) >= 0);
  Value le = (v.is_null() || hi.is_null()) ? Value() : Value::boolean(compare(v, hi, t) <= 0);
  Value r;
  if ((!ge.is_null() && !ge.as_bool()) || (!le.is_null() && !le.as_bool())) r = Value::boolean(false);
  else if (ge.is_null() || le.is_null()) r = Value();
  else r = Value::boolean(true);
  if (e.negated && !r.is_null()) r = Value::boolean(!r.as_bool());
  return r;
}

Value eval_like(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  Value s = evaluate(*e.args[0], row, ctx);
  Value p = evaluate(*e.args[1], row, ctx);
  if (s.is_null() || p.is_null()) return Value();
  int escape = -1;
  if (e.args.size() > 2) {
    Value esc = evaluate(*e.args[2], row, ctx);
    if (esc.is_null()) return Value();
    if (esc.as_string().size() != 1) throw EvalError("LIKE ESCAPE must be a single character");
    escape = static_cast<unsigned char>(esc.as_string()[0]);
  }
  bool r = like(s.as_string(), p.as_string(), escape);
  return Value::boolean(e.negated ? !r : r);
}

// CASE WHEN c1 THEN v1 ... ELSE d END, as the binder lays it out: condition / value pairs, then
// the ELSE value.
Value eval_case(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  size_t n = e.args.size();
  for (size_t i = 0; i + 1 < n; i += 2) {
    Value c = evaluate(*e.args[i], row, ctx);
    if (!c.is_null() && c.as_bool()) return evaluate(*e.args[i + 1], row, ctx);
  }
  return evaluate(*e.args[n - 1], row, ctx);
}

// Composite values: ROW / ARRAY / MAP constructors, field access and subscripts.
Value eval_field_access(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  if (const Value* stored = stored_value(e, row)) return *stored;
  Value v = evaluate(*e.args[0], row, ctx);
  if (v.is_null()) return v;
  return v.as_list()[static_cast<size_t>(e.index)];
}

Value eval_subscript(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  Value c = evaluate(*e.args[0], row, ctx);
  Value k = evaluate(*e.args[1], row, ctx);
  if (c.is_null() || k.is_null()) return Value();
  if (e.args[0]->type.id == TypeId::kArray) {
    int64_t i = k.as_int();
    const auto& items = c.as_list();
    if (i < 1 || i > static_cast<int64_t>(items.size())) return Value();
    return items[static_cast<size_t>(i - 1)];
  }
  for (const auto& [key, val] : c.as_map()) {
    if (key == k) return val;
  }
  return Value();
}

Value eval_list_ctor(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  std::vector<Value> items;
  for (const auto& a : e.args) items.push_back(evaluate(*a, row, ctx));
  return Value::list(std::move(items));
}

Value eval_map_ctor(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  values::MapEntries entries;
  for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
    Value k = evaluate(*e.args[i], row, ctx);
    Value v = evaluate(*e.args[i + 1], row, ctx);
    bool replaced = false;
    for (auto& [ek, ev] : entries) {
      if (ek == k) {
        ev = v;  // a later duplicate key wins, as in Flink's MAP[...]
        replaced = true;
      }
    }
    if (!replaced) entries.emplace_back(std::move(k), std::move(v));
  }
  return Value::map(std::move(entries));
}

}  // namespace

Value evaluate(const BoundExpr& e, const std::vector<Value>& row, const EvalContext& ctx) {
  switch (e.kind) {
    case BoundKind::kInputRef: return row[static_cast<size_t>(e.index)];
    case BoundKind::kLiteral: return e.value;
    case BoundKind::kCall: return eval_call(e, row, ctx);
    case BoundKind::kCast: {
      Value scratch;
      const Value& v = eval_ref(*e.args[0], row, ctx, scratch);
      return values::cast_value(v, e.args[0]->type, e.type, e.try_cast, ctx);
    }
    case BoundKind::kArithmetic: return eval_arithmetic(e, row, ctx);
    case BoundKind::kNegate: return eval_negate(e, row, ctx);
    case BoundKind::kConcat: return eval_concat(e, row, ctx);
    case BoundKind::kAnd:
    case BoundKind::kOr: return eval_and_or(e, row, ctx);
    case BoundKind::kNot: return eval_not(e, row, ctx);
    case BoundKind::kIsNull:
    case BoundKind::kIsTrue: return eval_is(e, row, ctx);
    case BoundKind::kCompare: return eval_compare(e, row, ctx);
    case BoundKind::kInList: return eval_in_list(e, row, ctx);
    case BoundKind::kBetween: return eval_between(e, row, ctx);
    case BoundKind::kLike: return eval_like(e, row, ctx);
    case BoundKind::kCase: return eval_case(e, row, ctx);
    case BoundKind::kProctime: return Value::integer(values::truncate_micros(ctx.now_micros, 3));
    case BoundKind::kFieldAccess: return eval_field_access(e, row, ctx);
    case BoundKind::kSubscript: return eval_subscript(e, row, ctx);
    case BoundKind::kRowCtor:
    case BoundKind::kArrayCtor: return eval_list_ctor(e, row, ctx);
    case BoundKind::kMapCtor: return eval_map_ctor(e, row, ctx);
  }
  return Value();
}

sql::BoundExprPtr fold_constants(const sql::BoundExprPtr& e, const values::EvalContext& ctx) {
  if (!e || e->kind == BoundKind::kLiteral || e->kind == BoundKind::kInputRef) return e;
  if (sql::is_constant(*e)) {
    try {
      return sql::bound_literal(evaluate(*e, {}, ctx), e->type);
    } catch (const std::exception&) {
      return e;  // evaluated per row, where the error belongs
    }
  }
  std::vector<sql::BoundExprPtr> args;
  args.reserve(e->args.size());
  bool changed = false;
  for (const sql::BoundExprPtr& a : e->args) {
    args.push_back(fold_constants(a, ctx));
    changed = changed || args.back() != a;
  }
  if (!changed) return e;
  auto copy = std::make_shared<sql::BoundExpr>(*e);
  copy->args = std::move(args);
  return copy;
}

}  // namespace careflow::exec
