// Match (MATCH_RECOGNIZE), as Flink's CepOperator runs the NFA of flink-cep for each partition key:
//
// - Rows are buffered by rowtime (a row at or behind the watermark is late: dropped and counted).
//   When the watermark passes a timestamp, that timestamp's rows are processed in order (by the
//   further ORDER BY columns, else as they came), after the partial matches that time has expired
//   (WITHIN) are dropped (NFA#advanceTime then NFA#process).
// - A partial match ("computation state") is a state of the automaton and the path of rows taken so
//   far. Paths share their prefixes (each node points at the one before it), which is Flink's
//   SharedBuffer: a row held by several partial matches is stored once, and is freed with the
//   last match holding it. So state is bounded by the pattern and WITHIN, not by the stream.
// - For each row, every partial match follows its edges (NFA#computeNextStates): the PROCEED edges
//   whose condition holds are followed at once, each TAKE edge whose condition holds gives a new
//   partial match with the row appended, and a partial match from which the final state is reached
//   by PROCEED edges is complete. The start state always stays, so a match may begin at any row.
// - Complete matches are emitted in order of their first row, and only when no partial match began
//   earlier (which could still end in an earlier match); the AFTER MATCH strategy then prunes the
//   partial and complete matches it skips (NFA#processMatchesAccordingToSkipStrategy).
#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "exec/evaluator.h"
#include "exec/operators/match/nfa_compiler.h"
#include "exec/operators/operators.h"
#include "exec/operators/window/window_math.h"
#include "exec/state.h"

namespace careflow::exec {

namespace {

using sql::MatchSlot;
using sql::MatchSpec;
using match::Edge;

// One row of a path: the variable it is mapped to, shared by every path that holds it.
struct PathNode {
  int variable;
  int64_t event_id;  // the row's order within its partition (Flink's EventId)
  std::shared_ptr<const std::vector<Value>> row;
  std::shared_ptr<const PathNode> previous;
};
using PathPtr = std::shared_ptr<const PathNode>;

constexpr int64_t kNoStart = INT64_MAX;  // the start state's partial match: it began nowhere

struct Partial {
  int state;
  PathPtr path;
  int64_t start_id = kNoStart;
  int64_t start_ts = 0;
  uint64_t seq = 0;  // creation order: ties among matches that began at the same row
};

bool earlier(const Partial& a, const Partial& b) { return a.start_id != b.start_id ? a.start_id < b.start_id : a.seq < b.seq; }

struct KeyState {
  uint64_t order = 0;
  std::map<int64_t, std::vector<std::vector<Value>>> pending;  // rows by rowtime, not yet processed
  std::vector<Partial> partials;                             // in order of their first row
  std::vector<Partial> completed;                            // complete, waiting for earlier partials
  int64_t next_event_id = 0;
};

// The rows of a path in order, with their variables.
struct MatchedRow {
  int variable;
  int64_t event_id;
  const std::vector<Value>* row;
};

class Match : public Operator {
 public:
  explicit Match(const sql::PlanNode& node)
      : spec_(*node.match), nfa_(match::compile_nfa(*node.match)), width_(node.inputs[0]->schema.size()) {}

  // Checkpoints: per key (space 0, incrementally) its pending rows, and its partial and complete
  // matches with the paths they share written once (each node after the one it points back to);
  // the counters (space 1).
  bool checkpointable() const override { return true; }
  void track_changes() override { state_.track_changes(); }
  void snapshot(StateWriter& out) override {
    write_keyed(out, 0, state_, [](ByteWriter& w, const KeyState& ks) { write_key_state(w, ks); });
    write_counters(out, 1, next_order_, next_seq_, late_);
  }
  void restore(const StateRecord& record) override {
    if (record.space == 1) {
      read_counters(record, next_order_, next_seq_, late_);
      return;
    }
    restore_keyed(record, state_, [&](ByteReader& in) { return read_key_state(in); });
  }

