#pragma once
// 'table.exec.state.ttl' as Flink applies it to an operator's keyed state (StateConfigUtil#
// createTtlConfig): an entry lives `ttl_ms` of processing time after it was last written
// (UpdateType.OnCreateAndWrite: reading does not extend it), and an expired entry is never
// returned (StateVisibility.NeverReturnExpired), so the operator sees the key as new. Expired
// entries are also swept out once per TTL period, so the state stays bounded.

#include <cstdint>
#include <functional>
#include <limits>
#include <utility>

#include "common/clock.h"
#include "exec/state.h"

namespace careflow::exec {

class StateTtl {
 public:
  using Clock = std::function<int64_t()>;  // processing time, epoch milliseconds (Flink's TtlTimeProvider)

  explicit StateTtl(int64_t ttl_ms = 0, Clock clock = wall_clock_ms) : ttl_ms_(ttl_ms), clock_(std::move(clock)) {}

  bool enabled() const { return ttl_ms_ > 0; }
  int64_t ttl_ms() const { return ttl_ms_; }
  int64_t now() const { return enabled() ? clock_() : 0; }
  // Flink's TtlUtils#expired: last write + ttl <= now (without overflowing).
  bool expired(int64_t written_ms, int64_t now_ms) const {
    if (!enabled()) return false;
    return written_ms > std::numeric_limits<int64_t>::max() - ttl_ms_ ? false : written_ms + ttl_ms_ <= now_ms;
  }
  // Whether a sweep of the whole state is due at `now_ms` (at most once per TTL period; the
  // caller keeps `next_sweep_ms`, initially INT64_MIN).
  bool sweep_due(int64_t now_ms, int64_t& next_sweep_ms) const {
    if (!enabled() || now_ms < next_sweep_ms) return false;
    next_sweep_ms = now_ms + ttl_ms_;
    return true;
  }

  // `it`, or, when its entry was last written (`written(value)`) a TTL ago, state.end() after
  // erasing the entry (touched for incremental checkpoints).
  template <typename V, typename Written>
  typename KeyedState<V>::iterator live(KeyedState<V>& state, typename KeyedState<V>::iterator it, int64_t now_ms,
                                        Written&& written) const {
    if (it == state.end() || !expired(written(it->second), now_ms)) return it;
    state.touch(it->first);
    state.erase(it);
    return state.end();
  }
  // Erases every expired entry of `state`, when a sweep is due (once per TTL period).
  template <typename V, typename Written>
  void sweep(KeyedState<V>& state, int64_t now_ms, int64_t& next_sweep_ms, Written&& written) const {
    if (!sweep_due(now_ms, next_sweep_ms)) return;
    for (auto it = state.begin(); it != state.end();) {
      if (expired(written(it->second), now_ms)) {
        state.touch(it->first);
        state.erase(it++);
      } else {
        ++it;
      }
    }
  }

  // The disabled TTL, for state that never expires.
  static const StateTtl& none() {
    static const StateTtl kNone;
    return kNone;
  }

 private:
  int64_t ttl_ms_;
  Clock clock_;
};

}  // namespace careflow::exec
