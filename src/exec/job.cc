#include "exec/job.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/clock.h"
#include "exec/connectors/connector.h"
#include "exec/evaluator.h"
#include "exec/late_rows.h"

namespace careflow::exec {

namespace {

class Identity : public Operator {
 public:
  void process(int, Row& row) override { emit(std::move(row)); }
  bool checkpointable() const override { return true; }  // no state
};

}  // namespace

Operator* Job::add(OperatorPtr op) {
  op->set_context(&ctx_);
  op->set_processing_clock(&clock_);
  operators_.push_back(std::move(op));
  nodes_.push_back(nullptr);
  return operators_.back().get();
}

Operator* Job::build_node(const sql::PlanPtr& node) {
  Operator* op = build_operator(node);
  if (op) {
    op->set_plan_node(node.get());
    for (size_t i = 0; i < operators_.size(); ++i) {
      if (operators_[i].get() == op) nodes_[i] = node.get();
    }
  }
  return op;
}

Operator* Job::build_operator(const sql::PlanPtr& node) {
  using sql::PlanKind;
  const sql::PlanNode& n = *node;
  auto input = [&](size_t i, Operator* downstream, int port) { build_node(n.inputs[i])->connect(downstream, port); };
  switch (n.kind) {
    case PlanKind::kSource: {
      bool any_computed = false;
      for (const auto& c : n.computed) any_computed = any_computed || c != nullptr;
      Operator* op = add(any_computed ? make_computed_columns(n.computed) : std::make_unique<Identity>());
      sources_.push_back({n.table, op, &n});
      return op;
    }
    case PlanKind::kValues: {
      Operator* op = add(std::make_unique<Identity>());
      values_.emplace_back(op, &n);
      return op;
    }
    case PlanKind::kCalc: {
      Operator* op = add(make_calc(n.projections, n.filter));
      input(0, op, 0);
      return op;
    }
    case PlanKind::kChangelogNormalize: {
      Operator* op = add(make_changelog_normalize(n.partition_keys, !n.drops_update_before, StateTtl(n.state_ttl_ms)));
      input(0, op, 0);
      return op;
    }
    case PlanKind::kGroupAggregate: {
      Operator* op = add(make_group_aggregate(n.group_keys, n.aggs, StateTtl(n.state_ttl_ms)));
      input(0, op, 0);
      return op;
    }
    case PlanKind::kJoin: {
      Operator* op = add(make_streaming_join(n.join_type, n.left_keys, n.right_keys, n.condition,
                                             n.inputs[0]->schema.size(), n.inputs[1]->schema.size(),
                                             StateTtl(n.state_ttl_ms)));
      input(0, op, 0);
      input(1, op, 1);
      return op;
    }
    case PlanKind::kSemiJoin: {
      Operator* op = add(make_semi_anti_join(n.anti, n.left_keys, n.right_keys, n.condition, n.inputs[0]->schema.size(),
                                             StateTtl(n.state_ttl_ms)));
      input(0, op, 0);
      input(1, op, 1);
      return op;
    }
    case PlanKind::kRank: {
      Operator* op = add(n.window_rank ? make_window_rank(n) : make_top_n(n, n.inputs[0]->insert_only));
      input(0, op, 0);
      return op;
    }
    case PlanKind::kDeduplicate: {
      Operator* op = add(make_deduplicate(n, n.inputs[0]->insert_only, StateTtl(n.state_ttl_ms)));
      input(0, op, 0);
      return op;
    }
    case PlanKind::kCorrelate: {
      Operator* op = add(make_unnest(n.unnest, n.with_ordinality, n.left_outer, n.schema.size() - n.inputs[0]->schema.size()));
      input(0, op, 0);
      return op;
    }
    case PlanKind::kUnion: {
      Operator* op = add(make_union());
      // One port per input: each holds back the union's watermark until it sent one.
      for (size_t i = 0; i < n.inputs.size(); ++i) input(i, op, static_cast<int>(i));
      return op;
    }
    case PlanKind::kWatermarkAssigner: {
      std::unique_ptr<WatermarkAssigner> assigner = make_watermark_assigner(n.watermark, n.idle_timeout_ms);
      WatermarkAssigner* raw = assigner.get();
      Operator* op = add(std::move(assigner));
      input(0, op, 0);
      assigners_.push_back(raw);
      // The scan right below feeds it: pushes into that scan say which partition rows come from.
      if (n.inputs[0]->kind == PlanKind::kSource) sources_.back().assigner = raw;
      return op;
    }
    case PlanKind::kWindowTableFunction: {
      Operator* op = add(n.window.kind == sql::WindowSpec::Kind::kSession ? make_session_window_table_function(n)
                                                                          : make_window_table_function(n));
      input(0, op, 0);
      return op;
    }
    case PlanKind::kMatch: {
      Operator* op = add(make_match(n));
      input(0, op, 0);
      return op;
    }
    case PlanKind::kWindowAggregate: {
      // (Rows that carry their sessions are aggregated per window as any other windowed rows.)
      Operator* op = add(n.window.kind == sql::WindowSpec::Kind::kSession && !n.window_attached
                             ? make_session_window_aggregate(n)
                             : make_window_aggregate(n));
      input(0, op, 0);
      return op;
    }
    case PlanKind::kTemporalJoin: {
      Operator* op = add(make_temporal_row_time_join(n, StateTtl(n.state_ttl_ms)));
      input(0, op, 0);
      input(1, op, 1);
      return op;
    }
    case PlanKind::kWindowJoin: {
      Operator* op = add(make_window_join(n));
      input(0, op, 0);
      input(1, op, 1);
      return op;
    }
    case PlanKind::kIntervalJoin: {
      Operator* op = add(make_row_time_interval_join(n));
      input(0, op, 0);
      input(1, op, 1);
      return op;
    }
    case PlanKind::kLookupJoin: {
      Result<std::unique_ptr<LookupSource>> source = make_lookup_source(*n.table, n.right_keys);
      if (!source) {
        if (build_error_.is_ok()) build_error_ = source.status();
        Operator* op = add(std::make_unique<Identity>());
        input(0, op, 0);
        return op;
      }
      Operator* op = add(make_lookup_join(n, std::move(*source)));
      input(0, op, 0);
      return op;
    }
    case PlanKind::kDropUpdateBefore: {
      Operator* op = add(make_drop_update_before());
      input(0, op, 0);
      return op;
    }
    case PlanKind::kExpand: {
      Operator* op = add(make_expand(n));
      input(0, op, 0);
      return op;
    }
    case PlanKind::kOverAggregate: {
      Operator* op = add(make_over_aggregate(n, StateTtl(n.state_ttl_ms)));
      input(0, op, 0);
      return op;
    }
    case PlanKind::kSink: {
      std::vector<int> sink_key = n.sink_key, query_key = n.inputs[0]->upsert_key;
      std::sort(sink_key.begin(), sink_key.end());
      std::sort(query_key.begin(), query_key.end());
      bool drop_update_before = n.table->changelog_mode() == sql::ChangelogMode::kUpsert && !sink_key.empty() &&
                                sink_key == query_key && !n.inputs[0]->filters_updates;
      // An upsert table whose key is the query's upsert key receives no -U: the +U that follows
      // replaces the row by key. When the keys differ, Flink 1.20 sends the -U rows too (observed,
      // tests/interop/flink/examples/09), and so does careflow; so it does after a filter
      // (PlanNode::filters_updates: the -U may be all that is left of an update).
      Operator* op = add(drop_update_before ? make_drop_update_before() : OperatorPtr(std::make_unique<Identity>()));
      input(0, op, 0);
      return op;
    }
  }
  return nullptr;
}

Result<std::unique_ptr<Job>> Job::build(const sql::PlanPtr& root, const sql::SessionOptions& options) {
  std::unique_ptr<Job> job(new Job());
  job->plan_ = root;
  job->ctx_.time_zone = options.time_zone;
  job->ctx_.now_micros = wall_clock_ms() * 1000;
  Operator* top = job->build_node(root);
  // A lookup source whose options make no sense (the operators are built; the job is not).
  if (!job->build_error_.is_ok()) return job->build_error_;
  job->late_rows_topic_ = options.late_rows_topic;
  if (!job->late_rows_topic_.empty()) {
    for (const OperatorPtr& op : job->operators_) op->collect_late_rows(&job->late_rows_);
  }
  auto collector = std::make_unique<CollectSink>();
  job->collector_ = collector.get();
  top->connect(job->add(std::move(collector)), 0);
  job->result_schema_ = root->schema;
  return job;
}

std::vector<values::DataType> Job::result_types() const {
  std::vector<values::DataType> out;
  for (const sql::PlanField& f : result_schema_) out.push_back(f.type);
  return out;
}

Status Job::guard(const std::function<void()>& body) {
  if (!failure_.is_ok()) return failure_;
  ctx_.now_micros = clock_.advance() * 1000;
  try {
    body();
  } catch (const values::EvalError& e) {
    failure_ = Status::failed_precondition(fmt::format("the job failed: {}", e.what()));
  } catch (const ChangelogViolation& v) {
    failure_ = Status::internal(v.message);
  }
  return failure_;
}

Status Job::start() {
  return guard([&] {
    for (auto& [op, node] : values_) {
      RowBatch rows;
      for (const auto& exprs : node->rows) {
        Row row;
        for (const auto& e : exprs) row.fields.push_back(evaluate(*e, {}, ctx_));
        rows.push_back(std::move(row));
      }
      op->push_batch(0, rows);
    }
  });
}

Status Job::push(const std::string& table, const RowBatch& rows) {
  // A table the job does not read takes no rows: not an error (the test runner feeds every table).
  for (size_t s = 0; s < sources_.size(); ++s) {
    const sql::TableDef& def = *sources_[s].table;
    if (def.name != table) continue;
    RowBatch full;
    full.reserve(rows.size());
    const bool all_physical =
        std::all_of(def.columns.begin(), def.columns.end(), [](const sql::TableColumn& c) { return c.is_physical(); });
    for (const Row& in : rows) {
      if (all_physical && in.fields.size() == def.columns.size()) {
        full.push_back(in);  // copy-constructs the fields: cheaper than assigning into empty ones
        continue;
      }
      Row row{in.kind, std::vector<Value>(def.columns.size())};
      size_t next = 0;
      for (size_t c = 0; c < def.columns.size(); ++c) {
        if (!def.columns[c].is_physical()) continue;
        if (next >= in.fields.size()) {
          return Status::invalid_argument(fmt::format("a row for '{}' has {} fields but the table has more physical "
                                                      "columns", table, in.fields.size()));
        }
        row.fields[c] = in.fields[next++];
      }
      full.push_back(std::move(row));
    }
    CF_RETURN_IF_ERROR(push_full(s, std::move(full), 0));
  }
  return Status::ok();
}

Status Job::emit_watermarks() {
  CF_RETURN_IF_ERROR(guard([&] {
    for (WatermarkAssigner* a : assigners_) a->emit_periodic();
  }));
  return advance_processing_time();
}

Status Job::end_input() {
  return guard([&] {
    for (SourceSlot& slot : sources_) slot.entry->push_watermark(0, kMaxWatermark);
    for (auto& [op, node] : values_) op->push_watermark(0, kMaxWatermark);
  });
}

int64_t Job::late_rows_dropped() const {
  int64_t n = 0;
  for (const OperatorPtr& op : operators_) n += op->late_rows_dropped();
  return n;
}

void Job::set_partitions(size_t source, int count) {
  if (sources_[source].assigner) sources_[source].assigner->set_partition(0, count);
}

Status Job::push_full(size_t source, RowBatch rows, int partition) {
  if (WatermarkAssigner* a = sources_[source].assigner) a->set_partition(partition, partition + 1);
#ifndef NDEBUG
  // A source must give the changelog its table declares (an append table only +I rows), or
  // every operator planned after it computes for a changelog it does not get.
  const SourceSlot& slot = sources_[source];
  if (slot.node->insert_only) {
    for (const Row& row : rows) {
      if (row.kind == RowKind::kInsert) continue;
      return Status::internal(fmt::format("the source of table '{}' gave a {} row, but the table is append-only "
                                          "(changelogMode=[I])", slot.table->name, kind_symbol(row.kind)));
    }
  }
#endif
  return guard([&] { sources_[source].entry->push_batch(0, rows); });
}

// ---- checkpoints ----

namespace {

// The operator's own line of EXPLAIN (its children cut off); "Collect" for the job's end.
std::string operator_line(const Operator& op, const sql::PlanNode* node) {
  (void)op;
  if (!node) return "Collect";
  std::string text = sql::explain_plan(*node);
  return text.substr(0, text.find('\n'));
}

// Adapts one operator's StateWriter calls to the job's tagged records.
class TaggedWriter : public StateWriter {
 public:
  TaggedWriter(bool incremental, uint32_t op, const std::function<void(uint32_t, const StateRecord&)>& out)
      : incremental_(incremental), op_(op), out_(out) {}
  bool incremental() const override { return incremental_; }
  void write(const StateRecord& record) override { out_(op_, record); }

