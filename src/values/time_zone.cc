#include "values/time_zone.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace careflow::values {

bool parse_fixed_offset(std::string_view id, int64_t* seconds) {
  if (id == "Z" || id == "UTC" || id == "GMT" || id == "UT" || id == "Etc/UTC" || id == "Etc/GMT") {
    *seconds = 0;
    return true;
  }
  std::string_view s = id;
  if (s.starts_with("UTC") || s.starts_with("GMT")) {
    s.remove_prefix(3);
  } else if (s.starts_with("UT")) {
    s.remove_prefix(2);
  }
  if (s.empty() || (s[0] != '+' && s[0] != '-')) return false;
  int sign = s[0] == '-' ? -1 : 1;
  s.remove_prefix(1);
  auto digits = [](std::string_view t) {
    return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  int64_t h = 0, m = 0, sec = 0;
  std::string_view hh, mm, ss;
  if (size_t colon = s.find(':'); colon != std::string_view::npos) {
    hh = s.substr(0, colon);
    std::string_view rest = s.substr(colon + 1);
    size_t colon2 = rest.find(':');
    mm = rest.substr(0, colon2);
    if (colon2 != std::string_view::npos) ss = rest.substr(colon2 + 1);
  } else if (s.size() <= 2) {
    hh = s;
  } else if (s.size() == 4 || s.size() == 6) {
    hh = s.substr(0, 2);
    mm = s.substr(2, 2);
    if (s.size() == 6) ss = s.substr(4, 2);
  } else {
    return false;
  }
  if (!digits(hh) || hh.size() > 2 || (!mm.empty() && (!digits(mm) || mm.size() != 2)) ||
      (!ss.empty() && (!digits(ss) || ss.size() != 2))) {
    return false;
  }
  for (char c : hh) h = h * 10 + (c - '0');
  for (char c : mm) m = m * 10 + (c - '0');
  for (char c : ss) sec = sec * 10 + (c - '0');
  if (h > 18 || m > 59 || sec > 59) return false;
  *seconds = sign * (h * 3600 + m * 60 + sec);
  return true;
}

namespace {

int64_t read_be(const std::string& data, size_t pos, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(data[pos + static_cast<size_t>(i)]);
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

}  // namespace

std::shared_ptr<const TimeZone> TimeZone::find(std::string_view id) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>> cache;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = cache.find(id); it != cache.end()) return it->second;

  auto tz = std::make_shared<TimeZone>();
  tz->id_ = std::string(id);
  int64_t fixed = 0;
  if (parse_fixed_offset(id, &fixed)) {
    tz->fixed_offset_ = fixed;
    tz->initial_offset_ = static_cast<int32_t>(fixed);
    cache.emplace(std::string(id), tz);
    return tz;
  }
  // Region ids: letters, digits, '/', '_', '-', '+'; no "..".
  if (id.empty() || id.find("..") != std::string_view::npos || id.front() == '/') return nullptr;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' && c != '-' && c != '+') return nullptr;
  }
  std::ifstream in("/usr/share/zoneinfo/" + std::string(id), std::ios::binary);
  if (!in) return nullptr;
  std::stringstream buf;
  buf << in.rdbuf();
  std::string data = buf.str();
  if (data.size() < 44 || data.compare(0, 4, "TZif") != 0) return nullptr;
  auto header = [&](size_t at, int64_t* counts) {
    for (int i = 0; i < 6; ++i) counts[i] = read_be(data, at + 20 + static_cast<size_t>(i) * 4, 4);
  };
  int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  header(0, c);
  size_t pos = 44;
  int time_bytes = 4;
  if (data[4] >= '2') {
    // Skip the 32-bit block and use the 64-bit one.
    pos += static_cast<size_t>(c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
    if (data.size() < pos + 44) return nullptr;
    header(pos, c);
    pos += 44;
    time_bytes = 8;
  }
  const int64_t timecnt = c[3], typecnt = c[4];
  size_t need = pos + static_cast<size_t>(timecnt * time_bytes + timecnt + typecnt * 6);
  if (data.size() < need || typecnt == 0) return nullptr;
  std::vector<int64_t> times(static_cast<size_t>(timecnt));
  for (int64_t i = 0; i < timecnt; ++i) times[static_cast<size_t>(i)] = read_be(data, pos + static_cast<size_t>(i * time_bytes), time_bytes);
  size_t idx_pos = pos + static_cast<size_t>(timecnt * time_bytes);
  size_t type_pos = idx_pos + static_cast<size_t>(timecnt);
  std::vector<int32_t> type_offsets(static_cast<size_t>(typecnt));
  for (int64_t i = 0; i < typecnt; ++i) {
    type_offsets[static_cast<size_t>(i)] = static_cast<int32_t>(read_be(data, type_pos + static_cast<size_t>(i * 6), 4));
  }
  tz->initial_offset_ = type_offsets[0];
  for (int64_t i = 0; i < timecnt; ++i) {
    size_t type = static_cast<unsigned char>(data[idx_pos + static_cast<size_t>(i)]);
    if (type >= type_offsets.size()) return nullptr;
    tz->transitions_.push_back(times[static_cast<size_t>(i)]);
    tz->offsets_.push_back(type_offsets[type]);
  }
  cache.emplace(std::string(id), tz);
  return tz;
}

std::shared_ptr<const TimeZone> TimeZone::find_or_utc(std::string_view id) {
  auto tz = find(id);
  return tz ? tz : find("UTC");
}

int64_t TimeZone::offset_at_utc(int64_t utc_micros) const {
  if (transitions_.empty()) return initial_offset_;
  int64_t secs = utc_micros >= 0 ? utc_micros / 1'000'000 : -((-utc_micros + 999'999) / 1'000'000);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), secs);
  if (it == transitions_.begin()) return initial_offset_;
  return offsets_[static_cast<size_t>(it - transitions_.begin() - 1)];
}

int64_t TimeZone::local_to_utc(int64_t local_micros) const {
  if (transitions_.empty()) return local_micros - static_cast<int64_t>(initial_offset_) * 1'000'000;
  // Candidate offsets: the ones valid around the local time; prefer the earlier (larger) offset
  // that maps back to the same local time, as java.time does in an overlap.
  const int64_t local_secs = local_micros / 1'000'000;
  int64_t best = INT64_MIN;
  int64_t off_before = offset_at_utc((local_secs - 86400) * 1'000'000);
  int64_t off_after = offset_at_utc((local_secs + 86400) * 1'000'000);
  for (int64_t off : {std::max(off_before, off_after), std::min(off_before, off_after)}) {
    int64_t utc = local_micros - off * 1'000'000;
    if (offset_at_utc(utc) == off) {
      best = utc;
      break;
    }
  }
  if (best != INT64_MIN) return best;
  // A gap: java.time shifts the local time forward by the gap's length, i.e. uses the offset from
  // before the transition.
  return local_micros - off_before * 1'000'000;
}

}  // namespace careflow::values
