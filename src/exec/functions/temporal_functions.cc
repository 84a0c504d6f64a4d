// Temporal functions: the current time, EXTRACT and its shorthands, TIMESTAMPADD/TIMESTAMPDIFF,
// parsing and formatting with Java patterns, Unix seconds and time zone conversion.
// TIMESTAMP_LTZ values are UTC instants shown in EvalContext.time_zone.
// Reference: https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/dev/table/functions/systemfunctions/#temporal-functions
// and org.apache.flink.table.utils.DateTimeUtils / Calcite's SqlFunctions (subtractMonths).

#include "exec/functions/date_format.h"
#include "exec/functions/helpers.h"
#include "exec/functions/numeric_util.h"
#include "values/time_zone.h"
#include "values/datetime.h"
#include "values/value_format.h"

namespace careflow::exec::fn {

using values::TimeZone;
namespace {

using values::civil_from_days;
using values::days_from_civil;
using values::floor_div;
using values::floor_mod;
using values::kMicrosPerDay;

constexpr int64_t kMicrosPerHour = 3'600'000'000;
constexpr int64_t kMicrosPerMinute = 60'000'000;
constexpr const char* kDefaultFormat = "yyyy-MM-dd HH:mm:ss";

std::shared_ptr<const TimeZone> session_zone(const EvalContext& ctx) { return TimeZone::find_or_utc(ctx.time_zone); }

// A temporal value as local µs since epoch (TIME: µs of day).
int64_t local_micros(const Value& v, const DataType& t, const EvalContext& ctx) {
  switch (t.id) {
    case TypeId::kDate: return v.as_int() * kMicrosPerDay;
    case TypeId::kTime: return v.as_int() * 1000;
    case TypeId::kTimestampLtz: return session_zone(ctx)->utc_to_local(v.as_int());
    default: return v.as_int();
  }
}

Param p_temporal(bool allow_time) {
  return {allow_time ? "DATE, TIME or TIMESTAMP" : "DATE or TIMESTAMP",
          [allow_time](const DataType& t) {
            return t.id == TypeId::kDate || t.is_timestamp() || (allow_time && t.id == TypeId::kTime);
          },
          [](const DataType& t) { return t.id == TypeId::kNull ? DataType::timestamp(3) : t.without_time_attribute(); }};
}

Param p_timestamp_or_string() {
  return {"TIMESTAMP or STRING",
          [](const DataType& t) { return t.is_timestamp() || t.id == TypeId::kDate || t.is_string(); },
          [](const DataType& t) { return t.id == TypeId::kNull ? DataType::string() : t.without_time_attribute(); }};
}

std::string normalize_unit(std::string unit) {
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.starts_with("SQL_TSI_")) unit = unit.substr(8);
  if (unit == "FRAC_SECOND") unit = "MICROSECOND";
  if (unit == "DAYOFWEEK") unit = "DOW";
  if (unit == "DAYOFYEAR") unit = "DOY";
  if (unit == "DAYOFMONTH") unit = "DAY";
  if (unit == "WEEKDAY") unit = "DOW";
  return unit;
}

// ISO-8601 week number and week-based year.
void iso_week(int64_t days, int64_t* week, int64_t* week_year) {
  const int64_t dow = floor_mod(days + 3, 7);  // 0 = Monday
  const int64_t thursday = days - dow + 3;
  const values::CivilDate c = civil_from_days(thursday);
  *week_year = c.year;
  *week = (thursday - days_from_civil(c.year, 1, 1)) / 7 + 1;
}

// EXTRACT(unit FROM local) for a local date-time in µs (TIME: µs of day, with is_time).
bool extract(const std::string& unit, int64_t local, bool is_time, int64_t* out) {
  const int64_t days = floor_div(local, kMicrosPerDay);
  const int64_t of_day = floor_mod(local, kMicrosPerDay);
  const values::CivilDate c = civil_from_days(days);
  if (is_time && unit != "HOUR" && unit != "MINUTE" && unit != "SECOND" && unit != "MILLISECOND" &&
      unit != "MICROSECOND" && unit != "NANOSECOND" && unit != "EPOCH") {
    return false;
  }
  if (unit == "YEAR") *out = c.year;
  else if (unit == "QUARTER") *out = (c.month - 1) / 3 + 1;
  else if (unit == "MONTH") *out = c.month;
  else if (unit == "WEEK") { int64_t y; iso_week(days, out, &y); }
  else if (unit == "ISOYEAR") { int64_t w; iso_week(days, &w, out); }
  else if (unit == "DAY") *out = c.day;
  else if (unit == "DOY") *out = days - days_from_civil(c.year, 1, 1) + 1;
  else if (unit == "DOW") *out = floor_mod(days + 4, 7) + 1;     // Sunday = 1
  else if (unit == "ISODOW") *out = floor_mod(days + 3, 7) + 1;  // Monday = 1
  else if (unit == "HOUR") *out = of_day / kMicrosPerHour;
  else if (unit == "MINUTE") *out = of_day / kMicrosPerMinute % 60;
  else if (unit == "SECOND") *out = of_day / 1'000'000 % 60;
  else if (unit == "MILLISECOND") *out = of_day % kMicrosPerMinute / 1000;
  else if (unit == "MICROSECOND") *out = of_day % kMicrosPerMinute;
  else if (unit == "NANOSECOND") *out = of_day % kMicrosPerMinute * 1000;
  else if (unit == "EPOCH") *out = floor_div(local, 1'000'000);
  else if (unit == "DECADE") *out = floor_div(c.year, 10);
  else if (unit == "CENTURY") *out = c.year > 0 ? (c.year + 99) / 100 : -((-c.year + 99) / 100);
  else if (unit == "MILLENNIUM") *out = c.year > 0 ? (c.year + 999) / 1000 : -((-c.year + 999) / 1000);
  else return false;
  return true;
}

BindFn bind_extract_fn(const char* name, std::string fixed_unit, bool allow_time) {
  return [name, fixed_unit, allow_time](const std::vector<ArgInfo>& args, const CallSyntax& syntax) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params(name, args, {p_temporal(allow_time)}, 1, &types); !s) return s;
    std::string unit = normalize_unit(fixed_unit.empty() ? syntax.time_unit : fixed_unit);
    DataType t = types[0];
    int64_t probe;
    if (!extract(unit, 0, t.id == TypeId::kTime, &probe)) {
      return Status::invalid_argument(fmt::format("{}: cannot extract {} from {}", name, unit.empty() ? "(no unit)" : unit,
                                                  t.to_string()));
    }
    return make_binding(DataType::bigint().with_nullable(t.nullable), types,
                        [unit, t](const Value* a, size_t, const EvalContext& ctx) {
                          int64_t out = 0;
                          extract(unit, local_micros(a[0], t, ctx), t.id == TypeId::kTime, &out);
                          return Value::integer(out);
                        });
  };
}

