#include "store/prescription_id.h"

#include <random>

namespace careflow::store {

std::string new_prescription_id(std::string_view device_id) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<size_t> pick(0, kAlphabet.size() - 1);
  std::string id = "RX-";
  id += device_id;
  id += '-';
  for (int i = 0; i < 4; ++i) id += kAlphabet[pick(rng)];
  return id;
}

}  // namespace careflow::store
