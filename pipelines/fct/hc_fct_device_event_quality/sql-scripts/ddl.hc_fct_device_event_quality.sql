-- Device events that fail a data-quality check, one row per failed check (an event can fail
-- several): a timestamp missing or outside 2000-01-01 .. 2100-01-01, a GPS position outside
-- latitude -90..90 / longitude -180..180 or missing, a battery level outside 0..100 or missing on a
-- power status. Append-only.
CREATE TABLE IF NOT EXISTS hc_fct_device_event_quality (
  event_id STRING,
  device_id STRING,
  patient_id STRING,
  event_type STRING,
  check_name STRING,         -- bad_timestamp, bad_latitude, bad_longitude, bad_battery_level
  bad_value STRING,          -- the value as text, NULL when it was missing
  event_ts BIGINT
) WITH (
  'connector' = 'kafka',
  'topic' = 'hc_fct_device_event_quality',
  'value.format' = 'avro-confluent'
);