int64_t add_months_days(int64_t days, int64_t months) {
  values::CivilDate c = civil_from_days(days);
  int64_t total = c.year * 12 + (c.month - 1) + months;
  int64_t y = floor_div(total, 12);
  int m = static_cast<int>(floor_mod(total, 12)) + 1;
  int d = std::min(c.day, values::days_in_month(y, m));
  return days_from_civil(y, m, d);
}

// Calcite's SqlFunctions.subtractMonths(int, int).
int64_t subtract_months_days(int64_t d0, int64_t d1) {
  if (d0 < d1) return -subtract_months_days(d1, d0);
  int64_t m = (d0 - d1) / 31;
  for (;;) {
    if (add_months_days(d1, m) >= d0) return m;
    if (add_months_days(d1, m + 1) > d0) return m;
    ++m;
  }
}

// Calcite's SqlFunctions.subtractMonths(long, long) on µs.
int64_t subtract_months(int64_t t0, int64_t t1) {
  const int64_t r0 = floor_mod(t0, kMicrosPerDay), d0 = floor_div(t0, kMicrosPerDay);
  const int64_t r1 = floor_mod(t1, kMicrosPerDay), d1 = floor_div(t1, kMicrosPerDay);
  int64_t x = subtract_months_days(d0, d1);
  if (add_months_days(d1, x) == d0 && r0 < r1) --x;
  return x;
}

