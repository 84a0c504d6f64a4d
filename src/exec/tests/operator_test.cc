// Operators in isolation, fed rows and compared with the changelog Flink's operator emits for
// the same input (the shape of Flink's OneInputStreamOperatorTestHarness tests).
#include <gtest/gtest.h>

#include "exec/operators/operators.h"
#include "sql/functions.h"

namespace careflow::exec {
namespace {

using values::DataType;

Row row(RowKind kind, std::vector<Value> fields) { return Row{kind, std::move(fields)}; }

std::vector<std::string> run(Operator& op, std::vector<std::pair<int, Row>> input, std::vector<DataType> types) {
  CollectSink sink;
  values::EvalContext ctx;
  op.set_context(&ctx);
  sink.set_context(&ctx);
  op.connect(&sink, 0);
  for (auto& [port, r] : input) {
    RowBatch batch{r};
    op.push_batch(port, batch);
  }
  std::vector<std::string> out;
  for (const Row& r : sink.rows()) out.push_back(format_row(r, types));
  return out;
}

TEST(GroupAggregateTest, RetractsAndSkipsUnchangedResults) {
  sql::AggCall count;
  count.name = "COUNT";
  auto binding = sql::FunctionRegistry::global().aggregate("COUNT")->bind({}, false);
  ASSERT_TRUE(binding.is_ok());
  count.binding = *binding;
  OperatorPtr op = make_group_aggregate({0}, {count});
  auto out = run(*op,
                 {{0, row(RowKind::kInsert, {Value::string("a")})},
                  {0, row(RowKind::kInsert, {Value::string("a")})},
                  {0, row(RowKind::kDelete, {Value::string("b")})},  // unknown key: ignored
                  {0, row(RowKind::kDelete, {Value::string("a")})},
                  {0, row(RowKind::kDelete, {Value::string("a")})}},
                 {DataType::string(), DataType::bigint()});
  EXPECT_EQ(out, (std::vector<std::string>{"+I[a, 1]", "-U[a, 1]", "+U[a, 2]", "-U[a, 2]", "+U[a, 1]", "-D[a, 1]"}));
}

sql::AggCall single_value_call() {
  sql::AggCall call;
  call.name = "SINGLE_VALUE";
  call.args = {0};
  auto binding = sql::FunctionRegistry::global().aggregate("SINGLE_VALUE")->bind({{DataType::integer(), std::nullopt}}, false);
  EXPECT_TRUE(binding.is_ok());
  if (binding.is_ok()) call.binding = *binding;
  return call;
}

// Flink's SingleValueAggFunction under a global GroupAggregate (a scalar subquery's row): the
// value while one row is there, the group gone when it is retracted, an error on a second row.
TEST(GroupAggregateTest, SingleValueHoldsOneRowAndFailsOnASecond) {
  OperatorPtr op = make_group_aggregate({}, {single_value_call()});
  auto out = run(*op,
                 {{0, row(RowKind::kInsert, {Value::integer(1)})},
                  {0, row(RowKind::kDelete, {Value::integer(1)})},
                  {0, row(RowKind::kInsert, {Value::integer(2)})}},
                 {DataType::integer()});
  EXPECT_EQ(out, (std::vector<std::string>{"+I[1]", "-D[1]", "+I[2]"}));
  try {
    run(*op, {{0, row(RowKind::kInsert, {Value::integer(3)})}}, {DataType::integer()});
    ADD_FAILURE() << "a second row must fail";
  } catch (const values::EvalError& e) {
    EXPECT_STREQ(e.what(), "SingleValueAggFunction received more than one element.");
  }
}

TEST(GroupAggregateTest, SingleValueAccumulatorSurvivesACheckpoint) {
  sql::AggCall call = single_value_call();
  std::unique_ptr<sql::Accumulator> a = call.binding.create();
  const Value seven = Value::integer(7);
  a->accumulate(&seven);
  std::unique_ptr<sql::Accumulator> b = call.binding.create();
  b->load(a->save());
  EXPECT_EQ(b->result(), seven);
  EXPECT_THROW(b->accumulate(&seven), values::EvalError);
}

TEST(StreamingJoinTest, LeftJoinPadsThenRetractsThePadding) {
  OperatorPtr op = make_streaming_join(sql::JoinType::kLeft, {0}, {0}, nullptr, 2, 2);
  auto out = run(*op,
                 {{0, row(RowKind::kInsert, {Value::integer(1), Value::string("l")})},
                  {1, row(RowKind::kInsert, {Value::integer(1), Value::string("r")})},
                  {1, row(RowKind::kDelete, {Value::integer(1), Value::string("r")})}},
                 {DataType::integer(), DataType::string(), DataType::integer(), DataType::string()});
  EXPECT_EQ(out, (std::vector<std::string>{"+I[1, l, NULL, NULL]", "-D[1, l, NULL, NULL]", "+I[1, l, 1, r]",
                                           "-D[1, l, 1, r]", "+I[1, l, NULL, NULL]"}));
}

}  // namespace
}  // namespace careflow::exec
