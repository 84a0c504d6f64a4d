// 'table.exec.state.ttl' on a clock moved by hand, as Flink's GroupAggFunction and
// StreamingJoinOperator behave with a StateTtlConfig of OnCreateAndWrite / NeverReturnExpired:
// state last written TTL or more ago is gone, so a key starts afresh (+I, no retraction of the
// old result), a retraction for it is ignored, and a join row no longer matches an expired row.
#include <gtest/gtest.h>

#include <functional>

#include "exec/operators/operators.h"
#include "exec/session.h"
#include "sql/functions.h"

namespace careflow::exec {
namespace {

using values::DataType;

class StateTtlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sink_.set_context(&ctx_);
  }
  void start(Operator& op, std::vector<DataType> types) {
    op.set_context(&ctx_);
    op.connect(&sink_, 0);
    types_ = std::move(types);
  }
  // Pushes one row at the current processing time; returns what came out for it.
  std::vector<std::string> push(Operator& op, int port, RowKind kind, std::vector<Value> fields) {
    const size_t before = sink_.rows().size();
    RowBatch batch{Row{kind, std::move(fields)}};
    op.push_batch(port, batch);
    std::vector<std::string> out;
    for (size_t i = before; i < sink_.rows().size(); ++i) out.push_back(format_row(sink_.rows()[i], types_));
    return out;
  }
  StateTtl ttl(int64_t ms) {
    return StateTtl(ms, [this] { return now_; });
  }
  // Every one of the operator's `inputs` moves its watermark to `ms`; what the timers emitted.
  std::vector<std::string> watermark(Operator& op, int64_t ms, int inputs = 1) {
    const size_t before = sink_.rows().size();
    for (int i = 0; i < inputs; ++i) op.push_watermark(i, ms);
    std::vector<std::string> out;
    for (size_t i = before; i < sink_.rows().size(); ++i) out.push_back(format_row(sink_.rows()[i], types_));
    return out;
  }
  static sql::AggCall agg(const char* name, std::vector<int> args, std::vector<values::DataType> types) {
    sql::AggCall call;
    call.name = name;
    std::vector<sql::ArgInfo> infos;
    for (const auto& t : types) infos.push_back({t, std::nullopt});
    auto binding = sql::FunctionRegistry::global().aggregate(name)->bind(infos, false);
    EXPECT_TRUE(binding.is_ok());
    call.binding = *binding;
    call.args = std::move(args);
    return call;
  }

  int64_t now_ = 1'000'000;
  values::EvalContext ctx_;
  CollectSink sink_;
  std::vector<DataType> types_;
};

using Strings = std::vector<std::string>;