  void process(int, Row& row) override {
    const Value& t = row.fields[static_cast<size_t>(spec_.rowtime_index)];
    if (t.is_null()) {
      throw values::EvalError("RowTime field should not be null, please convert it to a non-null long value.");
    }
    const int64_t ts = window::micros_to_millis(t.as_int());
    if (current_watermark() != kNoWatermark && ts <= current_watermark()) {
      ++late_;
      dropped_late(0, row, ts, current_watermark(), "the row's time is at or before the watermark");
      return;
    }
    fill_key(key_, row.fields, spec_.partition_keys);
    state_.touch(key_);
    auto it = state_.find(key_);
    if (it == state_.end()) {
      it = state_.emplace(key_, KeyState{}).first;
      it->second.order = next_order_++;
      it->second.partials.push_back({nfa_.start, nullptr, kNoStart, 0, next_seq_++});
    }
    it->second.pending[ts].push_back(std::move(row.fields));
  }

  int64_t late_rows_dropped() const override { return late_; }

 protected:
  void on_watermark(int64_t watermark) override {
    // Keys in the order Flink's timers fire them: by their earliest row due, then first seen.
    std::vector<std::pair<std::pair<int64_t, uint64_t>, KeyState*>> due;
    for (auto& [key, ks] : state_) {
      const int64_t first = ks.pending.empty() ? INT64_MAX : ks.pending.begin()->first;
      if (first <= watermark || (spec_.within_ms > 0 && ks.partials.size() > 1)) {
        due.push_back({{first, ks.order}, &ks});
        state_.touch(key);
      }
    }
    std::sort(due.begin(), due.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [order, ks] : due) {
      while (!ks->pending.empty() && ks->pending.begin()->first <= watermark) {
        auto node = ks->pending.extract(ks->pending.begin());
        advance_time(*ks, node.key());
        sort_secondary(node.mapped());
        for (std::vector<Value>& fields : node.mapped()) process_event(*ks, std::move(fields), node.key());
      }
      advance_time(*ks, watermark);
    }
    for (auto it = state_.begin(); it != state_.end();) {
      const KeyState& ks = it->second;
      if (ks.pending.empty() && ks.completed.empty() && ks.partials.size() == 1 && !ks.partials[0].path) {
        state_.touch(it->first);
        state_.erase(it++);
      } else {
        ++it;
      }
    }
  }

 private:
  static void write_key_state(ByteWriter& w, const KeyState& ks) {
    w.varint(ks.order);
    w.svarint(ks.next_event_id);
    w.varint(ks.pending.size());
    for (const auto& [ts, rows] : ks.pending) {
      w.svarint(ts);
      w.varint(rows.size());
      for (const auto& row : rows) w.values(row);
    }
    // The path nodes reachable from the matches, each once, every node after its previous one.
    absl::flat_hash_map<const PathNode*, uint64_t> node_index;
    absl::flat_hash_map<const std::vector<Value>*, uint64_t> row_index;
    std::vector<const PathNode*> nodes;
    auto visit = [&](const PathNode* p) {
      std::vector<const PathNode*> chain;
      for (; p && !node_index.count(p); p = p->previous.get()) chain.push_back(p);
      for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        node_index.emplace(*it, nodes.size());
        nodes.push_back(*it);
      }
    };
    for (const Partial& m : ks.partials) visit(m.path.get());
    for (const Partial& m : ks.completed) visit(m.path.get());
    std::vector<const std::vector<Value>*> rows;
    for (const PathNode* n : nodes) {
      if (row_index.emplace(n->row.get(), rows.size()).second) rows.push_back(n->row.get());
    }
    w.varint(rows.size());
    for (const auto* row : rows) w.values(*row);
    w.varint(nodes.size());
    for (const PathNode* n : nodes) {
      w.svarint(n->variable);
      w.svarint(n->event_id);
      w.varint(row_index.at(n->row.get()));
      w.varint(n->previous ? node_index.at(n->previous.get()) + 1 : 0);
    }
    auto write_matches = [&](const std::vector<Partial>& list) {
      w.varint(list.size());
      for (const Partial& m : list) {
        w.svarint(m.state);
        w.varint(m.path ? node_index.at(m.path.get()) + 1 : 0);
        w.svarint(m.start_id);
        w.svarint(m.start_ts);
        w.varint(m.seq);
      }
    };
    write_matches(ks.partials);
    write_matches(ks.completed);
  }