int64_t unit_micros(const std::string& unit) {
  if (unit == "WEEK") return 7 * kMicrosPerDay;
  if (unit == "DAY") return kMicrosPerDay;
  if (unit == "HOUR") return kMicrosPerHour;
  if (unit == "MINUTE") return kMicrosPerMinute;
  if (unit == "SECOND") return 1'000'000;
  if (unit == "MILLISECOND") return 1000;
  if (unit == "MICROSECOND") return 1;
  return 0;
}

int64_t month_factor(const std::string& unit) {
  if (unit == "YEAR") return 12;
  if (unit == "QUARTER") return 3;
  if (unit == "MONTH") return 1;
  return 0;
}

// The value of a temporal argument as µs for TIMESTAMPADD/TIMESTAMPDIFF (LTZ stays an instant).
int64_t micros_of(const Value& v, const DataType& t) {
  if (t.id == TypeId::kDate) return v.as_int() * kMicrosPerDay;
  if (t.id == TypeId::kTime) return v.as_int() * 1000;
  return v.as_int();
}

ScalarFunctionDef now_function(const char* name, const char* signature, const char* description, DataType type,
                               std::function<Value(const EvalContext&)> f) {
  BindFn bind = [name, type, f](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    if (Status s = check_count(name, args, 0, 0); !s) return s;
    return make_binding(type.with_nullable(false), {},
                        [f](const Value*, size_t, const EvalContext& ctx) { return f(ctx); });
  };
  ScalarFunctionDef def{name, signature, description, bind};
  def.deterministic = false;
  return def;
}

int64_t local_now(const EvalContext& ctx) { return session_zone(ctx)->utc_to_local(ctx.now_micros); }

}  // namespace

CF_REGISTER_SCALAR(current_timestamp) {
  return now_function("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP → TIMESTAMP_LTZ(3) NOT NULL",
                      "Returns the current instant, shown in the session time zone.", DataType::timestamp_ltz(3),
                      [](const EvalContext& ctx) { return Value::integer(values::truncate_micros(ctx.now_micros, 3)); });
}

CF_REGISTER_SCALAR(current_watermark) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    if (Status s = check_count("CURRENT_WATERMARK", args, 1, 1); !s) return s;
    const DataType& t = args[0].type;
    if (t.id != TypeId::kTimestamp && t.id != TypeId::kTimestampLtz) {
      return sql::arg_type_error("CURRENT_WATERMARK", 0, "a rowtime attribute", t);
    }
    ScalarBinding b = make_binding(t.with_nullable(true), {t}, [](const Value*, size_t, const EvalContext& ctx) {
      return ctx.watermark_millis == INT64_MIN ? Value() : Value::integer(ctx.watermark_millis * 1000);
    });
    b.null_on_null = false;
    return b;
  };
  ScalarFunctionDef def{"CURRENT_WATERMARK", "CURRENT_WATERMARK(rowtime) → the rowtime's type, NULL before any watermark",
                        "The watermark of the operator evaluating the call (what has arrived up to now in event time); "
                        "NULL while there is none.",
                        bind};
  def.deterministic = false;
  return def;
}

CF_REGISTER_SCALAR(now) {
  return now_function("NOW", "NOW() → TIMESTAMP_LTZ(3) NOT NULL", "Returns the current instant; same as CURRENT_TIMESTAMP.",
                      DataType::timestamp_ltz(3),
                      [](const EvalContext& ctx) { return Value::integer(values::truncate_micros(ctx.now_micros, 3)); });
}

