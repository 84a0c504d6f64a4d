// 'table.exec.state.ttl' on a clock moved by hand, as Flink's GroupAggFunction and
// StreamingJoinOperator behave with a StateTtlConfig of OnCreateAndWrite / NeverReturnExpired:
// state last written TTL or more ago is gone, so a key starts afresh (+I, no retraction of the
// old result), a retraction for it is ignored, and a join row no longer matches an expired row.
#include <gtest/gtest.h>

#include "exec/operators/operators.h"
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

}  // namespace
}  // namespace careflow::exec
