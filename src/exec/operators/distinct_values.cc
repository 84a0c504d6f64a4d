#include "exec/operators/distinct_values.h"

#include "exec/checkpoint/state_codec.h"
#include "exec/operators/operators.h"

namespace careflow::exec {

using values::Value;

DistinctPlan::DistinctPlan(const std::vector<sql::AggCall>& aggs) : place_(aggs.size()) {
  for (size_t i = 0; i < aggs.size(); ++i) {
    if (!aggs[i].distinct) continue;
    size_t v = 0;
    while (v < views_.size() && views_[v].args != aggs[i].args) ++v;
    if (v == views_.size()) views_.push_back(View{aggs[i].args, {}});
    place_[i] = Place{static_cast<int>(v), views_[v].calls.size()};
    views_[v].calls.push_back(i);
  }
}

void DistinctValues::process(const DistinctPlan& plan, const std::vector<sql::AggCall>& aggs,
                             const std::vector<Value>& row, bool accumulate,
                             std::vector<std::unique_ptr<sql::Accumulator>>& accumulators, Key& scratch) {
  for (size_t v = 0; v < maps_.size(); ++v) {
    const DistinctPlan::View& view = plan.views_[v];
    fill_key(scratch, row, view.args);
    if (key_has_null(scratch)) continue;
    auto& map = maps_[v];
    auto it = map.find(scratch);
    if (it == map.end()) {
      if (!accumulate) continue;
      bool any = false;
      for (size_t call : view.calls) any = any || call_selects(aggs[call], row);
      if (!any) continue;
      it = map.emplace(scratch, Counts(view.calls.size(), 0)).first;
    }
    Counts& counts = it->second;
    for (size_t slot = 0; slot < view.calls.size(); ++slot) {
      const size_t call = view.calls[slot];
      if (!call_selects(aggs[call], row)) continue;
      if (accumulate) {
        if (++counts[slot] == 1) accumulators[call]->accumulate(scratch.data());
      } else if (counts[slot] > 0 && --counts[slot] == 0) {
        accumulators[call]->retract(scratch.data());
      }
    }
    if (!accumulate) {
      bool counted = false;
      for (int64_t n : counts) counted = counted || n > 0;
      if (!counted) map.erase(it);
    }
  }
}

Value DistinctValues::save(const DistinctPlan& plan, size_t i, const sql::Accumulator& inner) const {
  const DistinctPlan::Place& place = plan.place_[i];
  const auto& map = maps_[static_cast<size_t>(place.view)];
  std::vector<Value> out{inner.save()};
  out.reserve(1 + map.size() * 2);
  for (const auto& [key, counts] : map) {
    if (counts[place.slot] == 0) continue;
    out.push_back(Value::list(key));
    out.push_back(Value::integer(counts[place.slot]));
  }
  return Value::list(std::move(out));
}

void DistinctValues::load(const DistinctPlan& plan, size_t i, sql::Accumulator& inner, const Value& state) {
  const DistinctPlan::Place& place = plan.place_[i];
  const size_t calls = plan.views_[static_cast<size_t>(place.view)].calls.size();
  auto& map = maps_[static_cast<size_t>(place.view)];
  if (!state.is_list() || state.as_list().empty() || state.as_list().size() % 2 != 1) {
    throw StateFormatError("a DISTINCT aggregate's state is not its accumulator followed by value / count pairs");
  }
  const std::vector<Value>& s = state.as_list();
  inner.load(s[0]);
  for (size_t j = 1; j + 1 < s.size(); j += 2) {
    if (!s[j].is_list() || s[j + 1].is_null()) throw StateFormatError("a DISTINCT aggregate's value / count pair is malformed");
    Counts& counts = map.try_emplace(s[j].as_list(), Counts(calls, 0)).first->second;
    counts[place.slot] = s[j + 1].as_int();
  }
}

}  // namespace careflow::exec