CF_REGISTER_SCALAR(current_row_timestamp) {
  return now_function("CURRENT_ROW_TIMESTAMP", "CURRENT_ROW_TIMESTAMP() → TIMESTAMP_LTZ(3) NOT NULL",
                      "Returns the current instant, evaluated for each row.", DataType::timestamp_ltz(3),
                      [](const EvalContext& ctx) { return Value::integer(values::truncate_micros(ctx.now_micros, 3)); });
}

CF_REGISTER_SCALAR(localtimestamp) {
  return now_function("LOCALTIMESTAMP", "LOCALTIMESTAMP → TIMESTAMP(3) NOT NULL",
                      "Returns the current date-time in the session time zone.", DataType::timestamp(3),
                      [](const EvalContext& ctx) { return Value::integer(values::truncate_micros(local_now(ctx), 3)); });
}

CF_REGISTER_SCALAR(current_date) {
  return now_function("CURRENT_DATE", "CURRENT_DATE → DATE NOT NULL", "Returns the current date in the session time zone.",
                      DataType::date(),
                      [](const EvalContext& ctx) { return Value::integer(floor_div(local_now(ctx), kMicrosPerDay)); });
}

CF_REGISTER_SCALAR(current_time) {
  auto f = [](const EvalContext& ctx) {
    return Value::integer(floor_mod(local_now(ctx), kMicrosPerDay) / 1'000'000 * 1000);
  };
  sql::FunctionRegistry::global().add(now_function("LOCALTIME", "LOCALTIME → TIME(0) NOT NULL",
                                                   "Returns the current time of day in the session time zone.",
                                                   DataType::time(0), f));
  return now_function("CURRENT_TIME", "CURRENT_TIME → TIME(0) NOT NULL",
                      "Returns the current time of day in the session time zone; same as LOCALTIME.", DataType::time(0), f);
}

CF_REGISTER_SCALAR(extract) {
  return ScalarFunctionDef{"EXTRACT", "EXTRACT(unit FROM DATE | TIME | TIMESTAMP) → BIGINT",
                           "Returns a field (YEAR, QUARTER, MONTH, WEEK, DAY, DOY, DOW, ISODOW, HOUR, MINUTE, SECOND, "
                           "MILLISECOND, MICROSECOND, EPOCH, ...) of a temporal value.",
                           bind_extract_fn("EXTRACT", "", true)};
}

namespace {

struct Shorthand {
  const char* name;
  const char* unit;
  bool allow_time;
  const char* description;
};

const Shorthand kShorthands[] = {
    {"YEAR", "YEAR", false, "Returns the year of a date; EXTRACT(YEAR FROM x)."},
    {"QUARTER", "QUARTER", false, "Returns the quarter (1..4) of a date; EXTRACT(QUARTER FROM x)."},
    {"MONTH", "MONTH", false, "Returns the month (1..12) of a date; EXTRACT(MONTH FROM x)."},
    {"WEEK", "WEEK", false, "Returns the ISO week of the year (1..53) of a date; EXTRACT(WEEK FROM x)."},
    {"DAYOFYEAR", "DOY", false, "Returns the day of the year (1..366) of a date; EXTRACT(DOY FROM x)."},
    {"DAYOFMONTH", "DAY", false, "Returns the day of the month (1..31) of a date; EXTRACT(DAY FROM x)."},
    {"DAYOFWEEK", "DOW", false, "Returns the day of the week (1 = Sunday .. 7) of a date; EXTRACT(DOW FROM x)."},
    {"HOUR", "HOUR", true, "Returns the hour (0..23) of a time or timestamp; EXTRACT(HOUR FROM x)."},
    {"MINUTE", "MINUTE", true, "Returns the minute (0..59) of a time or timestamp; EXTRACT(MINUTE FROM x)."},
    {"SECOND", "SECOND", true, "Returns the second (0..59) of a time or timestamp; EXTRACT(SECOND FROM x)."},
};

[[maybe_unused]] const bool kShorthandsRegistered = [] {
  for (const Shorthand& s : kShorthands) {
    sql::FunctionRegistry::global().add(ScalarFunctionDef{
        s.name, fmt::format("{}({}) → BIGINT", s.name, s.allow_time ? "TIME | TIMESTAMP" : "DATE | TIMESTAMP"),
        s.description, bind_extract_fn(s.name, s.unit, s.allow_time)});
  }
  return true;
}();

}  // namespace

