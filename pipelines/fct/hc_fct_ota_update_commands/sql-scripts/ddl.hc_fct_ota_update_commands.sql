-- Over-the-air update commands: a device on the OTA allowlist that reports (POWER_STATUS) it is
-- plugged in, with at least 50 % battery, between 07:00 and 18:00 in its patient's time zone, and
-- still runs another software version than the allowlist's target, is told to update. Retracting:
-- a regular join on the current allowlist and patients (an allowlist entry removed retracts its
-- commands), written as Debezium envelopes like hc_fct_device_events_enriched.
CREATE TABLE IF NOT EXISTS hc_fct_ota_update_commands (
  command_id STRING,
  device_id STRING,
  patient_id STRING,
  hw_model STRING,
  current_sw_version STRING,
  target_sw_version STRING,
  battery_level INT,
  patient_timezone STRING,
  local_hour INT,            -- the event's hour in patient_timezone
  event_time TIMESTAMP(3),   -- UTC
  message STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'hc_fct_ota_update_commands',
  'value.format' = 'debezium-avro-confluent'
);
