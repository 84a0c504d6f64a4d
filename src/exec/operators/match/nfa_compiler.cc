// Mirrors flink-cep's NFACompiler.NFAFactoryCompiler for the patterns SQL produces: a singleton
// (createSingletonState), times(from, to) (createTimesState) and oneOrMore / timesOrMore
// (createLooping + createTimesState), each optional or not, greedy or not, all consecutive.
#include "exec/operators/match/nfa_compiler.h"

namespace careflow::exec::match {

namespace {

class Compiler {
 public:
  explicit Compiler(const sql::MatchSpec& spec) : spec_(spec) {}

  Nfa run() {
    int sink = add_state(-1);
    nfa_.states[static_cast<size_t>(sink)].is_final = true;
    for (size_t i = spec_.pattern.size(); i-- > 0;) sink = convert(spec_.pattern[i], sink);
    nfa_.start = sink;
    return std::move(nfa_);
  }

 private:
  int add_state(int variable) {
    nfa_.states.push_back({variable, false, {}});
    return static_cast<int>(nfa_.states.size() - 1);
  }
  void add_edge(int from, Edge::Action action, int target, EdgeCondition cond) {
    nfa_.states[static_cast<size_t>(from)].edges.push_back({action, target, std::move(cond)});
  }
  // Every edge leaving `state` also requires that the greedy variable's condition fails.
  void make_greedy(int state, int variable) {
    for (Edge& e : nfa_.states[static_cast<size_t>(state)].edges) e.condition.not_takes.push_back(variable);
  }

  int convert(const sql::MatchElement& el, int sink) {
    switch (el.kind) {
      case sql::MatchElement::Kind::kLooping: {
        const int looping = add_state(el.variable);
        add_edge(looping, Edge::Action::kProceed, sink, {});
        if (el.greedy) make_greedy(sink, el.variable);
        add_edge(looping, Edge::Action::kTake, looping, {el.variable, {}});
        return times(el, looping, sink, el.times_from, el.times_from);
      }
      case sql::MatchElement::Kind::kTimes: return times(el, sink, sink, el.times_from, el.times_to);
      case sql::MatchElement::Kind::kSingle: return singleton(el.variable, sink, sink, el.optional);
    }
    return sink;
  }

  int times(const sql::MatchElement& el, int sink, int proceed, int64_t from, int64_t to) {
    int last = sink;
    if (el.greedy && from != to) make_greedy(sink, el.variable);
    for (int64_t i = from; i < to; ++i) last = singleton(el.variable, last, proceed, true);
    for (int64_t i = 0; i < from - 1; ++i) last = singleton(el.variable, last, -1, false);
    return singleton(el.variable, last, proceed, el.optional);
  }

  int singleton(int variable, int sink, int proceed, bool optional) {
    const int state = add_state(variable);
    add_edge(state, Edge::Action::kTake, sink, {variable, {}});
    if (optional) add_edge(state, Edge::Action::kProceed, proceed, {});
    return state;
  }

  const sql::MatchSpec& spec_;
  Nfa nfa_;
};

}  // namespace

Nfa compile_nfa(const sql::MatchSpec& spec) { return Compiler(spec).run(); }

}  // namespace careflow::exec::match