CF_REGISTER_SCALAR(timestampadd) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax& syntax) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params("TIMESTAMPADD", args, {p_integer(), p_temporal(true)}, 2, &types); !s) return s;
    std::string unit = normalize_unit(syntax.time_unit);
    const int64_t months = month_factor(unit), step = unit_micros(unit);
    if (months == 0 && step == 0) {
      return Status::invalid_argument(fmt::format("TIMESTAMPADD: unsupported time unit '{}'", syntax.time_unit));
    }
    DataType t = types[1];
    DataType result = t;
    if (t.id == TypeId::kDate && step != 0 && step < kMicrosPerDay) {
      result = DataType::timestamp(unit == "MICROSECOND" ? 6 : unit == "MILLISECOND" ? 3 : 0);
    }
    if (t.id == TypeId::kTime && (months != 0 || step >= kMicrosPerDay)) {
      return Status::invalid_argument(fmt::format("TIMESTAMPADD: cannot add {} to a TIME", unit));
    }
    result = result.with_nullable(sql::any_nullable(args));
    return make_binding(result, types, [months, step, t, result](const Value* a, size_t, const EvalContext&) {
      const int64_t n = a[0].as_int();
      int64_t v = micros_of(a[1], t);
      if (months != 0) {
        int64_t day_part = floor_div(v, kMicrosPerDay), rest = floor_mod(v, kMicrosPerDay);
        v = add_months_days(day_part, n * months) * kMicrosPerDay + rest;
      } else {
        int64_t delta;
        if (__builtin_mul_overflow(n, step, &delta) || __builtin_add_overflow(v, delta, &v)) {
          fail("TIMESTAMPADD: adding {} units overflows the timestamp range", n);
        }
      }
      switch (result.id) {
        case TypeId::kDate: return Value::integer(floor_div(v, kMicrosPerDay));
        case TypeId::kTime: return Value::integer(floor_mod(v, kMicrosPerDay) / 1000);
        default: return Value::integer(v);
      }
    });
  };
  return ScalarFunctionDef{"TIMESTAMPADD", "TIMESTAMPADD(unit, INT count, DATE | TIME | TIMESTAMP) → same temporal type",
                           "Adds count units (YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, ...) to a "
                           "temporal value; month arithmetic keeps the day within the month.",
                           bind};
}

CF_REGISTER_SCALAR(timestampdiff) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax& syntax) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params("TIMESTAMPDIFF", args, {p_temporal(false), p_temporal(false)}, 2, &types); !s) return s;
    std::string unit = normalize_unit(syntax.time_unit);
    const int64_t months = month_factor(unit), step = unit_micros(unit);
    if (months == 0 && step == 0) {
      return Status::invalid_argument(fmt::format("TIMESTAMPDIFF: unsupported time unit '{}'", syntax.time_unit));
    }
    DataType t0 = types[0], t1 = types[1];
    return make_binding(DataType::integer().with_nullable(sql::any_nullable(args)), types,
                        [months, step, t0, t1](const Value* a, size_t, const EvalContext&) {
                          int64_t from = micros_of(a[0], t0), to = micros_of(a[1], t1);
                          if (months != 0) return Value::integer(subtract_months(to, from) / months);
                          return Value::integer((to - from) / step);
                        });
  };
  return ScalarFunctionDef{"TIMESTAMPDIFF", "TIMESTAMPDIFF(unit, DATE | TIMESTAMP, DATE | TIMESTAMP) → INT",
                           "Returns the signed number of whole units between the first and the second temporal value.",
                           bind};
}

