#include "exec/connectors/lookup_cache.h"

#include <fmt/format.h>

#include <list>

#include "common/ascii_case.h"
#include "common/clock.h"
#include "common/numbers.h"
#include "exec/state.h"

namespace careflow::exec {

namespace {

using Rows = std::vector<std::vector<values::Value>>;

class CachedLookup : public LookupSource {
 public:
  CachedLookup(std::unique_ptr<LookupSource> source, LookupCacheOptions options, std::function<int64_t()> clock)
      : source_(std::move(source)), options_(options), clock_(std::move(clock)) {}

  Result<Rows> lookup(const std::vector<values::Value>& key) override {
    const int64_t now = clock_();
    auto found = entries_.find(key);
    if (found != entries_.end()) {
      Entry& e = found->second;
      const bool written_too_long_ago = options_.expire_after_write_ms && now - e.written >= *options_.expire_after_write_ms;
      const bool unread_too_long = options_.expire_after_access_ms && now - e.read >= *options_.expire_after_access_ms;
      if (!written_too_long_ago && !unread_too_long) {
        e.read = now;
        recency_.splice(recency_.begin(), recency_, e.position);
        return e.rows;
      }
      recency_.erase(e.position);
      entries_.erase(found);
    }
    CF_ASSIGN_OR_RETURN(Rows rows, source_->lookup(key));
    if (rows.empty() && !options_.cache_missing_key) return rows;
    recency_.push_front(key);
    entries_.emplace(key, Entry{rows, now, now, recency_.begin()});
    if (options_.max_rows && static_cast<int64_t>(entries_.size()) > *options_.max_rows) {
      entries_.erase(recency_.back());
      recency_.pop_back();
    }
    return rows;
  }

 private:
  struct Entry {
    Rows rows;
    int64_t written, read;
    std::list<Key>::iterator position;  // in recency_
  };