  KeyState read_key_state(ByteReader& in) const {
    KeyState ks;
    ks.order = in.varint();
    ks.next_event_id = in.svarint();
    for (size_t n = in.count(); n > 0; --n) {
      auto& rows = ks.pending[in.svarint()];
      rows.resize(in.count());
      for (auto& row : rows) row = in.values();
    }
    std::vector<std::shared_ptr<const std::vector<Value>>> rows(in.count());
    for (auto& row : rows) row = std::make_shared<const std::vector<Value>>(in.values());
    std::vector<PathPtr> nodes(in.count());
    for (size_t i = 0; i < nodes.size(); ++i) {
      auto node = std::make_shared<PathNode>();
      node->variable = static_cast<int>(in.svarint());
      node->event_id = in.svarint();
      const uint64_t row = in.varint(), previous = in.varint();
      if (row >= rows.size() || previous > i) throw StateFormatError("a match path pointing past its nodes");
      node->row = rows[row];
      if (previous > 0) node->previous = nodes[previous - 1];
      nodes[i] = std::move(node);
    }
    auto read_matches = [&](std::vector<Partial>& list) {
      list.resize(in.count());
      for (Partial& m : list) {
        m.state = static_cast<int>(in.svarint());
        const uint64_t path = in.varint();
        if (path > nodes.size()) throw StateFormatError("a match pointing past its path nodes");
        if (path > 0) m.path = nodes[path - 1];
        m.start_id = in.svarint();
        m.start_ts = in.svarint();
        m.seq = in.varint();
      }
    };
    read_matches(ks.partials);
    read_matches(ks.completed);
    return ks;
  }

  void sort_secondary(std::vector<std::vector<Value>>& rows) const {
    if (spec_.secondary_order.empty()) return;
    std::stable_sort(rows.begin(), rows.end(), [&](const std::vector<Value>& a, const std::vector<Value>& b) {
      for (size_t i = 0; i < spec_.secondary_order.size(); ++i) {
        const auto c = static_cast<size_t>(spec_.secondary_order[i]);
        const int cmp = values::compare_values(a[c], b[c]);
        if (cmp != 0) return spec_.secondary_ascending[i] ? cmp < 0 : cmp > 0;
      }
      return false;
    });
  }

  // NFA#advanceTime: partial matches older than WITHIN are dropped; complete matches they held
  // back may go out.
  void advance_time(KeyState& ks, int64_t timestamp) {
    if (spec_.within_ms > 0) {
      std::erase_if(ks.partials, [&](const Partial& p) {
        return p.start_id != kNoStart && timestamp - p.start_ts >= spec_.within_ms;
      });
    }
    emit_matches(ks, timestamp);
  }

  // NFA#process for one row.
  void process_event(KeyState& ks, std::vector<Value> fields, int64_t timestamp) {
    auto row = std::make_shared<const std::vector<Value>>(std::move(fields));
    const int64_t id = ks.next_event_id++;
    std::vector<Partial> next;
    for (const Partial& p : ks.partials) {
      path_.clear();
      for (const PathNode* n = p.path.get(); n; n = n->previous.get()) path_.push_back({n->variable, n->event_id, n->row.get()});
      std::reverse(path_.begin(), path_.end());
      condition_cache_.assign(spec_.variables.size(), -1);
      current_row_ = row.get();
      edges_.clear();
      decision_graph(p.state);
      for (const auto& [edge, source] : edges_) {
        Partial taken;
        taken.state = edge->target;
        taken.path = std::make_shared<const PathNode>(
            PathNode{nfa_.states[static_cast<size_t>(source)].variable, id, row, p.path});
        taken.start_id = p.start_id == kNoStart ? id : p.start_id;
        taken.start_ts = p.start_id == kNoStart ? timestamp : p.start_ts;
        taken.seq = next_seq_++;
        const bool complete = reaches_final(edge->target);
        if (nfa_.states[static_cast<size_t>(edge->target)].is_final) {
          ks.completed.push_back(taken);
        } else {
          if (complete) {
            Partial done = taken;
            done.seq = next_seq_++;
            ks.completed.push_back(std::move(done));
          }
          next.push_back(std::move(taken));
        }
      }
      if (p.start_id == kNoStart) next.push_back({p.state, nullptr, kNoStart, 0, next_seq_++});
    }
    std::stable_sort(next.begin(), next.end(), earlier);
    ks.partials = std::move(next);
    std::stable_sort(ks.completed.begin(), ks.completed.end(), earlier);
    emit_matches(ks, timestamp);
  }