CF_REGISTER_SCALAR(date_format) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params("DATE_FORMAT", args, {p_timestamp_or_string(), p_string()}, 2, &types); !s) return s;
    DataType t = types[0];
    // A constant pattern is split into its letters once, here, not for every row.
    std::shared_ptr<const DateTimePattern> constant;
    if (const Value* c = constant_of(args[1])) constant = std::make_shared<const DateTimePattern>(c->as_string());
    return make_in_place_binding(DataType::string(), types, [t, constant](const auto& a, size_t, const EvalContext& ctx) -> Value {
      int64_t local;
      if (t.is_string()) {
        auto parsed = values::parse_timestamp_micros(a[0].as_string());
        if (!parsed) return Value();
        local = *parsed;
      } else {
        local = local_micros(a[0], t, ctx);
      }
      std::optional<DateTimePattern> per_row;
      const DateTimePattern& pattern = constant ? *constant : per_row.emplace(a[1].as_string());
      // The session zone only matters for TIMESTAMP_LTZ's offset and the zone letters.
      if (t.id != TypeId::kTimestampLtz && !pattern.uses_zone()) return Value::string(pattern.format(local));
      auto zone = session_zone(ctx);
      int64_t offset = t.id == TypeId::kTimestampLtz ? zone->offset_at_utc(a[0].as_int()) : 0;
      return Value::string(pattern.format(local, offset, zone->id(), "DATE_FORMAT"));
    });
  };
  return ScalarFunctionDef{"DATE_FORMAT", "DATE_FORMAT(TIMESTAMP | STRING, STRING format) → STRING",
                           "Formats a timestamp (or a 'yyyy-MM-dd HH:mm:ss' string) with a Java date-time pattern.",
                           bind};
}

CF_REGISTER_SCALAR(to_timestamp) {
  return ScalarFunctionDef{"TO_TIMESTAMP", "TO_TIMESTAMP(STRING [, STRING format]) → TIMESTAMP(3)",
                           "Parses a date-time string (format 'yyyy-MM-dd HH:mm:ss' by default); NULL when it does not "
                           "parse.",
                           [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
                             std::vector<DataType> types;
                             if (Status s = check_params("TO_TIMESTAMP", args, {p_string(), p_string()}, 1, &types); !s) {
                               return s;
                             }
                             return make_binding(DataType::timestamp(3), types,
                                                 [](const Value* a, size_t n, const EvalContext&) -> Value {
                                                   std::optional<int64_t> micros;
                                                   if (n == 1) {
                                                     micros = values::parse_timestamp_micros(a[0].as_string());
                                                   } else if (auto p = parse_datetime(a[1].as_string(), a[0].as_string())) {
                                                     micros = p->local_micros;
                                                   }
                                                   if (!micros) return Value();
                                                   return Value::integer(values::truncate_micros(*micros, 3));
                                                 });
                           }};
}

CF_REGISTER_SCALAR(to_date) {
  return ScalarFunctionDef{"TO_DATE", "TO_DATE(STRING [, STRING format]) → DATE",
                           "Parses a date string (format 'yyyy-MM-dd' by default); NULL when it does not parse.",
                           [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
                             std::vector<DataType> types;
                             if (Status s = check_params("TO_DATE", args, {p_string(), p_string()}, 1, &types); !s) return s;
                             return make_binding(DataType::date(), types,
                                                 [](const Value* a, size_t n, const EvalContext&) -> Value {
                                                   auto p = parse_datetime(n == 1 ? "yyyy-MM-dd" : a[1].as_string(),
                                                                           a[0].as_string());
                                                   if (!p) return Value();
                                                   return Value::integer(floor_div(p->local_micros, kMicrosPerDay));
                                                 });
                           }};
}

