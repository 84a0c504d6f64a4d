-- The local hour: the event's UTC time as 'yyyy-MM-dd HH:mm:ss' (the session time zone is UTC, as
-- docs/pipelines.md says), converted to the patient's zone by CONVERT_TZ (an unknown zone is GMT,
-- as in Flink). A patient without a time zone is taken as America/New_York, hc_src_patients' default.
INSERT INTO hc_fct_ota_update_commands
SELECT
  CONCAT('OTA-', event_id),
  device_id,
  patient_id,
  hw_model,
  sw_version,
  target_sw_version,
  battery_level,
  patient_timezone,
  local_hour,
  CAST(TO_TIMESTAMP_LTZ(event_ts, 3) AS TIMESTAMP(3)),
  CONCAT('Update ', device_id, ' from ', sw_version, ' to ', target_sw_version, ' (battery ',
         CAST(battery_level AS STRING), ' %, ', CAST(local_hour AS STRING), ':00 in ', patient_timezone, ')')
FROM (
  SELECT e.event_id, e.device_id, e.patient_id, COALESCE(a.hw_model, e.hw_model) AS hw_model, e.sw_version,
         a.target_sw_version, e.battery_level, e.event_ts,
         COALESCE(p.timezone, 'America/New_York') AS patient_timezone,
         CAST(HOUR(TO_TIMESTAMP(CONVERT_TZ(FROM_UNIXTIME(e.event_ts / 1000), 'UTC',
                                           COALESCE(p.timezone, 'America/New_York')))) AS INT) AS local_hour
  FROM hc_raw_device_events AS e
  JOIN hc_src_ota_allowlist AS a ON e.device_id = a.device_id
  LEFT JOIN hc_src_patients AS p ON e.patient_id = p.patient_id
  WHERE e.event_type = 'POWER_STATUS'
    AND e.plugged
    AND e.battery_level >= 50
    AND e.sw_version IS NOT NULL
    AND e.sw_version <> a.target_sw_version
)
WHERE local_hour >= 7 AND local_hour < 18;
