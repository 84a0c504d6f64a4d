#pragma once
// The Nexmark benchmark's events (Person, Auction, Bid) as the reference generator defines them
// (github.com/nexmark/nexmark, nexmark-flink/.../generator: NexmarkGenerator, GeneratorConfig,
// PersonGenerator, AuctionGenerator, BidGenerator, PriceGenerator, StringsGenerator), rewritten in
// C++ for engine_bench: the same proportions (1 person : 3 auctions : 46 bids in every 50 events),
// the same id spaces (persons and auctions from 1000, the last 1000 people active, 100 auctions in
// flight), the same hot auctions / sellers / bidders, the same price distribution
// (round(10^(6 u) * 100)), string shapes and "extra" padding to the same average sizes, and event
// time advancing by 1e6 / rate microseconds per event from a base time.
//
// What differs, on purpose: the reference draws from an unseeded java.util.SplittableRandom; this
// one is seeded (SplittableRandom below is that class's algorithm, bit for bit), so one seed gives
// one input. The base time is a parameter instead of the wall clock at start. As in the reference,
// a bid's bidder gets FIRST_PERSON_ID added twice (BidGenerator.nextBid does `bidder +=
// FIRST_PERSON_ID` before and after choosing the channel); that is kept, since the published
// Nexmark numbers were measured on it.

#include <cstdint>
#include <string>
#include <vector>

namespace careflow::bench::nexmark {

// java.util.SplittableRandom (JDK 8 and 17 give the same sequence for one seed): SplitMix64 with
// the golden gamma, nextInt(bound) by rejection as RandomSupport.boundedNextInt.
class SplittableRandom {
 public:
  explicit SplittableRandom(uint64_t seed) : seed_(seed) {}
  int32_t next_int();
  int32_t next_int(int32_t bound);  // [0, bound), bound > 0
  int64_t next_long();
  double next_double();  // [0, 1)

 private:
  uint64_t next_seed() { return seed_ += 0x9e3779b97f4a7c15ULL; }
  uint64_t seed_;
};

// NexmarkConfiguration's defaults (the 'nexmark' connector's options), one generator.
struct Config {
  int person_proportion = 1;
  int auction_proportion = 3;
  int bid_proportion = 46;
  int avg_person_bytes = 200;
  int avg_auction_bytes = 500;
  int avg_bid_bytes = 100;
  int hot_auction_ratio = 2;
  int hot_sellers_ratio = 4;
  int hot_bidders_ratio = 4;
  int num_in_flight_auctions = 100;
  int num_active_people = 1000;
  int events_per_second = 10'000;  // 'first-event.rate': event time advances 1e6 / rate us per event
  int64_t base_time_ms = 0;        // event time of event number 0 (the reference: the wall clock)
  uint64_t seed = 0;
};

struct Person {
  int64_t id = 0;
  std::string name, email_address, credit_card, city, state;
  int64_t date_time_ms = 0;
  std::string extra;
};

struct Auction {
  int64_t id = 0;
  std::string item_name, description;
  int64_t initial_bid = 0, reserve = 0;
  int64_t date_time_ms = 0, expires_ms = 0;
  int64_t seller = 0, category = 0;
  std::string extra;
};

struct Bid {
  int64_t auction = 0, bidder = 0, price = 0;
  std::string channel, url;
  int64_t date_time_ms = 0;
  std::string extra;
};

// One event; `type` says which of the three members is set (Nexmark's event_type: 0, 1, 2).
struct Event {
  enum Type { kPerson = 0, kAuction = 1, kBid = 2 };
  Type type = kBid;
  Person person;
  Auction auction;
  Bid bid;
};

// The events in order; the event time of each is monotonic (outOfOrderGroupSize = 1, the default).
class Generator {
 public:
  explicit Generator(const Config& config);
  Event next();

 private:
  int64_t timestamp_for_event(int64_t event_number) const;
  int64_t last_base0_person_id(int64_t event_id) const;
  int64_t last_base0_auction_id(int64_t event_id) const;
  int64_t next_base0_person_id(int64_t event_id);
  int64_t next_base0_auction_id(int64_t event_id);
  int64_t next_long(int64_t n);  // LongGenerator.nextLong
  int64_t next_price();
  std::string next_exact_string(int length);
  std::string next_extra(int current_size, int desired_average_size);
  Person next_person(int64_t event_id, int64_t timestamp);
  Auction next_auction(int64_t events_so_far, int64_t event_id, int64_t timestamp);
  Bid next_bid(int64_t event_id, int64_t timestamp);

  Config config_;
  int total_proportion_;
  double inter_event_delay_us_;
  SplittableRandom random_;
  int64_t events_so_far_ = 0;
  std::string reusable_extra_;                                    // StringsGenerator.REUSABLE_EXTRA_STRING
  std::vector<std::string> hot_urls_;                             // BidGenerator.HOT_URLS
  std::vector<std::pair<std::string, std::string>> channel_urls_;  // BidGenerator.CHANNEL_URL_CACHE
};

}  // namespace careflow::bench::nexmark