  std::unique_ptr<LookupSource> source_;
  LookupCacheOptions options_;
  std::function<int64_t()> clock_;
  KeyedState<Entry> entries_;
  std::list<Key> recency_;  // most recently used first
};

Result<std::optional<int64_t>> duration_option(const sql::TableDef& table, const char* key) {
  const std::string* text = table.option(key);
  if (!text) return std::optional<int64_t>{};
  std::optional<int64_t> ms = parse_flink_duration_ms(*text);
  if (!ms || *ms < 0) {
    return Status::invalid_argument(fmt::format("table '{}': '{}' = '{}' is not a duration (such as '10 s', '1 min' "
                                                "or '500 ms')",
                                                table.name, key, *text));
  }
  return ms;
}

Result<std::optional<int64_t>> count_option(const sql::TableDef& table, const char* key) {
  const std::string* text = table.option(key);
  if (!text) return std::optional<int64_t>{};
  std::optional<int64_t> n = parse_number<int64_t>(*text);
  if (!n) return Status::invalid_argument(fmt::format("table '{}': '{}' = '{}' is not a whole number", table.name, key, *text));
  return n;
}

Result<bool> bool_option(const sql::TableDef& table, const char* key, bool fallback) {
  const std::string* text = table.option(key);
  if (!text) return fallback;
  const std::string v = to_lower(*text);
  if (v == "true") return true;
  if (v == "false") return false;
  return Status::invalid_argument(fmt::format("table '{}': '{}' = '{}' is not 'true' or 'false'", table.name, key, *text));
}

}  // namespace

std::optional<int64_t> parse_flink_duration_ms(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return std::nullopt;
  std::optional<int64_t> amount = parse_number<int64_t>(text.substr(0, digits));
  if (!amount) return std::nullopt;
  std::string_view unit = text.substr(digits);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  const std::string u = to_lower(unit);
  struct Unit {
    const char* names[5];
    int64_t nanos;
  };
  static const Unit kUnits[] = {
      {{"d", "day", "days"}, 86'400'000'000'000},
      {{"h", "hour", "hours"}, 3'600'000'000'000},
      {{"min", "m", "minute", "minutes"}, 60'000'000'000},
      {{"s", "sec", "secs", "second", "seconds"}, 1'000'000'000},
      {{"ms", "milli", "millis", "millisecond", "milliseconds"}, 1'000'000},
      {{"us", "micro", "micros", "microsecond", "microseconds"}, 1'000},
      {{"ns", "nano", "nanos", "nanosecond", "nanoseconds"}, 1},
  };
  int64_t nanos = 1'000'000;  // no unit: milliseconds
  if (!u.empty()) {
    bool known = false;
    for (const Unit& candidate : kUnits) {
      for (const char* name : candidate.names) {
        if (name && u == name) {
          nanos = candidate.nanos;
          known = true;
        }
      }
    }
    if (!known) return std::nullopt;
  }
  // Milliseconds, without overflowing: a duration past ~292 years is refused.
  if (*amount > INT64_MAX / nanos) return std::nullopt;
  return *amount * nanos / 1'000'000;
}

Result<LookupCacheOptions> lookup_cache_options(const sql::TableDef& table) {
  LookupCacheOptions out;
  // The JDBC connector's older options: a cache when both are positive.
  CF_ASSIGN_OR_RETURN(std::optional<int64_t> legacy_rows, count_option(table, "lookup.cache.max-rows"));
  CF_ASSIGN_OR_RETURN(std::optional<int64_t> legacy_ttl, duration_option(table, "lookup.cache.ttl"));
  CF_ASSIGN_OR_RETURN(bool legacy_missing, bool_option(table, "lookup.cache.caching-missing-key", true));
  if (legacy_rows.value_or(-1) > 0 && legacy_ttl.value_or(10'000) > 0) {
    out.enabled = true;
    out.max_rows = legacy_rows;
    out.expire_after_write_ms = legacy_ttl.value_or(10'000);
    out.cache_missing_key = legacy_missing;
  }
  const std::string* type = table.option("lookup.cache");
  const std::string kind = type ? to_upper(*type) : "NONE";
  if (kind == "NONE") return out;
  if (kind == "FULL") {
    return Status::invalid_argument(fmt::format("table '{}': 'lookup.cache' = 'FULL' is not supported yet; use "
                                                "'PARTIAL' or 'NONE'",
                                                table.name));
  }
  if (kind != "PARTIAL") {
    return Status::invalid_argument(fmt::format("table '{}': 'lookup.cache' = '{}' is none of 'NONE', 'PARTIAL' and "
                                                "'FULL'",
                                                table.name, *type));
  }
  out = LookupCacheOptions{};
  out.enabled = true;
  CF_ASSIGN_OR_RETURN(out.max_rows, count_option(table, "lookup.partial-cache.max-rows"));
  CF_ASSIGN_OR_RETURN(out.expire_after_write_ms, duration_option(table, "lookup.partial-cache.expire-after-write"));
  CF_ASSIGN_OR_RETURN(out.expire_after_access_ms, duration_option(table, "lookup.partial-cache.expire-after-access"));
  CF_ASSIGN_OR_RETURN(out.cache_missing_key, bool_option(table, "lookup.partial-cache.cache-missing-key", true));
  if (!out.max_rows && !out.expire_after_write_ms && !out.expire_after_access_ms) {
    return Status::invalid_argument(fmt::format("table '{}': a PARTIAL lookup cache needs at least one of "
                                                "'lookup.partial-cache.max-rows', '.expire-after-write' and "
                                                "'.expire-after-access'",
                                                table.name));
  }
  if (out.max_rows && *out.max_rows <= 0) {
    return Status::invalid_argument(fmt::format("table '{}': 'lookup.partial-cache.max-rows' must be positive", table.name));
  }
  return out;
}

std::unique_ptr<LookupSource> with_lookup_cache(std::unique_ptr<LookupSource> source, const LookupCacheOptions& options,
                                                std::function<int64_t()> clock_ms) {
  if (!options.enabled) return source;
  if (!clock_ms) clock_ms = [] { return steady_clock_ms(); };
  return std::make_unique<CachedLookup>(std::move(source), options, std::move(clock_ms));
}

}  // namespace careflow::exec
