// Idleness travelling through operators, as Flink's StatusWatermarkValve handles WatermarkStatus:
// an idle input does not hold back the minimum, an operator whose inputs are all idle is idle
// downstream, and an input that comes back counts again once its watermark has caught up. The
// WatermarkAssigner marks its output idle when all its partitions are (fake clock).
#include <gtest/gtest.h>

#include "exec/operators/operators.h"
#include "sql/bound_expr.h"

namespace careflow::exec {
namespace {

// Records what reaches it: "w<ms>" for a watermark, "idle" / "active" for a status change.
class Probe : public Operator {
 public:
  void process(int, Row&) override {}
  void push_watermark(int, int64_t watermark) override { events.push_back("w" + std::to_string(watermark)); }
  void push_watermark_status(int, bool idle) override { events.push_back(idle ? "idle" : "active"); }
  std::vector<std::string> take() { return std::exchange(events, {}); }
  std::vector<std::string> events;
};

using Events = std::vector<std::string>;

TEST(WatermarkStatus, AnIdleInputNoLongerHoldsBackTheMinimum) {
  values::EvalContext ctx;
  OperatorPtr u = make_union();
  Probe probe;
  Probe up0, up1;  // register the union's two inputs, as the job's wiring does
  up0.connect(u.get(), 0);
  up1.connect(u.get(), 1);
  u->set_context(&ctx);
  probe.set_context(&ctx);
  u->connect(&probe, 0);
  u->push_watermark(0, 100);
  u->push_watermark_status(1, false);  // already active: nothing
  EXPECT_EQ(probe.take(), Events{});
  u->push_watermark_status(1, true);
  EXPECT_EQ(probe.take(), Events{"w100"});
  u->push_watermark(0, 200);
  EXPECT_EQ(probe.take(), Events{"w200"});
  u->push_watermark_status(0, true);  // every input idle: so is the union
  EXPECT_EQ(probe.take(), Events{"idle"});
  // Input 1 comes back behind the union's watermark: it does not hold anything back (nor move
  // it) until it has caught up.
  u->push_watermark_status(1, false);
  EXPECT_EQ(probe.take(), Events{"active"});
  u->push_watermark(1, 150);
  EXPECT_EQ(probe.take(), Events{});
  u->push_watermark(1, 250);
  EXPECT_EQ(probe.take(), Events{"w250"});
  // Input 0 comes back at 200 < 250: not counted until it reaches the union's watermark.
  u->push_watermark_status(0, false);
  u->push_watermark(1, 300);
  EXPECT_EQ(probe.take(), Events{"w300"});
  u->push_watermark(0, 280);
  EXPECT_EQ(probe.take(), Events{});
  u->push_watermark(0, 320);  // caught up: counts again, min(320, 300) = 300
  EXPECT_EQ(probe.take(), Events{});
  u->push_watermark(1, 400);
  EXPECT_EQ(probe.take(), Events{"w320"});
}

TEST(WatermarkStatus, WithoutIdlenessEveryInputHoldsTheMinimum) {
  values::EvalContext ctx;
  OperatorPtr u = make_union();
  Probe probe;
  Probe up0, up1;
  up0.connect(u.get(), 0);
  up1.connect(u.get(), 1);
  u->set_context(&ctx);
  u->connect(&probe, 0);
  u->push_watermark(0, 100);
  u->push_watermark(1, 50);
  u->push_watermark(0, 300);
  u->push_watermark(1, 200);
  EXPECT_EQ(probe.take(), (Events{"w50", "w200"}));
}

TEST(WatermarkStatus, TheAssignerMarksItsSourceIdleWhenEveryPartitionIs) {
  values::EvalContext ctx;
  int64_t now = 0;
  // The watermark expression: the row's column 0 (a TIMESTAMP, microseconds).
  auto wm = sql::bound_input_ref(0, values::DataType::timestamp(3));
  auto assigner = make_watermark_assigner(wm, 100, [&now] { return now; });
  Probe probe;
  assigner->set_context(&ctx);
  assigner->connect(&probe, 0);
  assigner->set_partition(0, 1);
  RowBatch batch{Row{RowKind::kInsert, {Value::integer(5'000 * 1000)}}};
  assigner->push_batch(0, batch);
  assigner->emit_periodic();
  EXPECT_EQ(probe.take(), Events{"w5000"});
  assigner->emit_periodic();  // no row since: the idleness timer starts
  now += 101;
  assigner->emit_periodic();
  EXPECT_EQ(probe.take(), Events{"idle"});
  RowBatch more{Row{RowKind::kInsert, {Value::integer(6'000 * 1000)}}};
  assigner->push_batch(0, more);
  assigner->emit_periodic();
  EXPECT_EQ(probe.take(), (Events{"active", "w6000"}));
  // The end of input is sent even from an idle source, which turns active for it.
  assigner->emit_periodic();
  now += 101;
  assigner->emit_periodic();
  assigner->push_watermark(0, kMaxWatermark);
  EXPECT_EQ(probe.take(), (Events{"idle", "active", "w" + std::to_string(kMaxWatermark)}));
}

}  // namespace
}  // namespace careflow::exec