 private:
  bool incremental_;
  uint32_t op_;
  const std::function<void(uint32_t, const StateRecord&)>& out_;
};

}  // namespace

std::vector<Job::LateCount> Job::late_rows_by_operator() const {
  std::vector<LateCount> out;
  for (size_t i = 0; i < operators_.size(); ++i) {
    const int64_t n = operators_[i]->late_rows_dropped();
    if (n > 0) out.push_back({operator_line(*operators_[i], nodes_[i]), n});
  }
  return out;
}

std::vector<std::string> Job::take_late_rows() {
  std::vector<std::string> out;
  if (late_rows_.empty()) return out;
  if (late_lines_.empty()) {
    for (size_t i = 0; i < operators_.size(); ++i) late_lines_.push_back(operator_line(*operators_[i], nodes_[i]));
  }
  out.reserve(late_rows_.size());
  for (const LateRow& late : late_rows_) {
    size_t i = 0;
    while (i < operators_.size() && operators_[i].get() != late.op) ++i;
    if (i == operators_.size()) continue;  // cannot happen: only this job's operators collect here
    out.push_back(late_row_json(late, late_lines_[i], nodes_[i]));
  }
  late_rows_.clear();
  return out;
}

Status Job::check_checkpointable() const {
  for (size_t i = 0; i < operators_.size(); ++i) {
    if (operators_[i]->checkpointable()) continue;
    return Status::failed_precondition(fmt::format(
        "the job cannot be checkpointed: operator {} ({}) cannot write its state yet; run it without "
        "'execution.checkpointing.interval'",
        i, operator_line(*operators_[i], nodes_[i])));
  }
  return Status::ok();
}

void Job::track_changes() {
  for (const OperatorPtr& op : operators_) op->track_changes();
}

std::vector<std::string> Job::operator_fingerprints() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < operators_.size(); ++i) out.push_back(operator_line(*operators_[i], nodes_[i]));
  return out;
}

