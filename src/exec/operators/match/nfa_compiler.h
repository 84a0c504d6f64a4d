#pragma once
// The automaton of a MATCH_RECOGNIZE pattern, compiled as Flink's NFACompiler compiles the CEP
// Pattern that Flink's SQL translation builds (strict contiguity everywhere, so no IGNORE edges):
// states built backwards from the final state, one per counted row of a quantifier, a looping
// state for an unbounded one, greedy quantifiers made greedy by negating their variable's
// condition on every edge of the state that follows them (updateWithGreedyCondition). Matching
// the same states, edges and edge order as Flink is what makes the matches and their order the
// same.

#include <vector>

#include "sql/match_spec.h"

namespace careflow::exec::match {

// An edge's condition: `take`'s DEFINE (none: TRUE) and NOT of each variable's DEFINE in
// `not_takes` (added by greedy quantifiers).
struct EdgeCondition {
  int take = -1;
  std::vector<int> not_takes;
};

struct Edge {
  enum class Action { kTake, kProceed };
  Action action = Action::kTake;
  int target = 0;
  EdgeCondition condition;
};

struct NfaState {
  int variable = -1;  // the pattern variable a row taken here is mapped to; -1 for the final state
  bool is_final = false;
  std::vector<Edge> edges;
};

struct Nfa {
  std::vector<NfaState> states;
  int start = 0;
};

Nfa compile_nfa(const sql::MatchSpec& spec);

}  // namespace careflow::exec::match