TEST_F(StateTtlTest, GroupAggregateStartsAnExpiredKeyAfresh) {
  OperatorPtr op = make_group_aggregate({0}, {agg("SUM", {1}, {DataType::integer()})}, ttl(1'000));
  start(*op, {DataType::string(), DataType::integer()});
  EXPECT_EQ(push(*op, 0, RowKind::kInsert, {Value::string("a"), Value::integer(5)}), Strings{"+I[a, 5]"});
  now_ += 999;  // written 999 ms ago: still there
  EXPECT_EQ(push(*op, 0, RowKind::kInsert, {Value::string("a"), Value::integer(1)}), (Strings{"-U[a, 5]", "+U[a, 6]"}));
  // With a TTL an unchanged result is still sent (GroupAggFunction refreshes downstream state).
  EXPECT_EQ(push(*op, 0, RowKind::kInsert, {Value::string("a"), Value::integer(0)}), (Strings{"-U[a, 6]", "+U[a, 6]"}));
  now_ += 1'000;  // last written exactly a TTL ago: expired
  EXPECT_EQ(push(*op, 0, RowKind::kDelete, {Value::string("a"), Value::integer(1)}), Strings{});
  EXPECT_EQ(push(*op, 0, RowKind::kInsert, {Value::string("a"), Value::integer(2)}), Strings{"+I[a, 2]"});
}

TEST_F(StateTtlTest, GroupAggregateWithoutTtlKeepsStateAndSkipsUnchangedResults) {
  OperatorPtr op = make_group_aggregate({0}, {agg("SUM", {1}, {DataType::integer()})}, ttl(0));
  start(*op, {DataType::string(), DataType::integer()});
  push(*op, 0, RowKind::kInsert, {Value::string("a"), Value::integer(5)});
  now_ += 100'000'000;
  EXPECT_EQ(push(*op, 0, RowKind::kInsert, {Value::string("a"), Value::integer(0)}), Strings{});
  EXPECT_EQ(push(*op, 0, RowKind::kInsert, {Value::string("a"), Value::integer(1)}), (Strings{"-U[a, 5]", "+U[a, 6]"}));
}

TEST_F(StateTtlTest, JoinRowsExpireOneByOneAfterTheirLastWrite) {
  OperatorPtr op = make_streaming_join(sql::JoinType::kInner, {0}, {0}, nullptr, 2, 2, ttl(1'000));
  start(*op, {DataType::integer(), DataType::string(), DataType::integer(), DataType::string()});
  push(*op, 0, RowKind::kInsert, {Value::integer(1), Value::string("old")});
  now_ += 600;
  push(*op, 0, RowKind::kInsert, {Value::integer(1), Value::string("new")});
  now_ += 500;  // "old" written 1100 ms ago: expired; "new" 500 ms ago: alive
  EXPECT_EQ(push(*op, 1, RowKind::kInsert, {Value::integer(1), Value::string("r")}), Strings{"+I[1, new, 1, r]"});
  // Joining a row reads it but does not write it: "new" expires a TTL after it arrived.
  now_ += 500;
  EXPECT_EQ(push(*op, 1, RowKind::kInsert, {Value::integer(1), Value::string("r2")}), Strings{});
  // The right rows are still alive (written 500 ms and 0 ms ago).
  EXPECT_EQ(push(*op, 0, RowKind::kInsert, {Value::integer(1), Value::string("l")}),
            (Strings{"+I[1, l, 1, r]", "+I[1, l, 1, r2]"}));
}

TEST_F(StateTtlTest, LeftJoinPadsARowWhoseMatchExpired) {
  OperatorPtr op = make_streaming_join(sql::JoinType::kLeft, {0}, {0}, nullptr, 2, 2, ttl(1'000));
  start(*op, {DataType::integer(), DataType::string(), DataType::integer(), DataType::string()});
  push(*op, 1, RowKind::kInsert, {Value::integer(1), Value::string("r")});
  now_ += 1'000;
  EXPECT_EQ(push(*op, 0, RowKind::kInsert, {Value::integer(1), Value::string("l")}), Strings{"+I[1, l, NULL, NULL]"});
  // A new right row joins the left one, whose association count it writes (and so refreshes).
  now_ += 900;
  EXPECT_EQ(push(*op, 1, RowKind::kInsert, {Value::integer(1), Value::string("r2")}),
            (Strings{"-D[1, l, NULL, NULL]", "+I[1, l, 1, r2]"}));
  now_ += 900;  // "l" was written 900 ms ago (its association count), 1800 ms after it arrived
  EXPECT_EQ(push(*op, 1, RowKind::kDelete, {Value::integer(1), Value::string("r2")}),
            (Strings{"-D[1, l, 1, r2]", "+I[1, l, NULL, NULL]"}));
}

TEST_F(StateTtlTest, ChangelogNormalizeForgetsAnExpiredKeyAndResendsAnIdenticalRow) {
  OperatorPtr op = make_changelog_normalize({0}, true, ttl(1'000));
  start(*op, {DataType::string(), DataType::integer()});
  EXPECT_EQ(push(*op, 0, RowKind::kInsert, {Value::string("k"), Value::integer(1)}), Strings{"+I[k, 1]"});
  // Without a TTL an identical +I is skipped; with one it refreshes downstream state.
  EXPECT_EQ(push(*op, 0, RowKind::kInsert, {Value::string("k"), Value::integer(1)}), (Strings{"-U[k, 1]", "+U[k, 1]"}));
  now_ += 1'000;
  EXPECT_EQ(push(*op, 0, RowKind::kDelete, {Value::string("k"), Value()}), Strings{});  // nothing left to delete
  EXPECT_EQ(push(*op, 0, RowKind::kUpdateAfter, {Value::string("k"), Value::integer(2)}), Strings{"+I[k, 2]"});
}

TEST_F(StateTtlTest, DeduplicateKeepFirstEmitsAKeyAgainOnceItsStateExpired) {
  sql::PlanNode input;
  input.kind = sql::PlanKind::kSource;
  input.schema = {{"k", DataType::string()}, {"proc", DataType::timestamp_ltz(3)}};
  input.schema[1].type.time_attribute = values::TimeAttribute::kProctime;
  sql::PlanNode dedup;
  dedup.kind = sql::PlanKind::kDeduplicate;
  dedup.inputs = {std::make_shared<sql::PlanNode>(input)};
  dedup.partition_keys = {0};
  dedup.order = {sql::SortKey{1}};
  OperatorPtr op = make_deduplicate(dedup, true, ttl(1'000));
  start(*op, {DataType::string(), DataType::timestamp_ltz(3)});
  EXPECT_EQ(push(*op, 0, RowKind::kInsert, {Value::string("k"), Value::integer(1)}).size(), 1u);
  now_ += 999;
  EXPECT_EQ(push(*op, 0, RowKind::kInsert, {Value::string("k"), Value::integer(2)}).size(), 0u);
  now_ += 1;  // a duplicate reads the state but does not write it: a TTL after the first row
  EXPECT_EQ(push(*op, 0, RowKind::kInsert, {Value::string("k"), Value::integer(3)}).size(), 1u);
}

TEST_F(StateTtlTest, SemiJoinNoLongerSeesAnExpiredMatch) {
  OperatorPtr op = make_semi_anti_join(false, {0}, {0}, nullptr, 2, ttl(1'000));
  start(*op, {DataType::integer(), DataType::string()});
  push(*op, 1, RowKind::kInsert, {Value::integer(1), Value::string("r")});
  now_ += 999;
  EXPECT_EQ(push(*op, 0, RowKind::kInsert, {Value::integer(1), Value::string("a")}), Strings{"+I[1, a]"});
  now_ += 1;
  EXPECT_EQ(push(*op, 0, RowKind::kInsert, {Value::integer(1), Value::string("b")}), Strings{});
}

// The event-time temporal join (Flink's TemporalRowTimeJoinOperator with min retention = the TTL,
// max = 1.5 x it): a key's state goes a max retention after the last row or fired timer that moved
// its cleanup time; a later row then finds no version (LEFT pads it).
class TemporalJoinTtlTest : public StateTtlTest {
 protected:
  OperatorPtr make(int64_t ttl_ms) {
    auto side = [](const char* time) {
      auto n = std::make_shared<sql::PlanNode>();
      n->kind = sql::PlanKind::kSource;
      n->schema = {{"k", DataType::string()}, {time, DataType::timestamp(3)}, {"v", DataType::string()}};
      return n;
    };
    node_.kind = sql::PlanKind::kTemporalJoin;
    node_.inputs = {side("lt"), side("rt")};
    node_.join_type = sql::JoinType::kLeft;
    node_.left_keys = {0};
    node_.right_keys = {0};
    node_.rowtime_index = 1;
    node_.right_rowtime_index = 1;
    OperatorPtr op = make_temporal_row_time_join(node_, ttl(ttl_ms));
    start(*op, {DataType::string(), DataType::timestamp(3), DataType::string(), DataType::string(),
                DataType::timestamp(3), DataType::string()});
    return op;
  }
  static std::vector<Value> row(const char* k, int64_t ms, const char* v) {
    return {Value::string(k), Value::integer(ms * 1000), Value::string(v)};
  }
  Strings watermark(Operator& op, int64_t ms) { return StateTtlTest::watermark(op, ms, 2); }  // both inputs
  sql::PlanNode node_;
};

TEST_F(TemporalJoinTtlTest, AKeysVersionsGoAMaxRetentionAfterItsLastActivity) {
  OperatorPtr op = make(1'000);  // min 1000 ms, max 1500 ms
  push(*op, 1, RowKind::kInsert, row("k", 10, "v1"));  // cleanup at +1500
  push(*op, 0, RowKind::kInsert, row("k", 20, "a"));   // now + 1000 is not past it: unchanged
  EXPECT_EQ(watermark(*op, 20), Strings{"+I[k, 1970-01-01 00:00:00.020, a, k, 1970-01-01 00:00:00.010, v1]"});
  now_ += 1'499;  // 1 ms before the cleanup: still there, and the row moves it to +1499 + 1500
  push(*op, 0, RowKind::kInsert, row("k", 30, "b"));
  EXPECT_EQ(watermark(*op, 30), Strings{"+I[k, 1970-01-01 00:00:00.030, b, k, 1970-01-01 00:00:00.010, v1]"});
  now_ += 1'499;
  push(*op, 0, RowKind::kInsert, row("k", 40, "c"));  // +2998: alive; moved to +2998 + 1500
  EXPECT_EQ(watermark(*op, 40), Strings{"+I[k, 1970-01-01 00:00:00.040, c, k, 1970-01-01 00:00:00.010, v1]"});
  now_ += 1'500;  // the cleanup time: the key's state is dropped
  push(*op, 0, RowKind::kInsert, row("k", 50, "d"));
  EXPECT_EQ(watermark(*op, 50), Strings{"+I[k, 1970-01-01 00:00:00.050, d, NULL, NULL, NULL]"});
}

TEST_F(TemporalJoinTtlTest, AWaitingRowGoesWithTheStateAndATtlOfOneMillisecondCleansNothing) {
  OperatorPtr op = make(1'000);
  push(*op, 1, RowKind::kInsert, row("k", 10, "v1"));
  push(*op, 0, RowKind::kInsert, row("k", 100, "late"));  // waits for watermark 100
  now_ += 1'500;
  // Flink's cleanup timer dropped the waiting row with the versions: its event timer finds nothing.
  EXPECT_EQ(watermark(*op, 100), Strings{});
  OperatorPtr forever = make(1);  // Flink: stateCleaningEnabled only for a retention over 1 ms
  push(*forever, 1, RowKind::kInsert, row("k", 10, "v1"));
  now_ += 100'000'000;
  push(*forever, 0, RowKind::kInsert, row("k", 20, "a"));
  EXPECT_EQ(watermark(*forever, 20), Strings{"+I[k, 1970-01-01 00:00:00.020, a, k, 1970-01-01 00:00:00.010, v1]"});
}

// OVER aggregation (Flink's over functions with KeyedProcessFunctionWithCleanupState): a key with no
// row waiting for a watermark is dropped a max retention (1.5 x the TTL) after its last row or fired
// timer, so its running SUM starts again; one with rows waiting is kept. RANGE n PRECEDING keeps
// its own event-time cleanup only, as in Flink.
class OverTtlTest : public StateTtlTest {
 protected:
  OperatorPtr make(int64_t ttl_ms, sql::OverFrameSpec frame) {
    node_.kind = sql::PlanKind::kOverAggregate;
    node_.partition_keys = {0};
    node_.aggs = {agg("SUM", {1}, {DataType::integer()})};
    node_.rowtime_index = 2;
    node_.over = frame;
    OperatorPtr op = make_over_aggregate(node_, ttl(ttl_ms));
    start(*op, {DataType::string(), DataType::integer(), DataType::timestamp(3), DataType::integer()});
    return op;
  }
  static std::vector<Value> row(int64_t x, int64_t ms) {
    return {Value::string("k"), Value::integer(x), Value::integer(ms * 1000)};
  }
  sql::PlanNode node_;
};

TEST_F(OverTtlTest, UnboundedFrameStartsAgainOnceTheKeyWasIdleForAMaxRetention) {
  for (const bool rows : {true, false}) {
    SCOPED_TRACE(rows ? "ROWS" : "RANGE");
    OperatorPtr op = make(1'000, {rows, true, 0});
    push(*op, 0, RowKind::kInsert, row(5, 10));  // cleanup at +1500
    EXPECT_EQ(watermark(*op, 10), Strings{"+I[k, 5, 1970-01-01 00:00:00.010, 5]"});
    now_ += 1'499;
    push(*op, 0, RowKind::kInsert, row(1, 20));  // alive: 5 + 1; moved to +1499 + 1500
    EXPECT_EQ(watermark(*op, 20), Strings{"+I[k, 1, 1970-01-01 00:00:00.020, 6]"});
    now_ += 1'500;
    push(*op, 0, RowKind::kInsert, row(2, 30));  // dropped at +2999: the sum starts again
    EXPECT_EQ(watermark(*op, 30), Strings{"+I[k, 2, 1970-01-01 00:00:00.030, 2]"});
  }
}

TEST_F(OverTtlTest, RowsWaitingForAWatermarkKeepTheKey) {
  OperatorPtr op = make(1'000, {true, true, 0});
  push(*op, 0, RowKind::kInsert, row(5, 10));
  EXPECT_EQ(watermark(*op, 10), Strings{"+I[k, 5, 1970-01-01 00:00:00.010, 5]"});
  push(*op, 0, RowKind::kInsert, row(1, 20));  // waits: the input stopped before watermark 20
  now_ += 10'000;  // cleanup times pass, the waiting row keeps the key (Flink registers another)
  EXPECT_EQ(watermark(*op, 20), Strings{"+I[k, 1, 1970-01-01 00:00:00.020, 6]"});
}

TEST_F(OverTtlTest, RowsPrecedingFrameIsDroppedAndRangePrecedingIsNot) {
  OperatorPtr rows = make(1'000, {true, false, 2});
  push(*rows, 0, RowKind::kInsert, row(5, 10));
  EXPECT_EQ(watermark(*rows, 10), Strings{"+I[k, 5, 1970-01-01 00:00:00.010, 5]"});
  now_ += 1'500;
  // Dropped with its last fired time: a row at 5 is no longer late.
  push(*rows, 0, RowKind::kInsert, row(1, 5));
  EXPECT_EQ(watermark(*rows, 10), Strings{});  // the watermark did not move: nothing fires yet
  push(*rows, 0, RowKind::kInsert, row(3, 15));
  EXPECT_EQ(watermark(*rows, 15),
            (Strings{"+I[k, 1, 1970-01-01 00:00:00.005, 1]", "+I[k, 3, 1970-01-01 00:00:00.015, 4]"}));
  OperatorPtr range = make(1'000, {false, false, 100'000});
  push(*range, 0, RowKind::kInsert, row(5, 10));
  EXPECT_EQ(watermark(*range, 10), Strings{"+I[k, 5, 1970-01-01 00:00:00.010, 5]"});
  now_ += 100'000;
  push(*range, 0, RowKind::kInsert, row(1, 20));
  EXPECT_EQ(watermark(*range, 20), Strings{"+I[k, 1, 1970-01-01 00:00:00.020, 6]"});
}

// The planner gives 'table.exec.state.ttl' to the OVER aggregation and the temporal join as to the
// operators above (and not to the window aggregate, which Flink does not bound with it either).
TEST(StateTtlPlanning, OverAndTemporalJoinNodesGetTheTtl) {
  Session session;
  auto ddl = session.execute_script(
      "CREATE TABLE t (k STRING, x BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts);"
      "CREATE TABLE rates (k STRING, rate BIGINT, rts TIMESTAMP(3), WATERMARK FOR rts AS rts, PRIMARY KEY (k) NOT "
      "ENFORCED);"
      "SET 'table.exec.state.ttl' = '1 h'");
  ASSERT_TRUE(ddl.is_ok()) << ddl.status().message();
  auto ttl_of = [&](const std::string& query, sql::PlanKind kind) -> int64_t {
    auto r = session.execute_script(query);
    EXPECT_TRUE(r.is_ok()) << r.status().message();
    if (!r.is_ok()) return -1;
    std::function<int64_t(const sql::PlanNode&)> find = [&](const sql::PlanNode& n) -> int64_t {
      if (n.kind == kind) return n.state_ttl_ms;
      for (const sql::PlanPtr& in : n.inputs) {
        if (int64_t v = find(*in); v >= 0) return v;
      }
      return -1;
    };
    return find(r->front().job->plan());
  };
  EXPECT_EQ(ttl_of("SELECT k, SUM(x) OVER (PARTITION BY k ORDER BY ts) FROM t", sql::PlanKind::kOverAggregate),
            3'600'000);
  EXPECT_EQ(ttl_of("SELECT t.k, rates.rate FROM t JOIN rates FOR SYSTEM_TIME AS OF t.ts ON t.k = rates.k",
                   sql::PlanKind::kTemporalJoin),
            3'600'000);
  EXPECT_EQ(ttl_of("SELECT k, COUNT(*) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY k, "
                   "window_start, window_end",
                   sql::PlanKind::kWindowAggregate),
            0);
}

}  // namespace
}  // namespace careflow::exec
