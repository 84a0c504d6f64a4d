#pragma once
// The cache in front of a lookup source, as Flink's lookup options configure it (LookupOptions,
// DefaultLookupCache; the JDBC connector's older 'lookup.cache.*' options too):
//   'lookup.cache' = 'NONE' (default) | 'PARTIAL' ('FULL' is refused: not supported yet)
//   'lookup.partial-cache.max-rows', '.expire-after-write', '.expire-after-access',
//   '.cache-missing-key' (default true; an empty result is cached too)
//   'lookup.cache.max-rows' with 'lookup.cache.ttl' (both > 0), 'lookup.cache.caching-missing-key'
// A PARTIAL cache holds up to max-rows keys (the least recently used goes first), each entry
// until it is older than expire-after-write or unread for expire-after-access. Durations are
// Flink's: "10s", "1 min", "500ms", a bare number of milliseconds.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "exec/connectors/connector.h"

namespace careflow::exec {

struct LookupCacheOptions {
  bool enabled = false;
  std::optional<int64_t> max_rows;
  std::optional<int64_t> expire_after_write_ms, expire_after_access_ms;
  bool cache_missing_key = true;
};

// The table's cache options; InvalidArgument naming the option that does not parse, and for a
// PARTIAL cache with neither a size nor an expiry (Flink's rule).
Result<LookupCacheOptions> lookup_cache_options(const sql::TableDef& table);

// Flink's TimeUtils.parseDuration in milliseconds: a number and a unit (ns, us, ms, s, min, h, d
// and their long forms), a bare number meaning milliseconds; nullopt when it does not parse.
std::optional<int64_t> parse_flink_duration_ms(std::string_view text);

// `source` behind the cache `options` describe (itself when disabled). `clock_ms` reads the time
// entries age by (steady milliseconds by default; tests pass their own).
std::unique_ptr<LookupSource> with_lookup_cache(std::unique_ptr<LookupSource> source, const LookupCacheOptions& options,
                                                std::function<int64_t()> clock_ms = nullptr);

}  // namespace careflow::exec
