#pragma once
// What an operator writes at a checkpoint and reads back at a restore (docs/checkpoints.md).
//
// An operator's state is records of four kinds, each in a numbered `space` of the operator (0..254
// are the operator's; 255 is its event-time clock, written by the job):
//   misc  — a blob written whole at every checkpoint (watermarks, timers, small lists); the last
//           one read wins;
//   put   — one keyed entry (encoded key → encoded value), new or changed;
//   erase — a keyed entry removed since the previous checkpoint (a tombstone);
//   clear — the space is written in full after this record: drop what earlier files held.
// A full checkpoint writes clear + every entry of every space; an incremental one only the
// entries of keys touched since the previous checkpoint (state.h). A restore replays the base
// file's records, then each delta's, in the order written, into a freshly built operator.

#include <cstdint>
#include <string_view>
#include <utility>

#include "exec/checkpoint/state_codec.h"
#include "exec/state.h"

namespace careflow::exec {

enum class StateRecordKind : uint8_t { kMisc = 0, kPut = 1, kErase = 2, kClear = 3 };

inline constexpr uint8_t kClockSpace = 255;

struct StateRecord {
  StateRecordKind kind = StateRecordKind::kMisc;
  uint8_t space = 0;
  std::string_view key;    // put, erase
  std::string_view value;  // misc, put
};

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
};

// Writes a keyed state into `space`: on an incremental checkpoint of a state that tracks changes,
// the keys touched since the last one (erased ones as erase records); otherwise clear + every
// entry. `encode(ByteWriter&, const V&)` writes one value. Either way the changes are consumed.
template <typename V, typename Encode>
void write_keyed(StateWriter& out, uint8_t space, KeyedState<V>& state, Encode&& encode) {
  ByteWriter key, value;
  auto put = [&](const Key& k, const V& v) {
    key.clear();
    key.values(k);
    value.clear();
    encode(value, v);
    out.put(space, key.data(), value.data());
  };
  if (out.incremental() && state.tracking()) {
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
    for (const auto& [k, v] : state) put(k, v);
  }
  state.clear_changes();
}

// Applies one record of `space` written by write_keyed. `decode(ByteReader&) -> V` reads a value.
template <typename V, typename Decode>
void restore_keyed(const StateRecord& record, KeyedState<V>& state, Decode&& decode) {
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
    case StateRecordKind::kMisc: throw StateFormatError("a misc record where keyed state was expected");
  }
}

}  // namespace careflow::exec
