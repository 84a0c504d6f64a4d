#include "sim/device_event.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <random>
#include <utility>

namespace careflow::sim {
namespace {

nlohmann::json or_null(const auto& optional) { return optional ? nlohmann::json(*optional) : nlohmann::json(nullptr); }

// The reference demo's care-area centres, so its geofence pipeline and careflow's agree on where
// "inside" is.
constexpr std::array<std::pair<std::string_view, GeoPoint>, 6> kCareAreaCentres = {{
    {"P001", {41.8781, -87.6298}},
    {"P002", {41.9214, -87.6513}},
    {"P003", {41.9484, -87.6553}},
    {"P004", {41.7948, -87.5901}},
    {"P005", {41.8566, -87.6244}},
    {"P006", {41.8825, -87.6233}},
}};

}  // namespace

nlohmann::json DeviceEvent::to_json() const {
  return {{"event_id", event_id},
          {"device_id", device_id},
          {"patient_id", patient_id},
          {"event_type", event_type},
          {"lng", or_null(lng)},
          {"lat", or_null(lat)},
          {"battery_level", or_null(battery_level)},
          {"plugged", or_null(plugged)},
          {"hw_model", or_null(hw_model)},
          {"sw_version", or_null(sw_version)},
          {"event_ts", event_ts}};
}

std::string new_event_id(std::string_view event_type) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::string prefix;
  for (char c : event_type.substr(0, 3)) prefix.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  // 48 random bits: 12 hex digits.
  return fmt::format("{}-{:012x}", prefix, rng() & 0xFFFFFFFFFFFFull);
}

CareArea care_area_of(std::string_view patient_id) {
  CareArea area{kCareAreaCentres[0].second};
  for (const auto& [patient, point] : kCareAreaCentres) {
    if (patient == patient_id) area.centre = point;
  }
  return area;
}

GeoPoint care_area_position(std::string_view patient_id, bool inside) {
  const GeoPoint centre = care_area_of(patient_id).centre;
  const double offset = inside ? 0.0005 : 0.05;
  return {centre.lat + offset, centre.lng + offset};
}

}  // namespace careflow::sim
