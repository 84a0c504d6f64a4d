#include "api/list_cache.h"

namespace careflow::api {

ListCache::Entry ListCache::get(const std::string& table) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(table);
  return it == entries_.end() ? Entry{0, std::nullopt} : it->second;
}

void ListCache::put(const std::string& table, uint64_t generation, std::string body) {
  std::lock_guard lock(mutex_);
  Entry& e = entries_[table];
  if (e.generation == generation) e.body = std::move(body);
}

void ListCache::invalidate(const std::string& table) {
  std::lock_guard lock(mutex_);
  Entry& e = entries_[table];
  ++e.generation;
  e.body.reset();
}

}  // namespace careflow::api
