#pragma once
// Cached bodies of GET /<collection> lists, one per table, dropped when the table changes (the
// API's own writes drop them at once; store::ChangeListener reports everybody else's). A
// generation number per table keeps a list read before a change from being cached after it.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace careflow::api {

class ListCache {
 public:
  struct Entry {
    uint64_t generation;
    std::optional<std::string> body;
  };
  // The cached body (if any) and the generation to pass to put() after computing a fresh one.
  Entry get(const std::string& table) const;
  // Caches `body` unless the table changed since `generation` was read.
  void put(const std::string& table, uint64_t generation, std::string body);
  void invalidate(const std::string& table);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace careflow::api
