#pragma once
// One device event with the reference stack's fields (hc_raw_device_events, sim/device_schemas.h's
// kDeviceEventSchema), and the pieces that make one: its id and a position inside or outside the
// patient's care area.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace careflow::sim {

inline constexpr const char* kButtonPressed = "BUTTON_PRESSED";
inline constexpr const char* kPowerStatus = "POWER_STATUS";
inline constexpr const char* kGps = "GPS";

struct DeviceEvent {
  std::string event_id;
  std::string device_id;
  std::string patient_id;
  std::string event_type;  // kButtonPressed, kPowerStatus or kGps
  std::optional<double> lng;  // GPS only
  std::optional<double> lat;  // GPS only
  std::optional<int> battery_level;  // POWER_STATUS only, percent 0..100
  std::optional<bool> plugged;  // POWER_STATUS only
  std::optional<std::string> hw_model;
  std::optional<std::string> sw_version;
  int64_t event_ts = 0;  // epoch milliseconds

  // Every field of the schema, absent optionals as null: the JSON format's record value.
  nlohmann::json to_json() const;
  bool operator==(const DeviceEvent&) const = default;
};

// A new unique event id, "<first 3 letters of the type, lower case>-<12 random hex digits>" as the
// reference makes them ("but-3f9a0c12d4e5"). Thread-safe.
std::string new_event_id(std::string_view event_type);

struct GeoPoint {
  double lat = 0;
  double lng = 0;
};

// A patient's care area: where their device should stay. P001..P005 have the reference's
// Chicago-area centres, P006 (the insulin pump's patient) one of careflow's, any other patient the
// first one's; every radius is 500 m. The same areas are seeded on topic hc_raw_care_areas
// (sim/dimension_seed.h), so the geofence pipeline and the GPS events agree on "inside".
struct CareArea {
  GeoPoint centre;
  double radius_m = 500;
};
CareArea care_area_of(std::string_view patient_id);

// Where a device reports itself when `inside` its patient's care area or not: the area's centre
// moved by 0.0005° when inside (about 60 m, within the 500 m radius) and by 0.05° when outside
// (about 6 km).
GeoPoint care_area_position(std::string_view patient_id, bool inside);

}  // namespace careflow::sim
