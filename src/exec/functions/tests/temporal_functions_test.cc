// Examples from https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/dev/table/functions/systemfunctions/#temporal-functions
// unless marked otherwise.

#include "exec/functions/tests/test_util.h"
#include "values/time_zone.h"
#include "values/datetime.h"

namespace careflow::exec::fn::testing {
namespace {

using values::TimeZone;
using values::parse_fixed_offset;

Arg Date(const char* text) {
  return {DataType::date().with_nullable(false), Value::integer(*values::parse_date(text))};
}
Arg Ts(const char* text, int precision = 3) {
  return {DataType::timestamp(precision).with_nullable(false), Value::integer(*values::parse_timestamp_micros(text))};
}
Arg Ltz(int64_t micros) { return {DataType::timestamp_ltz(3).with_nullable(false), Value::integer(micros)}; }
Arg Time(const char* text) {
  return {DataType::time(0).with_nullable(false), Value::integer(*values::parse_time_millis(text))};
}

CallSyntax unit(const char* u) {
  CallSyntax s;
  s.time_unit = u;
  return s;
}

EvalContext zone(const char* tz, int64_t now = 0) {
  EvalContext ctx;
  ctx.time_zone = tz;
  ctx.now_micros = now;
  return ctx;
}

TEST(TemporalFunctions, ExtractAndShorthands) {
  EXPECT_EQ(text("EXTRACT", {Date("2006-06-05")}, unit("DAY")), "5");
  EXPECT_EQ(text("YEAR", {Date("1994-09-27")}), "1994");
  EXPECT_EQ(text("QUARTER", {Date("1994-09-27")}), "3");
  EXPECT_EQ(text("MONTH", {Date("1994-09-27")}), "9");
  EXPECT_EQ(text("WEEK", {Date("1994-09-27")}), "39");
  EXPECT_EQ(text("DAYOFYEAR", {Date("1994-09-27")}), "270");
  EXPECT_EQ(text("DAYOFMONTH", {Date("1994-09-27")}), "27");
  EXPECT_EQ(text("DAYOFWEEK", {Date("1994-09-27")}), "3");
  EXPECT_EQ(text("HOUR", {Ts("1994-09-27 13:14:15")}), "13");
  EXPECT_EQ(text("MINUTE", {Ts("1994-09-27 13:14:15")}), "14");
  EXPECT_EQ(text("SECOND", {Ts("1994-09-27 13:14:15")}), "15");
  EXPECT_EQ(text("HOUR", {Time("13:14:15")}), "13");
  EXPECT_EQ(text("EXTRACT", {Ts("2024-02-29 10:20:30.123")}, unit("MILLISECOND")), "30123");
  EXPECT_EQ(text("EXTRACT", {Ts("2024-02-29 10:20:30")}, unit("DOY")), "60");
  EXPECT_EQ(text("EXTRACT", {Ts("2024-02-29 10:20:30")}, unit("ISODOW")), "4");
  EXPECT_EQ(text("EXTRACT", {Date("2021-01-01")}, unit("WEEK")), "53");
  EXPECT_EQ(text("EXTRACT", {Date("2021-01-01")}, unit("ISOYEAR")), "2020");
  EXPECT_EQ(text("EXTRACT", {Date("1969-12-31")}, unit("EPOCH")), "-86400");
  EXPECT_EQ(text("EXTRACT", {Date("2000-01-01")}, unit("CENTURY")), "20");
  EXPECT_EQ(text("EXTRACT", {Date("2001-01-01")}, unit("MILLENNIUM")), "3");
  // TIMESTAMP_LTZ fields are those of the session time zone.
  EXPECT_EQ(text("HOUR", {Ltz(0)}, {}, zone("Asia/Tokyo")), "9");
  EXPECT_EQ(text("YEAR", {Null(DataType::date())}), "NULL");
  EXPECT_EQ(result_type("YEAR", {Date("1994-09-27")}), "BIGINT NOT NULL");
  EXPECT_EQ(bind_error("EXTRACT", {Time("10:00:00")}, unit("YEAR")), "EXTRACT: cannot extract YEAR from TIME(0) NOT NULL");
  EXPECT_EQ(bind_error("YEAR", {S("x")}), "YEAR expects DATE or TIMESTAMP as argument 1, got STRING NOT NULL");
}

TEST(TemporalFunctions, TimestampAdd) {
  EXPECT_EQ(text("TIMESTAMPADD", {I(1), Date("2003-01-02")}, unit("WEEK")), "2003-01-09");
  EXPECT_EQ(text("TIMESTAMPADD", {I(1), Date("2024-01-31")}, unit("MONTH")), "2024-02-29");
  EXPECT_EQ(text("TIMESTAMPADD", {I(-1), Ts("2024-03-31 10:00:00")}, unit("QUARTER")), "2023-12-31 10:00:00.000");
  EXPECT_EQ(text("TIMESTAMPADD", {I(90), Ts("2024-01-01 23:00:00")}, unit("MINUTE")), "2024-01-02 00:30:00.000");
  EXPECT_EQ(text("TIMESTAMPADD", {I(3), Date("2024-01-01")}, unit("HOUR")), "2024-01-01 03:00:00");
  EXPECT_EQ(result_type("TIMESTAMPADD", {I(3), Date("2024-01-01")}, unit("HOUR")), "TIMESTAMP(0) NOT NULL");
  EXPECT_EQ(text("TIMESTAMPADD", {I(2), Time("23:00:00")}, unit("HOUR")), "01:00:00");
  EXPECT_EQ(bind_error("TIMESTAMPADD", {I(1), Date("2024-01-01")}, unit("FORTNIGHT")),
            "TIMESTAMPADD: unsupported time unit 'FORTNIGHT'");
}

TEST(TemporalFunctions, TimestampDiff) {
  EXPECT_EQ(text("TIMESTAMPDIFF", {Ts("2003-01-02 10:00:00"), Ts("2003-01-03 10:00:00")}, unit("DAY")), "1");
  EXPECT_EQ(text("TIMESTAMPDIFF", {Ts("2003-01-02 10:00:00"), Ts("2003-01-03 09:59:59")}, unit("DAY")), "0");
  EXPECT_EQ(text("TIMESTAMPDIFF", {Ts("2003-01-03 10:00:00"), Ts("2003-01-02 09:00:00")}, unit("HOUR")), "-25");
  // Calcite's subtractMonths: adding one month to Jan 31 reaches Feb 29, so that is one month.
  EXPECT_EQ(text("TIMESTAMPDIFF", {Date("2024-01-31"), Date("2024-02-29")}, unit("MONTH")), "1");
  EXPECT_EQ(text("TIMESTAMPDIFF", {Date("2024-01-31"), Date("2024-02-28")}, unit("MONTH")), "0");
  EXPECT_EQ(text("TIMESTAMPDIFF", {Date("2024-01-31"), Date("2024-03-31")}, unit("MONTH")), "2");
  EXPECT_EQ(text("TIMESTAMPDIFF", {Ts("2020-05-01 12:00:00"), Ts("2024-05-01 11:00:00")}, unit("YEAR")), "3");
  EXPECT_EQ(text("TIMESTAMPDIFF", {Date("2024-01-01"), Ts("2024-01-01 00:00:30")}, unit("SECOND")), "30");
  EXPECT_EQ(result_type("TIMESTAMPDIFF", {Date("2024-01-01"), Date("2024-01-02")}, unit("DAY")), "INT NOT NULL");
}

TEST(TemporalFunctions, DateFormat) {
  EXPECT_EQ(text("DATE_FORMAT", {Ts("2024-01-31 10:00:05.123"), S("yyyy-MM-dd HH:mm:ss.SSS")}), "2024-01-31 10:00:05.123");
  EXPECT_EQ(text("DATE_FORMAT", {Ts("2024-01-31 15:04:05"), S("yy/M/d h:mm a EEE MMM")}), "24/1/31 3:04 PM Wed Jan");
  EXPECT_EQ(text("DATE_FORMAT", {Ts("2024-01-31 15:04:05"), S("EEEE, MMMM dd 'at' HH'h'")}),
            "Wednesday, January 31 at 15h");
  EXPECT_EQ(text("DATE_FORMAT", {S("2024-01-31 15:04:05"), S("yyyyMMdd")}), "20240131");
  EXPECT_EQ(text("DATE_FORMAT", {S("not a date"), S("yyyyMMdd")}), "NULL");
  EXPECT_EQ(text("DATE_FORMAT", {Ltz(0), S("yyyy-MM-dd HH:mm XXX")}, {}, zone("Asia/Tokyo")), "1970-01-01 09:00 +09:00");
  EXPECT_EQ(eval_error("DATE_FORMAT", {Ts("2024-01-31 15:04:05"), S("yyyy qq")}),
            "DATE_FORMAT: unknown pattern letter 'q' in 'yyyy qq'");
}

TEST(TemporalFunctions, ToTimestampToDate) {
  EXPECT_EQ(text("TO_TIMESTAMP", {S("2024-01-31 10:00:05")}), "2024-01-31 10:00:05.000");
  EXPECT_EQ(text("TO_TIMESTAMP", {S("2024-01-31 10:00:05.123456")}), "2024-01-31 10:00:05.123");
  EXPECT_EQ(text("TO_TIMESTAMP", {S("31/01/2024 10h05"), S("dd/MM/yyyy HH'h'mm")}), "2024-01-31 10:05:00.000");
  EXPECT_EQ(text("TO_TIMESTAMP", {S("20240131"), S("yyyyMMdd")}), "2024-01-31 00:00:00.000");
  EXPECT_EQ(text("TO_TIMESTAMP", {S("2024-02-30 10:00:00")}), "NULL");
  EXPECT_EQ(text("TO_TIMESTAMP", {S("garbage"), S("yyyy")}), "NULL");
  EXPECT_EQ(result_type("TO_TIMESTAMP", {S("2024-01-31 10:00:05")}), "TIMESTAMP(3)");
  EXPECT_EQ(text("TO_DATE", {S("2024-01-31")}), "2024-01-31");
  EXPECT_EQ(text("TO_DATE", {S("01/31/2024"), S("MM/dd/yyyy")}), "2024-01-31");
  EXPECT_EQ(text("TO_DATE", {S("2024-13-01")}), "NULL");
  EXPECT_EQ(result_type("TO_DATE", {S("2024-01-31")}), "DATE");
}

TEST(TemporalFunctions, ToTimestampLtz) {
  EXPECT_EQ(call("TO_TIMESTAMP_LTZ", {BI(1700000000), I(0)}).as_int(), 1700000000LL * 1000000);
  EXPECT_EQ(call("TO_TIMESTAMP_LTZ", {BI(1700000000123), I(3)}).as_int(), 1700000000123LL * 1000);
  EXPECT_EQ(call("TO_TIMESTAMP_LTZ", {BI(1700000000123)}).as_int(), 1700000000123LL * 1000);
  EXPECT_EQ(call("TO_TIMESTAMP_LTZ", {D(1.5), I(0)}).as_int(), 1500000);
  EXPECT_EQ(result_type("TO_TIMESTAMP_LTZ", {BI(1), I(3)}), "TIMESTAMP_LTZ(3) NOT NULL");
  EXPECT_EQ(bind_error("TO_TIMESTAMP_LTZ", {BI(1), I(6)}), "TO_TIMESTAMP_LTZ: precision must be 0 or 3, got 6");
  EXPECT_EQ(call("TO_TIMESTAMP_LTZ", {S("1970-01-01 09:00:00"), S("yyyy-MM-dd HH:mm:ss"), S("Asia/Tokyo")}).as_int(), 0);
  EXPECT_EQ(call("TO_TIMESTAMP_LTZ", {S("1970-01-01 00:00:01")}).as_int(), 1000000);
  EXPECT_EQ(text("TO_TIMESTAMP_LTZ", {S("nope")}), "NULL");
}

TEST(TemporalFunctions, UnixTimestampFromUnixtime) {
  // The UNIX_TIMESTAMP examples of the docs, in 'Europe/Berlin'.
  EvalContext berlin = zone("Europe/Berlin");
  EXPECT_EQ(text("UNIX_TIMESTAMP", {S("1970-01-01 08:00:01.001"), S("yyyy-MM-dd HH:mm:ss.SSS")}, {}, berlin), "25201");
  EXPECT_EQ(text("UNIX_TIMESTAMP", {S("1970-01-01 08:00:01.001 +0800"), S("yyyy-MM-dd HH:mm:ss.SSS X")}, {}, berlin), "1");
  EXPECT_EQ(text("UNIX_TIMESTAMP", {S("1970-01-01 08:00:01.001 +0800"), S("yyyy-MM-dd HH:mm:ss.SSS")}, {}, berlin),
            "25201");
  EXPECT_EQ(text("UNIX_TIMESTAMP", {S("1970-01-01 08:00:01.001"), S("yyyy-MM-dd HH:mm:ss.SSS X")}, {}, berlin),
            "-9223372036854775808");
  EXPECT_EQ(text("UNIX_TIMESTAMP", {S("1970-01-01 00:00:10")}), "10");
  EXPECT_EQ(text("UNIX_TIMESTAMP", {}, {}, zone("UTC", 5'500'000)), "5");
  EXPECT_EQ(result_type("UNIX_TIMESTAMP", {}), "BIGINT NOT NULL");
  EXPECT_EQ(text("FROM_UNIXTIME", {BI(44)}), "1970-01-01 00:00:44");
  EXPECT_EQ(text("FROM_UNIXTIME", {BI(44)}, {}, zone("Asia/Tokyo")), "1970-01-01 09:00:44");
  EXPECT_EQ(text("FROM_UNIXTIME", {BI(44), S("HH:mm:ss")}), "00:00:44");
  EXPECT_EQ(text("FROM_UNIXTIME", {Null(DataType::bigint())}), "NULL");
}

TEST(TemporalFunctions, ConvertTz) {
  EXPECT_EQ(text("CONVERT_TZ", {S("1970-01-01 00:00:00"), S("UTC"), S("America/Los_Angeles")}), "1969-12-31 16:00:00");
  EXPECT_EQ(text("CONVERT_TZ", {S("2024-07-01 12:00:00"), S("Europe/Paris"), S("UTC")}), "2024-07-01 10:00:00");
  EXPECT_EQ(text("CONVERT_TZ", {S("2024-01-01 12:00:00"), S("Europe/Paris"), S("GMT-08:00")}), "2024-01-01 03:00:00");
  EXPECT_EQ(text("CONVERT_TZ", {S("2024-01-01 12:00:00"), S("+05:30"), S("UTC")}), "2024-01-01 06:30:00");
  EXPECT_EQ(text("CONVERT_TZ", {S("bad"), S("UTC"), S("UTC")}), "NULL");
}

TEST(TemporalFunctions, TimeZones) {
  auto paris = TimeZone::find("Europe/Paris");
  ASSERT_NE(paris, nullptr);
  const int64_t summer = *values::parse_timestamp_micros("2024-07-01 00:00:00");
  EXPECT_EQ(paris->offset_at_utc(summer), 7200);
  EXPECT_EQ(paris->offset_at_utc(*values::parse_timestamp_micros("2024-01-01 00:00:00")), 3600);
  // 2024-03-31 02:30 does not exist in Paris: java.time moves it to 03:30 +02:00 (01:30 UTC).
  EXPECT_EQ(paris->local_to_utc(*values::parse_timestamp_micros("2024-03-31 02:30:00")),
            *values::parse_timestamp_micros("2024-03-31 01:30:00"));
  // 2024-10-27 02:30 happens twice: the earlier offset (+02:00) wins.
  EXPECT_EQ(paris->local_to_utc(*values::parse_timestamp_micros("2024-10-27 02:30:00")),
            *values::parse_timestamp_micros("2024-10-27 00:30:00"));
  EXPECT_EQ(TimeZone::find("Nowhere/City"), nullptr);
  EXPECT_EQ(TimeZone::find("../../etc/passwd"), nullptr);
  int64_t off = 0;
  EXPECT_TRUE(parse_fixed_offset("GMT+08:00", &off));
  EXPECT_EQ(off, 8 * 3600);
  EXPECT_TRUE(parse_fixed_offset("-0330", &off));
  EXPECT_EQ(off, -(3 * 3600 + 1800));
  EXPECT_FALSE(parse_fixed_offset("PST", &off));
}

TEST(TemporalFunctions, CurrentTime) {
  const int64_t now = *values::parse_timestamp_micros("2024-01-31 23:30:05.123456");
  EvalContext tokyo = zone("Asia/Tokyo", now);
  EXPECT_EQ(call("CURRENT_TIMESTAMP", {}, {}, tokyo).as_int(), *values::parse_timestamp_micros("2024-01-31 23:30:05.123"));
  EXPECT_EQ(result_type("CURRENT_TIMESTAMP", {}), "TIMESTAMP_LTZ(3) NOT NULL");
  EXPECT_EQ(call("NOW", {}, {}, tokyo).as_int(), *values::parse_timestamp_micros("2024-01-31 23:30:05.123"));
  EXPECT_EQ(text("LOCALTIMESTAMP", {}, {}, tokyo), "2024-02-01 08:30:05.123");
  EXPECT_EQ(result_type("LOCALTIMESTAMP", {}), "TIMESTAMP(3) NOT NULL");
  EXPECT_EQ(text("CURRENT_DATE", {}, {}, tokyo), "2024-02-01");
  EXPECT_EQ(text("CURRENT_TIME", {}, {}, tokyo), "08:30:05");
  EXPECT_EQ(text("LOCALTIME", {}, {}, zone("UTC", now)), "23:30:05");
  EXPECT_FALSE(sql::FunctionRegistry::global().scalar("CURRENT_TIMESTAMP")->deterministic);
  EXPECT_EQ(bind_error("NOW", {I(1)}), "NOW expects 0 arguments, got 1");
}

}  // namespace
}  // namespace careflow::exec::fn::testing