CF_REGISTER_SCALAR(to_timestamp_ltz) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    if (Status s = check_count("TO_TIMESTAMP_LTZ", args, 1, 3); !s) return s;
    std::vector<DataType> types;
    if (args[0].type.is_numeric()) {
      if (Status s = check_params("TO_TIMESTAMP_LTZ", args, {p_numeric(), p_integer()}, 1, &types); !s) return s;
      if (args.size() > 1) {
        if (const Value* c = constant_of(args[1]); c && c->as_int() != 0 && c->as_int() != 3) {
          return Status::invalid_argument(
              fmt::format("TO_TIMESTAMP_LTZ: precision must be 0 or 3, got {}", c->as_int()));
        }
      }
      DataType t = types[0];
      return make_binding(DataType::timestamp_ltz(3).with_nullable(sql::any_nullable(args)), types,
                          [t](const Value* a, size_t n, const EvalContext&) -> Value {
                            int64_t precision = n > 1 ? a[1].as_int() : 3;
                            if (precision != 0 && precision != 3) {
                              fail("TO_TIMESTAMP_LTZ: precision must be 0 or 3, got {}", precision);
                            }
                            const double scale = precision == 0 ? 1e6 : 1e3;
                            if (t.is_integer()) {
                              int64_t micros;
                              if (__builtin_mul_overflow(a[0].as_int(), static_cast<int64_t>(scale), &micros)) {
                                return Value();  // beyond the range of TIMESTAMP_LTZ
                              }
                              return Value::integer(micros);
                            }
                            double micros = numeric_as_double(a[0], t) * scale;
                            if (!(std::abs(micros) < 9.2e18)) return Value();
                            return Value::integer(values::truncate_micros(static_cast<int64_t>(micros), 3));
                          });
    }
    if (Status s = check_params("TO_TIMESTAMP_LTZ", args, {p_string(), p_string(), p_string()}, 1, &types); !s) {
      return Status::invalid_argument(fmt::format(
          "TO_TIMESTAMP_LTZ expects (NUMERIC [, INT precision]) or (STRING [, STRING format [, STRING time zone]]), "
          "got {}",
          args[0].type.to_string()));
    }
    return make_binding(DataType::timestamp_ltz(3), types, [](const Value* a, size_t n, const EvalContext&) -> Value {
      std::optional<int64_t> local;
      std::optional<int64_t> offset;
      if (n == 1) {
        local = values::parse_timestamp_micros(a[0].as_string());
      } else if (auto p = parse_datetime(a[1].as_string(), a[0].as_string())) {
        local = p->local_micros;
        offset = p->offset_seconds;
      }
      if (!local) return Value();
      auto zone = TimeZone::find(n > 2 ? std::string_view(a[2].as_string()) : std::string_view("UTC"));
      if (!zone) return Value();
      int64_t utc = offset ? *local - *offset * 1'000'000 : zone->local_to_utc(*local);
      return Value::integer(values::truncate_micros(utc, 3));
    });
  };
  return ScalarFunctionDef{"TO_TIMESTAMP_LTZ",
                           "TO_TIMESTAMP_LTZ(NUMERIC [, INT precision]) | TO_TIMESTAMP_LTZ(STRING [, STRING format [, "
                           "STRING time zone]]) → TIMESTAMP_LTZ(3)",
                           "Converts epoch seconds (precision 0) or milliseconds (precision 3, the default), or a "
                           "date-time string in a time zone (UTC by default), to a TIMESTAMP_LTZ.",
                           bind};
}

