// JoinSideState keeps, per join key, each distinct row with its count, in arrival order; a key with
// many records is indexed by row hash and leaves retracted records in place until it compacts. Long
// random runs of adds and retractions are checked, after every step, against a plain list.
#include "exec/operators/join_state.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace careflow::exec {
namespace {

using values::Value;
using Counted = std::vector<std::pair<std::vector<Value>, int64_t>>;

Counted live_records(JoinSideState& state, const Key& key) {
  Counted out;
  if (std::vector<JoinRecord>* records = state.records(key)) {
    for (const JoinRecord& r : *records) {
      if (r.count != 0) out.emplace_back(r.row, r.count);
    }
  }
  return out;
}

// Phases of mostly adds then mostly retractions, so keys grow past the index threshold, shrink
// back below it (compaction drops the index) and empty out; rows repeat, and retractions of rows
// that are not there are mixed in.
void check_against_a_plain_list(JoinSideState::RowHash hash, uint32_t seed) {
  JoinSideState state(&StateTtl::none(), hash);
  std::map<int64_t, Counted> model;
  std::mt19937 rng(seed);
  for (int step = 0; step < 30000; ++step) {
    const int64_t k = static_cast<int64_t>(rng() % 3);
    const Key key{Value::integer(k)};
    const std::vector<Value> row{Value::integer(static_cast<int64_t>(rng() % 60)),
                                 Value::string(rng() % 2 ? "short" : "a string longer than the inline buffer")};
    Counted& list = model[k];
    auto it = std::find_if(list.begin(), list.end(), [&](const auto& r) { return r.first == row; });
    const bool growing = (step / 3000) % 2 == 0;
    const bool add = growing ? rng() % 5 != 0 : rng() % 5 == 0;
    if (add) {
      state.add(key, row, 0);
      if (it != list.end()) ++it->second;
      else list.emplace_back(row, 1);
    } else {
      state.retract(key, row);
      if (it != list.end() && --it->second == 0) list.erase(it);
    }
    ASSERT_EQ(live_records(state, key), list) << "step " << step << ", key " << k;
    if (list.empty()) {
      ASSERT_EQ(state.records(key), nullptr) << "step " << step;
    }
  }
}

TEST(JoinSideStateTest, ManyRowsPerKeyStayCountedInArrivalOrderThroughAddsAndRetractions) {
  check_against_a_plain_list(&JoinSideState::hash_row, 1);
  check_against_a_plain_list(&JoinSideState::hash_row, 2);
}

TEST(JoinSideStateTest, DifferentRowsWithOneHashAreStillCountedApart) {
  // Three hash values for sixty rows: nearly every indexed lookup lands on another row first.
  check_against_a_plain_list([](const std::vector<Value>& row) { return static_cast<size_t>(row[0].as_int() % 3); },
                             3);
}

}  // namespace
}  // namespace careflow::exec
