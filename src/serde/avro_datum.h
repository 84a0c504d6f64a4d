#pragma once
// One Avro value of any schema (the "generic" representation): what the decoder produces and the
// encoder consumes. Which members are meaningful depends on the schema node it belongs to:
//   null → nothing; boolean, int, long → `i`; float, double → `d`; string, bytes, fixed → `s`;
//   enum → `i` = symbol index; record → `items` = fields in schema order; array → `items`;
//   map → `keys` and `items` side by side (in wire order); union → `i` = branch, `items[0]` = value.
// Logical types keep their underlying representation (decimal: two's-complement big-endian bytes
// in `s`; date: days in `i`; timestamp-micros: microseconds in `i`; uuid: text in `s`).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace careflow::serde::avro {

struct Datum {
  int64_t i = 0;
  double d = 0;
  std::string s;
  std::vector<Datum> items;
  std::vector<std::string> keys;

  static Datum null() { return {}; }
  static Datum boolean(bool b) { Datum x; x.i = b; return x; }
  static Datum integer(int64_t v) { Datum x; x.i = v; return x; }
  static Datum real(double v) { Datum x; x.d = v; return x; }
  static Datum text(std::string v) { Datum x; x.s = std::move(v); return x; }
  static Datum list(std::vector<Datum> v) { Datum x; x.items = std::move(v); return x; }
  static Datum branch(int64_t index, Datum value) {
    Datum x;
    x.i = index;
    x.items.push_back(std::move(value));
    return x;
  }

  bool operator==(const Datum&) const = default;
};

}  // namespace careflow::serde::avro