Status Job::snapshot(bool incremental, const std::function<void(uint32_t, const StateRecord&)>& write) {
  CF_RETURN_IF_ERROR(check_checkpointable());
  ByteWriter clock;
  for (size_t i = 0; i < operators_.size(); ++i) {
    const auto op = static_cast<uint32_t>(i);
    clock.clear();
    operators_[i]->snapshot_clock(clock);
    write(op, {StateRecordKind::kMisc, kClockSpace, {}, clock.data()});
    TaggedWriter writer(incremental, op, write);
    operators_[i]->snapshot(writer);
  }
  return Status::ok();
}

Status Job::restore(uint32_t op, const StateRecord& record) {
  if (op >= operators_.size()) {
    return Status::invalid_argument(fmt::format("state of operator {}, but the job has {}", op, operators_.size()));
  }
  try {
    if (record.space == kClockSpace) {
      ByteReader in(record.value);
      operators_[op]->restore_clock(in);
    } else {
      operators_[op]->restore(record);
    }
  } catch (const std::exception& e) {
    return Status::invalid_argument(
        fmt::format("state of operator {} ({}) does not decode: {}", op, operator_line(*operators_[op], nodes_[op]), e.what()));
  }
  return Status::ok();
}

Status Job::finish_restore() {
  try {
    for (const OperatorPtr& op : operators_) op->restored();
  } catch (const std::exception& e) {
    return Status::invalid_argument(fmt::format("restoring the job's state failed: {}", e.what()));
  }
  return Status::ok();
}

}  // namespace careflow::exec
