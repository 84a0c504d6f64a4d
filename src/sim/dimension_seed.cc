#include "sim/dimension_seed.h"

#include <fmt/format.h>

#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/numbers.h"
#include "sim/device_event.h"
#include "sim/device_schemas.h"

namespace careflow::sim {
namespace {

using serde::avro::Datum;
using Keyed = DeviceRecordEncoder::KeyedRecord;

// assigned_at: when the device got its current patient (store migration 5); created_at for a row
// that somehow has none.
constexpr const char* kDevices = R"sql(
SELECT device_id, patient_id, model_type, (extract(epoch FROM COALESCE(assigned_at, created_at)) * 1000)::bigint
  FROM devices ORDER BY device_id
)sql";
constexpr const char* kPatients = "SELECT patient_id, timezone FROM patients ORDER BY patient_id";

// The firmware careflow ships per device model: the OTA allowlist's target versions.
std::optional<std::string> ota_target(const std::string& model) {
  if (model == "CPAP-Pro") return "1.3.0";
  if (model == "InsulinPump-X2") return "2.1.0";
  return std::nullopt;
}

Datum optional_text(const std::optional<std::string>& v) {
  return v ? Datum::branch(1, Datum::text(*v)) : Datum::branch(0, Datum::null());
}

// Every dimension record the store implies, by topic, in key order.
Result<std::map<std::string, std::vector<Keyed>>> records_from_store(store::Database& db, int64_t ts) {
  std::map<std::string, std::vector<Keyed>> out;
  CF_ASSIGN_OR_RETURN(store::SqlRows devices, db.exec(kDevices));
  for (const auto& row : devices.rows) {
    const std::string device = row[0].value_or(""), patient = row[1].value_or("");
    const std::optional<std::string> model = row[2];
    const int64_t assigned_at = parse_number<int64_t>(row[3].value_or("0")).value_or(0);
    // The time makes the id one assignment's: a device moved away and back is assigned anew.
    const std::string assignment = fmt::format("ASG-{}-{}-{}", device, patient, assigned_at);
    out[kDeviceAssignmentsTopic].push_back(
        {kDeviceIdKeySchema, Datum::list({Datum::text(device)}), device, kDeviceAssignmentSchema,
         Datum::list({Datum::text(assignment), Datum::text(device), Datum::text(patient), optional_text(model),
                      Datum::integer(assigned_at)}),
         {{"assignment_id", assignment}, {"device_id", device}, {"patient_id", patient},
          {"hw_model", model ? nlohmann::json(*model) : nlohmann::json(nullptr)}, {"assigned_at", assigned_at}},
         ts});
    if (auto target = model ? ota_target(*model) : std::nullopt) {
      out[kOtaAllowlistTopic].push_back(
          {kDeviceIdKeySchema, Datum::list({Datum::text(device)}), device, kOtaAllowlistSchema,
           Datum::list({Datum::text(device), Datum::text(*model), Datum::text(*target)}),
           {{"device_id", device}, {"hw_model", *model}, {"target_sw_version", *target}}, ts});
    }
  }
  CF_ASSIGN_OR_RETURN(store::SqlRows patients, db.exec(kPatients));
  for (const auto& row : patients.rows) {
    const std::string patient = row[0].value_or(""), timezone = row[1].value_or("UTC");
    const CareArea area = care_area_of(patient);
    out[kCareAreasTopic].push_back(
        {kPatientIdKeySchema, Datum::list({Datum::text(patient)}), patient, kCareAreaSchema,
         Datum::list({Datum::text(patient), Datum::real(area.centre.lat), Datum::real(area.centre.lng),
                      Datum::real(area.radius_m), Datum::text(timezone)}),
         {{"patient_id", patient}, {"center_lat", area.centre.lat}, {"center_lng", area.centre.lng},
          {"radius_m", area.radius_m}, {"timezone", timezone}},
         ts});
  }
  return out;
}

// The latest value of every key on `topic` (key bytes -> value bytes; a tombstone is no value).
Result<std::map<std::string, std::optional<std::string>>> latest_values(const log::Topics& topics, const std::string& topic) {
  std::map<std::string, std::optional<std::string>> latest;
  CF_ASSIGN_OR_RETURN(auto partitions, topics.partition_offsets(topic));
  for (const log::PartitionInfo& p : partitions) {
    for (int64_t offset = p.start_offset; offset < p.end_offset;) {
      CF_ASSIGN_OR_RETURN(log::FetchResult got, topics.fetch({topic, p.partition}, offset));
      for (const log::Record& r : got.records) latest[r.key.value_or("")] = r.value;
      if (got.next_offset <= offset) break;
      offset = got.next_offset;
    }
  }
  return latest;
}

}  // namespace

Result<DimensionSeedReport> seed_dimension_topics(store::Database& db, log::Topics& topics, DeviceRecordEncoder& encoder,
                                                  log::TopicConfig topic_config, int64_t timestamp_ms) {
  topic_config.cleanup = log::CleanupPolicy::kCompact;
  CF_ASSIGN_OR_RETURN(auto by_topic, records_from_store(db, timestamp_ms));
  DimensionSeedReport report;
  for (const char* topic : {kDeviceAssignmentsTopic, kCareAreasTopic, kOtaAllowlistTopic}) {
    Status created = topics.create_topic(topic, topic_config);
    if (!created && created.code() != StatusCode::kAlreadyExists) return created.with_context(topic);
    CF_ASSIGN_OR_RETURN(auto latest, latest_values(topics, topic));
    std::vector<log::Record> missing;
    std::set<std::string> in_store;  // the keys the store implies, as key bytes
    for (const Keyed& keyed : by_topic[topic]) {
      auto record = encoder.keyed(topic, keyed);
      if (!record) return record.status().with_context(topic);
      in_store.insert(record->key.value_or(""));
      auto there = latest.find(record->key.value_or(""));
      if (there != latest.end() && there->second == record->value) {
        ++report.unchanged;
        continue;
      }
      missing.push_back(std::move(*record));
    }
    // A key whose latest value is still there but which the store no longer implies (a deleted
    // device or patient, a device of a model without firmware to offer): a tombstone, which an
    // upsert table reads as the key's delete and compaction eventually keeps alone. A key already
    // tombstoned has no value: it gets none again. Keys are compared as bytes, so one written in
    // another encoding (simulator.format changed) is tombstoned too: the tombstones go first, so
    // the same device's record in the new encoding comes after its delete, not before.
    std::vector<log::Record> tombstones;
    for (const auto& [key, value] : latest) {
      if (!value || key.empty() || in_store.contains(key)) continue;
      log::Record& tombstone = tombstones.emplace_back();
      tombstone.key = key;
      tombstone.timestamp_ms = timestamp_ms;
    }
    report.tombstones += static_cast<int>(tombstones.size());
    missing.insert(missing.begin(), std::make_move_iterator(tombstones.begin()), std::make_move_iterator(tombstones.end()));
    if (missing.empty()) continue;
    CF_RETURN_IF_ERROR(topics.append({topic, 0}, missing).status().with_context(topic));
    report.appended += static_cast<int>(missing.size());
  }
  return report;
}

}  // namespace careflow::sim