CF_REGISTER_SCALAR(unix_timestamp) {
  BindFn bind = [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
    std::vector<DataType> types;
    if (Status s = check_params("UNIX_TIMESTAMP", args, {p_string(), p_string()}, 0, &types); !s) return s;
    if (args.empty()) {
      return make_binding(DataType::bigint().with_nullable(false), {}, [](const Value*, size_t, const EvalContext& ctx) {
        return Value::integer(floor_div(ctx.now_micros, 1'000'000));
      });
    }
    return make_binding(DataType::bigint().with_nullable(sql::any_nullable(args)), types,
                        [](const Value* a, size_t n, const EvalContext& ctx) {
                          auto p = parse_datetime(n > 1 ? a[1].as_string() : kDefaultFormat, a[0].as_string(), true);
                          if (!p) return Value::integer(INT64_MIN);
                          int64_t utc = p->offset_seconds ? p->local_micros - *p->offset_seconds * 1'000'000
                                                          : session_zone(ctx)->local_to_utc(p->local_micros);
                          return Value::integer(floor_div(utc, 1'000'000));
                        });
  };
  ScalarFunctionDef def{"UNIX_TIMESTAMP", "UNIX_TIMESTAMP([STRING [, STRING format]]) → BIGINT",
                        "Returns the current Unix time in seconds, or that of a date-time string (format 'yyyy-MM-dd "
                        "HH:mm:ss' by default) in the session time zone; Long.MIN_VALUE when it does not parse.",
                        bind};
  def.deterministic = false;
  return def;
}

CF_REGISTER_SCALAR(from_unixtime) {
  return ScalarFunctionDef{"FROM_UNIXTIME", "FROM_UNIXTIME(NUMERIC seconds [, STRING format]) → STRING",
                           "Formats Unix seconds as a date-time string in the session time zone (format 'yyyy-MM-dd "
                           "HH:mm:ss' by default).",
                           bind_fixed(
                               "FROM_UNIXTIME", {p_numeric(), p_string()}, DataType::string(),
                               [](const Value* a, size_t n, const EvalContext& ctx) {
                                 const Value& v = a[0];
                                 int64_t secs = v.is_int() ? v.as_int()
                                                : v.is_double() ? static_cast<int64_t>(v.as_double())
                                                                : static_cast<int64_t>(values::decimal_to_double(v.as_decimal(), 0));
                                 auto zone = session_zone(ctx);
                                 int64_t utc = secs * 1'000'000;
                                 return Value::string(format_datetime(n > 1 ? a[1].as_string() : kDefaultFormat,
                                                                      zone->utc_to_local(utc), zone->offset_at_utc(utc),
                                                                      zone->id(), "FROM_UNIXTIME"));
                               },
                               1)};
}

CF_REGISTER_SCALAR(convert_tz) {
  return ScalarFunctionDef{"CONVERT_TZ", "CONVERT_TZ(STRING datetime, STRING from_tz, STRING to_tz) → STRING",
                           "Converts a 'yyyy-MM-dd HH:mm:ss' date-time from one time zone to another (unknown zones "
                           "are GMT, as java.util.TimeZone treats them).",
                           [](const std::vector<ArgInfo>& args, const CallSyntax&) -> Result<ScalarBinding> {
                             std::vector<DataType> types;
                             if (Status s = check_params("CONVERT_TZ", args, {p_string(), p_string(), p_string()}, 3, &types);
                                 !s) {
                               return s;
                             }
                             return make_binding(DataType::string(), types,
                                                 [](const Value* a, size_t, const EvalContext&) -> Value {
                                                   auto local = values::parse_timestamp_micros(a[0].as_string());
                                                   if (!local) return Value();
                                                   int64_t utc = TimeZone::find_or_utc(a[1].as_string())->local_to_utc(*local);
                                                   auto to = TimeZone::find_or_utc(a[2].as_string());
                                                   return Value::string(format_datetime(kDefaultFormat, to->utc_to_local(utc)));
                                                 });
                           }};
}

}  // namespace careflow::exec::fn
