#pragma once
// Session windows per key as Flink's MergingWindowSet with SessionWindowAssigner keeps them
// (flink-table-runtime groupwindow.internal.MergingWindowProcessFunction), shared by the SESSION
// window aggregate and the SESSION window table function, which differ only in what a session
// holds (`Content`: accumulators, or the rows themselves):
//   - a row at t has the window [t, t + gap); windows that touch (TimeWindow.intersects is
//     inclusive: [1, 6) and [6, 11) merge) merge into one covering them, their contents merged
//     in order of start; a window inside an open session is that session.
//   - a merge registers the merged session's timer, then deletes the merged ones' (Flink's
//     MergingFunctionImpl: onMerge, then deleteCleanupTimer), so equal timers of several keys
//     fire in Flink's heap order (event_time_timers.h).
//   - a window that touches no open session and whose last millisecond is at or behind the
//     watermark is late: the row is dropped (the caller counts it).
//   - a session fires when the watermark reaches its last millisecond (end - 1).
// Times are "window time" (window_math.h); timers are at the UTC instants.

#include <absl/container/node_hash_map.h>

#include <limits>
#include <map>
#include <memory>
#include <vector>

#include "exec/checkpoint/state_io.h"
#include "exec/operators/event_time_timers.h"
#include "exec/operators/window/window_math.h"
#include "exec/state.h"

namespace careflow::exec::window {

template <typename Content>
class MergingSessions {
 public:
  struct KeySessions;
  struct Session {
    int64_t start, end;  // window time, milliseconds
    Content content;
    KeySessions* owner;
    size_t timer_index = 0;
  };
  struct KeySessions {
    std::map<int64_t, std::unique_ptr<Session>> by_start;  // disjoint sessions
    const Key* key = nullptr;                               // this entry's key in the map
  };

  // `merge(into, from)` moves the content of a merged session into the session covering it.
  using MergeFn = void (*)(Content& into, Content& from);
  MergingSessions(const sql::WindowSpec& spec, MergeFn merge) : spec_(spec), merge_(merge) {}

  // The session the row of `key` at window time `t` belongs to, opened or merged as needed, with
  // `fresh` as a new session's content; nullptr when the row is late (dropped).
  template <typename Fresh>
  Session* assign(const Key& key, int64_t t, int64_t watermark, const values::EvalContext& ctx, Fresh&& fresh) {
    int64_t end = 0;
    if (__builtin_add_overflow(t, spec_.size, &end)) end = std::numeric_limits<int64_t>::max();
    auto it = state_.find(key);
    if (it == state_.end()) {
      it = state_.emplace(key, KeySessions{}).first;
      it->second.key = &it->first;
    }
    KeySessions& ks = it->second;
    // The open sessions [t, end] touches: contiguous in start order, as sessions are disjoint.
    std::vector<Session*> touched;
    for (auto s = ks.by_start.upper_bound(end); s != ks.by_start.begin();) {
      --s;
      if (s->second->end < t) break;
      touched.insert(touched.begin(), s->second.get());
    }
    if (touched.empty()) {
      if (fired(spec_, end, watermark, ctx)) {
        if (ks.by_start.empty()) state_.erase(it);
        return nullptr;
      }
      return open(ks, t, end, fresh(), ctx);
    }
    if (touched.size() == 1 && touched[0]->start <= t && touched[0]->end >= end) return touched[0];
    std::vector<std::unique_ptr<Session>> old;
    for (Session* s : touched) old.push_back(std::move(ks.by_start.extract(s->start).mapped()));
    Session* merged = open(ks, std::min(t, old.front()->start), std::max(end, old.back()->end), fresh(), ctx);
    for (const std::unique_ptr<Session>& s : old) {
      merge_(merged->content, s->content);
      timers_.remove(s.get());
    }
    return merged;
  }

  // Fires the sessions whose last millisecond the watermark has reached, in timer order:
  // `emit(key, session)`, then the session is gone.
  template <typename Emit>
  void fire(int64_t watermark, Emit&& emit) {
    while (!timers_.empty() && timers_.peek().time <= watermark) {
      Session* s = timers_.poll().target;
      KeySessions& ks = *s->owner;
      emit(*ks.key, *s);
      ks.by_start.erase(s->start);
      if (ks.by_start.empty()) {
        const Key key = *ks.key;
        state_.erase(key);
      }
    }
  }

  // Checkpoints, written whole as one misc record of `space`: the operator's arrival counter and
  // late rows, then the sessions. Every open session has exactly one timer, so the timer heap in
  // its array order, each entry with its key, bounds and content (`write_content(ByteWriter&,
  // const Content&)`), is the whole state and keeps the order in which equal timers fire.
  // restore() replaces the state and the counters with what snapshot() wrote
  // (`read_content(ByteReader&) -> Content`).
  template <typename WriteContent>
  void snapshot(StateWriter& out, uint8_t space, uint64_t arrivals, int64_t late, WriteContent&& write_content) const {
    ByteWriter w;
    w.varint(arrivals);
    w.svarint(late);
    w.varint(static_cast<uint64_t>(timers_.end() - timers_.begin()));
    for (const auto* t = timers_.begin(); t != timers_.end(); ++t) {
      const Session& s = *t->target;
      w.svarint(t->time);
      w.values(*s.owner->key);
      w.svarint(s.start);
      w.svarint(s.end);
      write_content(w, s.content);
    }
    out.misc(space, w.data());
  }
  template <typename ReadContent>
  void restore(const StateRecord& record, uint64_t& arrivals, int64_t& late, ReadContent&& read_content) {
    if (record.kind != StateRecordKind::kMisc) throw StateFormatError("a session window record that is not its state");
    ByteReader in(record.value);
    arrivals = in.varint();
    late = in.svarint();
    timers_.clear();
    state_.clear();
    for (size_t n = in.count(); n > 0; --n) {
      const int64_t time = in.svarint();
      Key key = in.values();
      const int64_t start = in.svarint(), end = in.svarint();
      if (end < start) throw StateFormatError("a session that ends before it starts");
      auto it = state_.find(key);
      if (it == state_.end()) {
        it = state_.emplace(std::move(key), KeySessions{}).first;
        it->second.key = &it->first;
      }
      auto s = std::make_unique<Session>(Session{start, end, read_content(in), &it->second});
      Session* raw = s.get();
      if (!it->second.by_start.emplace(start, std::move(s)).second) throw StateFormatError("a session written twice");
      timers_.restore_next(time, raw);
    }
  }

  // The UTC instant of a session's last millisecond (its timer, its window_time).
  int64_t last_instant(int64_t end, const values::EvalContext& ctx) const { return to_utc(spec_, end - 1, ctx); }

 private:
  Session* open(KeySessions& ks, int64_t start, int64_t end, Content content, const values::EvalContext& ctx) {
    auto s = std::make_unique<Session>(Session{start, end, std::move(content), &ks});
    Session* raw = s.get();
    ks.by_start.emplace(start, std::move(s));
    timers_.add(last_instant(end, ctx), raw);
    return raw;
  }

  const sql::WindowSpec& spec_;
  MergeFn merge_;
  // Node-based: sessions point at their key's entry while timers point at sessions.
  absl::node_hash_map<Key, KeySessions, values::KeyHash> state_;
  EventTimeTimers<Session> timers_;
};

}  // namespace careflow::exec::window
