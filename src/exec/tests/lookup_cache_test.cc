// The lookup cache (Flink's DefaultLookupCache options) over a counting fake source and a fake
// clock: hits, the size bound (least recently used first), expiry after write and after access,
// missing keys cached or not, and the options as tables write them.
#include "exec/connectors/lookup_cache.h"

#include <gtest/gtest.h>

namespace careflow::exec {
namespace {

using values::Value;

class CountingSource : public LookupSource {
 public:
  Result<std::vector<std::vector<Value>>> lookup(const std::vector<Value>& key) override {
    ++calls;
    if (key[0].as_int() < 0) return std::vector<std::vector<Value>>{};  // a missing key
    return std::vector<std::vector<Value>>{{key[0], Value::integer(version)}};
  }
  int calls = 0;
  int64_t version = 1;
};

LookupCacheOptions cache(std::optional<int64_t> max_rows, std::optional<int64_t> after_write = {},
                         std::optional<int64_t> after_access = {}) {
  LookupCacheOptions o;
  o.enabled = true;
  o.max_rows = max_rows;
  o.expire_after_write_ms = after_write;
  o.expire_after_access_ms = after_access;
  return o;
}

struct Fixture {
  explicit Fixture(LookupCacheOptions options) {
    auto fake = std::make_unique<CountingSource>();
    source = fake.get();
    cache = with_lookup_cache(std::move(fake), options, [this] { return now; });
  }
  int64_t value_of(int64_t key) {
    auto rows = cache->lookup({Value::integer(key)});
    EXPECT_TRUE(rows.is_ok());
    return rows->empty() ? -1 : (*rows)[0][1].as_int();
  }
  CountingSource* source;
  std::unique_ptr<LookupSource> cache;
  int64_t now = 0;
};

TEST(LookupCache, KeepsAtMostMaxRowsKeysDroppingTheLeastRecentlyUsed) {
  Fixture f(cache(2));
  f.value_of(1);
  f.value_of(2);
  f.value_of(1);  // hit: 1 is now the most recent
  EXPECT_EQ(f.source->calls, 2);
  f.value_of(3);  // evicts 2
  f.value_of(1);
  EXPECT_EQ(f.source->calls, 3);
  f.value_of(2);
  EXPECT_EQ(f.source->calls, 4);
}

TEST(LookupCache, ExpiresAfterWriteAndAfterAccess) {
  Fixture f(cache({}, 1000));
  EXPECT_EQ(f.value_of(7), 1);
  f.source->version = 2;
  f.now = 999;
  EXPECT_EQ(f.value_of(7), 1);  // still the cached row
  f.now = 1000;
  EXPECT_EQ(f.value_of(7), 2);  // expired: read again

  Fixture g(cache({}, {}, 100));
  g.value_of(7);
  for (g.now = 50; g.now < 1000; g.now += 50) g.value_of(7);  // read often enough: never expires
  EXPECT_EQ(g.source->calls, 1);
  g.now += 100;
  g.value_of(7);
  EXPECT_EQ(g.source->calls, 2);
}

TEST(LookupCache, CachesMissingKeysUnlessTold) {
  LookupCacheOptions o = cache(10);
  Fixture cached(o);
  cached.value_of(-1);
  cached.value_of(-1);
  EXPECT_EQ(cached.source->calls, 1);
  o.cache_missing_key = false;
  Fixture uncached(o);
  uncached.value_of(-1);
  uncached.value_of(-1);
  EXPECT_EQ(uncached.source->calls, 2);
}

sql::TableDef table_with(std::vector<std::pair<std::string, std::string>> options) {
  sql::TableDef t;
  t.name = "rx";
  t.options = std::move(options);
  return t;
}

TEST(LookupCache, ReadsFlinksOptions) {
  auto none = lookup_cache_options(table_with({}));
  ASSERT_TRUE(none.is_ok());
  EXPECT_FALSE(none->enabled);
  auto partial = lookup_cache_options(table_with({{"lookup.cache", "partial"},
                                                  {"lookup.partial-cache.max-rows", "500"},
                                                  {"lookup.partial-cache.expire-after-write", "10 min"},
                                                  {"lookup.partial-cache.cache-missing-key", "false"}}));
  ASSERT_TRUE(partial.is_ok()) << partial.status().message();
  EXPECT_TRUE(partial->enabled);
  EXPECT_EQ(partial->max_rows, 500);
  EXPECT_EQ(partial->expire_after_write_ms, 600'000);
  EXPECT_FALSE(partial->expire_after_access_ms);
  EXPECT_FALSE(partial->cache_missing_key);
  // The JDBC connector's older options: max-rows with the default ttl of 10 s.
  auto legacy = lookup_cache_options(table_with({{"lookup.cache.max-rows", "100"}}));
  ASSERT_TRUE(legacy.is_ok());
  EXPECT_TRUE(legacy->enabled);
  EXPECT_EQ(legacy->expire_after_write_ms, 10'000);
  auto empty_partial = lookup_cache_options(table_with({{"lookup.cache", "PARTIAL"}}));
  ASSERT_FALSE(empty_partial.is_ok());
  EXPECT_NE(empty_partial.status().message().find("needs at least one of"), std::string::npos);
  auto full = lookup_cache_options(table_with({{"lookup.cache", "FULL"}}));
  ASSERT_FALSE(full.is_ok());
  EXPECT_NE(full.status().message().find("'FULL' is not supported yet"), std::string::npos);
  auto bad = lookup_cache_options(table_with({{"lookup.cache", "PARTIAL"}, {"lookup.partial-cache.expire-after-write", "soon"}}));
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("'soon' is not a duration"), std::string::npos);
}

TEST(LookupCache, ParsesFlinkDurations) {
  EXPECT_EQ(parse_flink_duration_ms("10s"), 10'000);
  EXPECT_EQ(parse_flink_duration_ms("10 s"), 10'000);
  EXPECT_EQ(parse_flink_duration_ms("1 min"), 60'000);
  EXPECT_EQ(parse_flink_duration_ms("2h"), 7'200'000);
  EXPECT_EQ(parse_flink_duration_ms("1d"), 86'400'000);
  EXPECT_EQ(parse_flink_duration_ms("500"), 500);
  EXPECT_EQ(parse_flink_duration_ms("500 ms"), 500);
  EXPECT_EQ(parse_flink_duration_ms("3 SECONDS"), 3000);
  EXPECT_FALSE(parse_flink_duration_ms("ten s"));
  EXPECT_FALSE(parse_flink_duration_ms("10 fortnights"));
  EXPECT_FALSE(parse_flink_duration_ms(""));
  EXPECT_FALSE(parse_flink_duration_ms("99999999999999999999 d"));
  EXPECT_FALSE(parse_flink_duration_ms("9999999999 d"));
}

}  // namespace
}  // namespace careflow::exec