  // Follows the PROCEED edges whose condition holds from `state`, depth first as Flink's stack
  // does (NFA#createDecisionGraph, #findFinalStateAfterProceed): `on_take(edge, source)` for each
  // open TAKE edge; true as soon as a PROCEED edge reaches the final state, if `stop_at_final`.
  template <typename OnTake>
  bool follow(int state, bool stop_at_final, OnTake on_take) {
    std::vector<int> stack{state};
    while (!stack.empty()) {
      const int s = stack.back();
      stack.pop_back();
      for (const Edge& e : nfa_.states[static_cast<size_t>(s)].edges) {
        // Looking for the final state, Flink evaluates PROCEED edges only.
        if ((stop_at_final && e.action == Edge::Action::kTake) || !holds(e.condition)) continue;
        if (e.action == Edge::Action::kTake) {
          on_take(e, s);
        } else if (stop_at_final && nfa_.states[static_cast<size_t>(e.target)].is_final) {
          return true;
        } else {
          stack.push_back(e.target);
        }
      }
    }
    return false;
  }

  // The TAKE edges open to the current row from `state`.
  void decision_graph(int state) {
    follow(state, false, [&](const Edge& e, int source) { edges_.push_back({&e, source}); });
  }

  // Whether the final state is reached from `state` by PROCEED edges alone.
  bool reaches_final(int state) {
    return follow(state, true, [](const Edge&, int) {});
  }

  bool holds(const match::EdgeCondition& c) {
    if (c.take >= 0 && !define_holds(c.take)) return false;
    for (int v : c.not_takes) {
      if (define_holds(v)) return false;
    }
    return true;
  }

  // DEFINE of `variable` for the current row against the current path (cached per row and path).
  bool define_holds(int variable) {
    int8_t& cached = condition_cache_[static_cast<size_t>(variable)];
    if (cached >= 0) return cached != 0;
    const sql::MatchExpressions& def = spec_.define[static_cast<size_t>(variable)];
    bool result = true;
    if (!def.exprs.empty()) {
      fill_extended(*current_row_, def.slots, variable, current_row_, 0);
      result = passes(def.exprs[0].get(), extended_, ctx());
    }
    cached = result ? 1 : 0;
    return result;
  }

  // The row `base` followed by the value of each slot, computed over path_ (plus `current` as a
  // row of `current_variable`, when classifying a row).
  void fill_extended(const std::vector<Value>& base, const std::vector<MatchSlot>& slots, int current_variable,
                     const std::vector<Value>* current, int64_t match_timestamp) {
    extended_ = base;
    for (const MatchSlot& slot : slots) {
      rows_.clear();
      for (const MatchedRow& r : path_) {
        if (slot.variable < 0 || r.variable == slot.variable) rows_.push_back(r.row);
      }
      if (current && (slot.variable < 0 || slot.variable == current_variable)) rows_.push_back(current);
      switch (slot.kind) {
        case MatchSlot::Kind::kField: {
          const auto n = static_cast<int64_t>(rows_.size());
          const int64_t index = slot.first ? slot.offset : n - 1 - slot.offset;
          extended_.push_back(index >= 0 && index < n ? evaluate(*slot.expr, *rows_[static_cast<size_t>(index)], ctx())
                                                      : Value());
          break;
        }
        case MatchSlot::Kind::kAggregate: {
          std::unique_ptr<sql::Accumulator> acc = slot.aggregate.create_append_only ? slot.aggregate.create_append_only()
                                                                                     : slot.aggregate.create();
          for (const std::vector<Value>* r : rows_) {
            args_.clear();
            for (const auto& a : slot.args) args_.push_back(evaluate(*a, *r, ctx()));
            acc->accumulate(args_.empty() ? nullptr : args_.data());
          }
          extended_.push_back(acc->result());
          break;
        }
        case MatchSlot::Kind::kMatchRowtime: extended_.push_back(Value::integer(match_timestamp * 1000)); break;
      }
    }
  }

