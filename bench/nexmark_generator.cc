#include "nexmark_generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

namespace careflow::bench::nexmark {
namespace {

// GeneratorConfig's id bases and the generators' constants.
constexpr int64_t kFirstAuctionId = 1000;
constexpr int64_t kFirstPersonId = 1000;
constexpr int64_t kFirstCategoryId = 10;
constexpr int64_t kPersonIdLead = 10;
constexpr int64_t kAuctionIdLead = 10;
constexpr int kNumCategories = 5;
constexpr int64_t kHotSellerRatio = 100;
constexpr int64_t kHotAuctionRatio = 100;
constexpr int64_t kHotBidderRatio = 100;
constexpr int kHotChannelsRatio = 2;
constexpr int kChannelsNumber = 10'000;
constexpr int kMinStringLength = 3;
constexpr int kReusableExtraLength = 1024 * 1024;
// NexmarkTableSourceFactory: `new GeneratorConfig(conf, now, firstEventId = 1, ..., firstEventNumber = 1)`.
constexpr int64_t kFirstEventId = 1;
constexpr int64_t kFirstEventNumber = 1;

constexpr std::array<const char*, 6> kUsStates = {"AZ", "CA", "ID", "OR", "WA", "WY"};
constexpr std::array<const char*, 10> kUsCities = {"Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland",
                                                   "Bend",    "Redmond",     "Seattle",       "Kent",  "Cheyenne"};
constexpr std::array<const char*, 11> kFirstNames = {"Peter", "Paul",  "Luke",  "John",   "Saul",  "Vicky",
                                                     "Kate",  "Julie", "Sarah", "Deiter", "Walter"};
constexpr std::array<const char*, 9> kLastNames = {"Shultz", "Abrams", "Spencer", "White", "Bartels",
                                                   "Walton", "Smith",  "Jones",   "Noris"};
constexpr std::array<const char*, 4> kHotChannels = {"Google", "Facebook", "Baidu", "Apple"};

uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

int32_t mix32(uint64_t z) {
  z = (z ^ (z >> 33)) * 0x62a9d9ed799705f5ULL;
  return static_cast<int32_t>(((z ^ (z >> 28)) * 0xcb24d0a5c88c35b3ULL) >> 32);
}

// Java's String.trim(): drops characters <= ' ' at both ends.
std::string java_trim(std::string s) {
  size_t b = 0, e = s.size();
  while (b < e && static_cast<unsigned char>(s[b]) <= ' ') ++b;
  while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') --e;
  return s.substr(b, e - b);
}

// Java's Math.round(double) for the values here (finite, positive).
int64_t java_round(double d) { return static_cast<int64_t>(std::floor(d + 0.5)); }

// Math.abs(Integer.reverse(i)) as Java prints it (abs of Integer.MIN_VALUE stays negative).
std::string abs_reversed(int32_t i) {
  uint32_t v = static_cast<uint32_t>(i), r = 0;
  for (int b = 0; b < 32; ++b) r |= ((v >> b) & 1U) << (31 - b);
  const auto s = static_cast<int32_t>(r);
  return std::to_string(s == INT32_MIN ? static_cast<int64_t>(s) : std::abs(static_cast<int64_t>(s)));
}

// StringsGenerator.nextString: 3 to max_length - 1 characters, each `special` one time in 13, else a
// lower-case letter; then trimmed as Java's String.trim().
std::string next_string(SplittableRandom& random, int max_length, char special = ' ') {
  int len = kMinStringLength + random.next_int(max_length - kMinStringLength);
  std::string s;
  s.reserve(static_cast<size_t>(len));
  while (len-- > 0) s += random.next_int(13) == 0 ? special : static_cast<char>('a' + random.next_int(26));
  return java_trim(std::move(s));
}

// One of `items`, uniformly (Java's `list.get(random.nextInt(list.size()))`).
template <size_t N>
const char* pick(SplittableRandom& random, const std::array<const char*, N>& items) {
  return items[static_cast<size_t>(random.next_int(static_cast<int32_t>(N)))];
}

}  // namespace

int32_t SplittableRandom::next_int() { return mix32(next_seed()); }

int32_t SplittableRandom::next_int(int32_t bound) {
  int32_t r = next_int();
  const int32_t m = bound - 1;
  if ((bound & m) == 0) return r & m;
  // Rejection as Java writes it, with its 32-bit wrap-around in `u + m - r < 0`.
  for (auto u = static_cast<int32_t>(static_cast<uint32_t>(r) >> 1);
       static_cast<int32_t>(static_cast<uint32_t>(u) + static_cast<uint32_t>(m) - static_cast<uint32_t>(r = u % bound)) < 0;
       u = static_cast<int32_t>(static_cast<uint32_t>(next_int()) >> 1)) {
  }
  return r;
}

int64_t SplittableRandom::next_long() { return static_cast<int64_t>(mix64(next_seed())); }

double SplittableRandom::next_double() {
  return static_cast<double>(static_cast<uint64_t>(next_long()) >> 11) * 0x1.0p-53;
}

Generator::Generator(const Config& config)
    : config_(config),
      total_proportion_(config.person_proportion + config.auction_proportion + config.bid_proportion),
      inter_event_delay_us_(1'000'000.0 / config.events_per_second),
      random_(config.seed) {
  // StringsGenerator.REUSABLE_EXTRA_STRING: 1 MiB built character by character (its own random;
  // `'a' + rnd % 26` with Java's signed remainder, so characters below 'a' too).
  SplittableRandom strings(config.seed ^ 0x5eed0001ULL);
  reusable_extra_.reserve(kReusableExtraLength);
  int32_t rnd = 0;
  int left = 0;
  for (int i = 0; i < kReusableExtraLength; ++i) {
    if (left == 0) {
      rnd = strings.next_int();
      left = 6;  // log_26(2^31)
    }
    reusable_extra_ += static_cast<char>('a' + rnd % 26);
    rnd /= 26;
    --left;
  }
  // BidGenerator's static HOT_URLS and CHANNEL_URL_CACHE, from one random of their own.
  SplittableRandom urls(config.seed ^ 0x5eed0002ULL);
  auto base_url = [&] {
    std::string url = "https://www.nexmark.com/";
    for (int part = 0; part < 3; ++part) url += next_string(urls, 5, '_') + '/';  // one call a statement: Java's order
    return url + "item.htm?query=1";
  };
  for (int i = 0; i < 4; ++i) hot_urls_.push_back(base_url());
  channel_urls_.reserve(kChannelsNumber);
  for (int i = 0; i < kChannelsNumber; ++i) {
    std::string url = base_url();
    if (urls.next_int(10) > 0) url += "&channel_id=" + abs_reversed(i);
    channel_urls_.emplace_back(fmt::format("channel-{}", i), std::move(url));
  }
}

int64_t Generator::timestamp_for_event(int64_t event_number) const {
  // GeneratorConfig.timestampForEvent: `baseTime + (long)(eventNumber * interEventDelayUs) / 1000L`.
  return config_.base_time_ms + static_cast<int64_t>(static_cast<double>(event_number) * inter_event_delay_us_) / 1000;
}

int64_t Generator::last_base0_person_id(int64_t event_id) const {
  const int64_t epoch = event_id / total_proportion_;
  int64_t offset = event_id % total_proportion_;
  if (offset >= config_.person_proportion) offset = config_.person_proportion - 1;
  return epoch * config_.person_proportion + offset;
}

int64_t Generator::last_base0_auction_id(int64_t event_id) const {
  int64_t epoch = event_id / total_proportion_;
  int64_t offset = event_id % total_proportion_;
  if (offset < config_.person_proportion) {
    --epoch;
    offset = config_.auction_proportion - 1;
  } else if (offset >= config_.person_proportion + config_.auction_proportion) {
    offset = config_.auction_proportion - 1;
  } else {
    offset -= config_.person_proportion;
  }
  return epoch * config_.auction_proportion + offset;
}

int64_t Generator::next_long(int64_t n) {
  if (n < INT32_MAX) return random_.next_int(static_cast<int32_t>(n));
  return std::abs(random_.next_long() % n);
}

int64_t Generator::next_base0_person_id(int64_t event_id) {
  const int64_t num_people = last_base0_person_id(event_id) + 1;
  const int64_t active = std::min<int64_t>(num_people, config_.num_active_people);
  const int64_t n = next_long(active + kPersonIdLead);
  return num_people - active + n;
}

int64_t Generator::next_base0_auction_id(int64_t event_id) {
  const int64_t max_auction = last_base0_auction_id(event_id);
  const int64_t min_auction = std::max<int64_t>(max_auction - config_.num_in_flight_auctions, 0);
  return min_auction + next_long(max_auction - min_auction + 1 + kAuctionIdLead);
}

int64_t Generator::next_price() { return java_round(std::pow(10.0, random_.next_double() * 6.0) * 100.0); }

std::string Generator::next_exact_string(int length) {
  // Always shorter than half the reusable string here: a slice of it at a random offset.
  const int offset = random_.next_int(kReusableExtraLength - length);
  return reusable_extra_.substr(static_cast<size_t>(offset), static_cast<size_t>(length));
}

std::string Generator::next_extra(int current_size, int desired_average_size) {
  if (current_size > desired_average_size) return "";
  desired_average_size -= current_size;
  const auto delta = static_cast<int>(java_round(desired_average_size * 0.2));
  const int min_size = desired_average_size - delta;
  const int desired_size = min_size + (delta == 0 ? 0 : random_.next_int(2 * delta));
  return next_exact_string(desired_size);
}

Person Generator::next_person(int64_t event_id, int64_t timestamp) {
  Person p;
  p.id = last_base0_person_id(event_id) + kFirstPersonId;
  // One draw a statement: C++ does not order the operands of `+` as Java does.
  p.name = pick(random_, kFirstNames);
  p.name += std::string(" ") + pick(random_, kLastNames);
  p.email_address = next_string(random_, 7);
  p.email_address += "@" + next_string(random_, 5) + ".com";
  for (int i = 0; i < 4; ++i) {
    if (i > 0) p.credit_card += ' ';
    p.credit_card += fmt::format("{:04d}", random_.next_int(10'000));
  }
  p.city = pick(random_, kUsCities);
  p.state = pick(random_, kUsStates);
  const auto current_size =
      static_cast<int>(8 + p.name.size() + p.email_address.size() + p.credit_card.size() + p.city.size() + p.state.size());
  p.date_time_ms = timestamp;
  p.extra = next_extra(current_size, config_.avg_person_bytes);
  return p;
}

Auction Generator::next_auction(int64_t events_so_far, int64_t event_id, int64_t timestamp) {
  Auction a;
  a.id = last_base0_auction_id(event_id) + kFirstAuctionId;
  // P(a hot seller) = 1 - 1 / hotSellersRatio: the first person of the last batch of 100.
  if (random_.next_int(config_.hot_sellers_ratio) > 0) {
    a.seller = (last_base0_person_id(event_id) / kHotSellerRatio) * kHotSellerRatio;
  } else {
    a.seller = next_base0_person_id(event_id);
  }
  a.seller += kFirstPersonId;
  a.category = kFirstCategoryId + random_.next_int(kNumCategories);
  a.initial_bid = next_price();
  // AuctionGenerator.nextAuctionLengthMs: on average the time until numInFlightAuctions more
  // auctions have been generated.
  const int64_t current_event_number = kFirstEventNumber + events_so_far;
  const int64_t events_for_auctions =
      (static_cast<int64_t>(config_.num_in_flight_auctions) * total_proportion_) / config_.auction_proportion;
  const int64_t horizon_ms = timestamp_for_event(current_event_number + events_for_auctions) - timestamp;
  a.expires_ms = timestamp + 1 + next_long(std::max<int64_t>(horizon_ms * 2, 1));
  a.item_name = next_string(random_, 20);
  a.description = next_string(random_, 100);
  a.reserve = a.initial_bid + next_price();
  const auto current_size = static_cast<int>(8 + a.item_name.size() + a.description.size() + 8 + 8 + 8 + 8 + 8);
  a.date_time_ms = timestamp;
  a.extra = next_extra(current_size, config_.avg_auction_bytes);
  return a;
}

Bid Generator::next_bid(int64_t event_id, int64_t timestamp) {
  Bid b;
  // P(a hot auction) = 1 - 1 / hotAuctionRatio: the first auction of the last batch of 100.
  if (random_.next_int(config_.hot_auction_ratio) > 0) {
    b.auction = (last_base0_auction_id(event_id) / kHotAuctionRatio) * kHotAuctionRatio;
  } else {
    b.auction = next_base0_auction_id(event_id);
  }
  b.auction += kFirstAuctionId;
  // P(a hot bidder) = 1 - 1 / hotBiddersRatio: the second person of the last batch of 100.
  if (random_.next_int(config_.hot_bidders_ratio) > 0) {
    b.bidder = (last_base0_person_id(event_id) / kHotBidderRatio) * kHotBidderRatio + 1;
  } else {
    b.bidder = next_base0_person_id(event_id);
  }
  b.bidder += kFirstPersonId;
  b.price = next_price();
  if (random_.next_int(kHotChannelsRatio) > 0) {
    const auto i = static_cast<size_t>(random_.next_int(static_cast<int32_t>(kHotChannels.size())));
    b.channel = kHotChannels[i];
    b.url = hot_urls_[i];
  } else {
    const auto& [channel, url] = channel_urls_[static_cast<size_t>(random_.next_int(kChannelsNumber))];
    b.channel = channel;
    b.url = url;
  }
  b.bidder += kFirstPersonId;  // the second time, as the reference does (see the header)
  b.date_time_ms = timestamp;
  b.extra = next_extra(8 + 8 + 8 + 8, config_.avg_bid_bytes);
  return b;
}

Event Generator::next() {
  // NexmarkGenerator.nextEvent with outOfOrderGroupSize = 1: the adjusted event number is the
  // event number, so event time never goes back.
  const int64_t event_number = kFirstEventNumber + events_so_far_;
  const int64_t timestamp = timestamp_for_event(event_number);
  const int64_t event_id = kFirstEventId + event_number;
  const int64_t rem = event_id % total_proportion_;
  Event e;
  if (rem < config_.person_proportion) {
    e.type = Event::kPerson;
    e.person = next_person(event_id, timestamp);
  } else if (rem < config_.person_proportion + config_.auction_proportion) {
    e.type = Event::kAuction;
    e.auction = next_auction(events_so_far_, event_id, timestamp);
  } else {
    e.type = Event::kBid;
    e.bid = next_bid(event_id, timestamp);
  }
  ++events_so_far_;
  return e;
}

}  // namespace careflow::bench::nexmark
