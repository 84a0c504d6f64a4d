#pragma once
// What an operator writes at a checkpoint and reads back at a restore (docs/checkpoints.md).
//
// An operator's state is records of four kinds, each in a numbered `space` of the operator (0..254
// are the operator's; 255 is its event-time clock, written by the job):
//   misc  — a blob written whole at every checkpoint (watermarks, timers, small lists); the last
//           one read wins;
//   put   — one keyed entry (encoded key → encoded value), new or changed;
//   erase — a keyed entry removed since the previous checkpoint (a tombstone);
//   clear — the space is written in full after this record: drop what earlier files held;
//   size  — after a clear, how many entries follow (a varint): a restore makes room for them at
//           once instead of growing its map step by step.
// A full checkpoint writes clear + size + every entry of every space; an incremental one only the
// entries of keys touched since the previous checkpoint (state.h). A restore replays the base
// file's records, then each delta's, in the order written, into a freshly built operator.

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

#include "exec/checkpoint/state_codec.h"
#include "exec/state.h"

namespace careflow::exec {

enum class StateRecordKind : uint8_t { kMisc = 0, kPut = 1, kErase = 2, kClear = 3, kSize = 4 };

inline constexpr uint8_t kClockSpace = 255;

struct StateRecord {
  StateRecordKind kind = StateRecordKind::kMisc;
  uint8_t space = 0;
  std::string_view key;    // put, erase
  std::string_view value;  // misc, put, size
};

// A restore reserves room for at most this many entries on a size record's word (a hand-made
// file must not make it allocate gigabytes; past it the map grows as entries come).
inline constexpr uint64_t kMaxReservedEntries = uint64_t{1} << 22;

class StateWriter {
 public:
  virtual ~StateWriter() = default;
  // True when only what changed since the previous checkpoint is asked for.
  virtual bool incremental() const = 0;
  virtual void write(const StateRecord& record) = 0;

  void misc(uint8_t space, std::string_view bytes) { write({StateRecordKind::kMisc, space, {}, bytes}); }
  void put(uint8_t space, std::string_view key, std::string_view value) { write({StateRecordKind::kPut, space, key, value}); }
  void erase(uint8_t space, std::string_view key) { write({StateRecordKind::kErase, space, key, {}}); }
  void clear(uint8_t space) { write({StateRecordKind::kClear, space, {}, {}}); }
  void size(uint8_t space, uint64_t entries) {
    ByteWriter w;
    w.varint(entries);
    write({StateRecordKind::kSize, space, {}, w.data()});
  }
};

// Writes a keyed state into `space`: on an incremental checkpoint of a state that tracks changes,
// the keys touched since the last one (erased ones as erase records); otherwise clear, size and
// every entry. `encode(ByteWriter&, const V&)` writes one value. Either way the changes are consumed.
// When most keys changed (KeyedState::all_changed), a delta rewrites the space whole (clear, then
// every entry) too: walking the map in slot order costs less than looking each changed key up
// (measured on a 100 k-key group aggregate whose keys all change between checkpoints: 88 → 62
// ms), for the same bytes.
template <typename V, typename Map, typename Encode>
void write_keyed(StateWriter& out, uint8_t space, KeyedState<V, Map>& state, Encode&& encode) {
  ByteWriter key, value;
  auto put = [&](const Key& k, const V& v) {
    key.clear();
    key.values(k);
    value.clear();
    encode(value, v);
    out.put(space, key.data(), value.data());
  };
  if (out.incremental() && state.tracking() && !state.all_changed()) {
    for (const Key& k : state.changed()) {
      auto it = state.find(k);
      if (it != state.end()) {
        put(it->first, it->second);
      } else {
        key.clear();
        key.values(k);
        out.erase(space, key.data());
      }
    }
  } else {
    out.clear(space);
    out.size(space, state.size());
    for (const auto& [k, v] : state) put(k, v);
  }
  state.clear_changes();
}

// Applies one record of `space` written by write_keyed. `decode(ByteReader&) -> V` reads a value.
template <typename V, typename Map, typename Decode>
void restore_keyed(const StateRecord& record, KeyedState<V, Map>& state, Decode&& decode) {
  switch (record.kind) {
    case StateRecordKind::kClear: state.clear(); return;
    case StateRecordKind::kPut: {
      ByteReader k(record.key), v(record.value);
      Key key = k.values();
      state.insert_or_assign(std::move(key), decode(v));
      return;
    }
    case StateRecordKind::kErase: {
      ByteReader k(record.key);
      state.erase(k.values());
      return;
    }
    case StateRecordKind::kSize: {
      ByteReader n(record.value);
      state.reserve(static_cast<size_t>(std::min(n.varint(), kMaxReservedEntries)));
      return;
    }
    case StateRecordKind::kMisc: throw StateFormatError("a misc record where keyed state was expected");
  }
  throw StateFormatError("an unknown state record kind");
}

// Counters an operator keeps beside its keyed state (the arrival number that orders its keys,
// late rows dropped, ...), written whole as one misc record of `space` at every checkpoint:
// unsigned ones as varints, signed ones as zigzag varints. One helper, so that every operator
// writes and reads them the same way; read_counters reads them back in the order written.
template <typename... Counters>
void write_counters(StateWriter& out, uint8_t space, const Counters&... counters) {
  static_assert((std::is_integral_v<Counters> && ...), "counters are integers");
  ByteWriter w;
  auto one = [&w](auto c) {
    if constexpr (std::is_unsigned_v<decltype(c)>) w.varint(c);
    else w.svarint(c);
  };
  (one(counters), ...);
  out.misc(space, w.data());
}

template <typename... Counters>
void read_counters(const StateRecord& record, Counters&... counters) {
  static_assert((std::is_integral_v<Counters> && ...), "counters are integers");
  if (record.kind != StateRecordKind::kMisc) throw StateFormatError("a keyed record where counters were expected");
  ByteReader in(record.value);
  auto one = [&in](auto& c) {
    using T = std::remove_reference_t<decltype(c)>;
    if constexpr (std::is_unsigned_v<T>) c = static_cast<T>(in.varint());
    else c = static_cast<T>(in.svarint());
  };
  (one(counters), ...);
}

}  // namespace careflow::exec