  // NFA#processMatchesAccordingToSkipStrategy.
  void emit_matches(KeyState& ks, int64_t timestamp) {
    while (!ks.completed.empty()) {
      const Partial& first = ks.completed.front();
      if (!ks.partials.empty() && ks.partials.front().start_id < first.start_id) break;
      Partial match = first;
      ks.completed.erase(ks.completed.begin());
      path_.clear();
      for (const PathNode* n = match.path.get(); n; n = n->previous.get()) path_.push_back({n->variable, n->event_id, n->row.get()});
      std::reverse(path_.begin(), path_.end());
      prune(ks, pruning_id());
      output(timestamp);
    }
  }

  // The row from which matches may start again, by AFTER MATCH SKIP; pruned are those that
  // started at or before it (before it, for TO FIRST / TO LAST).
  int64_t pruning_id() const {
    switch (spec_.after) {
      case MatchSpec::After::kPastLastRow: return path_.back().event_id;
      case MatchSpec::After::kToNextRow: return path_.front().event_id;
      case MatchSpec::After::kToFirst:
      case MatchSpec::After::kToLast: {
        int64_t found = -1;
        for (const MatchedRow& r : path_) {
          if (r.variable != spec_.after_variable) continue;
          if (found < 0 || spec_.after == MatchSpec::After::kToLast) found = r.event_id;
        }
        const std::string& name = spec_.variables[static_cast<size_t>(spec_.after_variable)];
        if (found < 0) throw values::EvalError(fmt::format("Could not skip to {}. No such element in the found match", name));
        if (found == path_.front().event_id) throw values::EvalError("Could not skip to first element of a match.");
        return found;
      }
    }
    return 0;
  }

  void prune(KeyState& ks, int64_t pruning) const {
    const bool inclusive = spec_.after == MatchSpec::After::kPastLastRow || spec_.after == MatchSpec::After::kToNextRow;
    auto pruned = [&](const Partial& p) {
      return p.start_id != kNoStart && (inclusive ? p.start_id <= pruning : p.start_id < pruning);
    };
    std::erase_if(ks.partials, pruned);
    std::erase_if(ks.completed, pruned);
  }

  // One row per match: the partition key, then the measures over the whole match.
  void output(int64_t timestamp) {
    const std::vector<Value>& first_row = *path_.front().row;
    fill_extended(first_row, spec_.measures.slots, -1, nullptr, timestamp);
    std::vector<Value> out;
    out.reserve(spec_.partition_keys.size() + spec_.measures.exprs.size());
    for (int k : spec_.partition_keys) out.push_back(first_row[static_cast<size_t>(k)]);
    for (const auto& m : spec_.measures.exprs) out.push_back(evaluate(*m, extended_, ctx()));
    emit(RowKind::kInsert, std::move(out));
  }

  const MatchSpec& spec_;
  match::Nfa nfa_;
  size_t width_;
  KeyedState<KeyState> state_;
  uint64_t next_order_ = 0;
  uint64_t next_seq_ = 0;
  int64_t late_ = 0;
  Key key_;
  // Per row being classified, reused.
  std::vector<MatchedRow> path_;
  std::vector<int8_t> condition_cache_;
  const std::vector<Value>* current_row_ = nullptr;
  std::vector<std::pair<const Edge*, int>> edges_;
  std::vector<Value> extended_;
  std::vector<const std::vector<Value>*> rows_;
  std::vector<Value> args_;
};

}  // namespace

OperatorPtr make_match(const sql::PlanNode& node) { return std::make_unique<Match>(node); }

}  // namespace careflow::exec
