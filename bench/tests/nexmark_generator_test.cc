// The Nexmark generator of engine_bench against what the reference (github.com/nexmark/nexmark)
// defines: java.util.SplittableRandom's sequence, the 1 : 3 : 46 proportions and where in each 50
// events they fall, consecutive person and auction ids from 1000, event time from the rate, hot
// auctions and bidders, the price range and the average sizes the "extra" padding aims at.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "nexmark_generator.h"

namespace careflow::bench::nexmark {
namespace {

// Values printed by Java 17 (jshell): `var r = new java.util.SplittableRandom(42);` then
// r.nextLong(), r.nextInt(), r.nextInt(100), r.nextInt(1000000007), r.nextDouble(), in that order.
TEST(SplittableRandomTest, GivesJavasSequenceForASeed) {
  SplittableRandom r(42);
  EXPECT_EQ(r.next_long(), -4767286540954276203LL);
  EXPECT_EQ(r.next_int(), 909395113);
  EXPECT_EQ(r.next_int(100), 81);
  EXPECT_EQ(r.next_int(1'000'000'007), 635203165);
  EXPECT_DOUBLE_EQ(r.next_double(), 0.03803016854024621);
}

TEST(SplittableRandomTest, BoundedIntsStayInRange) {
  SplittableRandom r(7);
  for (int bound : {1, 2, 3, 13, 26, 100, 10'000, 1 << 20, 2'000'000'000}) {
    for (int i = 0; i < 1000; ++i) {
      const int32_t v = r.next_int(bound);
      ASSERT_GE(v, 0);
      ASSERT_LT(v, bound);
    }
  }
}

Config test_config() {
  Config c;
  c.base_time_ms = 1'767'225'600'000;
  c.seed = 3;
  return c;
}

TEST(NexmarkGeneratorTest, ProportionsAndIdsFollowTheReference) {
  Generator g(test_config());
  std::map<Event::Type, int> counts;
  int64_t last_person = 0, last_auction = 0;
  for (int k = 0; k < 50'000; ++k) {
    const Event e = g.next();
    ++counts[e.type];
    // Event k has id k + 2 (firstEventId 1, firstEventNumber 1): a person where (k + 2) % 50 == 0,
    // an auction where it is 1, 2 or 3.
    const int rem = (k + 2) % 50;
    const Event::Type expected = rem == 0 ? Event::kPerson : (rem < 4 ? Event::kAuction : Event::kBid);
    ASSERT_EQ(e.type, expected) << "event " << k;
    if (e.type == Event::kPerson) {
      EXPECT_EQ(e.person.id, last_person == 0 ? 1001 : last_person + 1);
      last_person = e.person.id;
    } else if (e.type == Event::kAuction) {
      EXPECT_EQ(e.auction.id, last_auction == 0 ? 1001 : last_auction + 1);
      last_auction = e.auction.id;
      EXPECT_GE(e.auction.category, 10);
      EXPECT_LT(e.auction.category, 15);
      EXPECT_GT(e.auction.expires_ms, e.auction.date_time_ms);
      EXPECT_GE(e.auction.reserve, e.auction.initial_bid);
    }
  }
  EXPECT_EQ(counts[Event::kPerson], 1000);
  EXPECT_EQ(counts[Event::kAuction], 3000);
  EXPECT_EQ(counts[Event::kBid], 46'000);
}

TEST(NexmarkGeneratorTest, EventTimeAdvancesByTheRate) {
  Generator g(test_config());
  int64_t previous = 0;
  int64_t last = 0;
  for (int k = 0; k < 100'000; ++k) {
    const Event e = g.next();
    const int64_t t = e.type == Event::kPerson ? e.person.date_time_ms
                      : e.type == Event::kAuction ? e.auction.date_time_ms
                                                  : e.bid.date_time_ms;
    // 10,000 events a second: event number k + 1 at base + (k + 1) * 100 us.
    ASSERT_EQ(t, test_config().base_time_ms + (k + 1) / 10) << "event " << k;
    ASSERT_GE(t, previous);
    previous = t;
    last = t;
  }
  EXPECT_EQ(last - test_config().base_time_ms, 10'000);
}

TEST(NexmarkGeneratorTest, BidsHaveHotAuctionsHotBiddersAndLogUniformPrices) {
  Generator g(test_config());
  int bids = 0, hot_auctions = 0, hot_bidders = 0, cheap = 0;
  int64_t last_auction = 1000, last_person = 1000;
  size_t extra_bytes = 0;
  for (int k = 0; k < 200'000; ++k) {
    const Event e = g.next();
    if (e.type == Event::kAuction) last_auction = e.auction.id;
    if (e.type == Event::kPerson) last_person = e.person.id;
    if (e.type != Event::kBid) continue;
    const Bid& b = e.bid;
    ++bids;
    // A hot auction is the first of the last batch of 100; any other is one of the last 100 in
    // flight or up to 10 ahead.
    if (b.auction == ((last_auction - 1000) / 100) * 100 + 1000) ++hot_auctions;
    EXPECT_LE(b.auction, last_auction + 10);
    // A hot bidder is the second person of the last batch of 100, FIRST_PERSON_ID added twice.
    if (b.bidder == ((last_person - 1000) / 100) * 100 + 1 + 2000) ++hot_bidders;
    EXPECT_GE(b.bidder, 2000);
    EXPECT_GE(b.price, 100);
    EXPECT_LE(b.price, 100'000'000);
    if (b.price < 100'000) ++cheap;  // 10^(6u) * 100 < 10^5 when u < 1/2
    EXPECT_FALSE(b.channel.empty());
    EXPECT_EQ(b.url.rfind("https://www.nexmark.com/", 0), 0U) << b.url;
    extra_bytes += b.extra.size();
  }
  // hotAuctionRatio 2: half the bids (plus the random ones that land on it); hotBiddersRatio 4.
  EXPECT_NEAR(static_cast<double>(hot_auctions) / bids, 0.5, 0.03);
  EXPECT_NEAR(static_cast<double>(hot_bidders) / bids, 0.75, 0.03);
  EXPECT_NEAR(static_cast<double>(cheap) / bids, 0.5, 0.02);
  // A bid's extra pads 32 bytes of numbers to 100 on average: 68 +- 20 %.
  EXPECT_NEAR(static_cast<double>(extra_bytes) / bids, 68.0, 1.0);
}

TEST(NexmarkGeneratorTest, OneSeedOneStream) {
  Generator a(test_config()), b(test_config());
  Config other = test_config();
  other.seed = 4;
  Generator c(other);
  bool differs = false;
  for (int k = 0; k < 1000; ++k) {
    const Event x = a.next(), y = b.next(), z = c.next();
    ASSERT_EQ(x.bid.price, y.bid.price);
    ASSERT_EQ(x.bid.extra, y.bid.extra);
    ASSERT_EQ(x.person.name, y.person.name);
    differs |= x.bid.price != z.bid.price;
  }
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace careflow::bench::nexmark
