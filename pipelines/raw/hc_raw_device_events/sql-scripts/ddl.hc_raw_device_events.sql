-- One event a device reports (POST /device/{deviceId}/events/{type}), the reference stack's Avro
-- value field for field (src/sim/device_schemas.h, DeviceEvent). The record key is event_id, also
-- in the value, so the key is not read.
CREATE TABLE IF NOT EXISTS hc_raw_device_events (
  event_id STRING,
  device_id STRING,
  patient_id STRING,
  event_type STRING,         -- BUTTON_PRESSED, POWER_STATUS or GPS
  lng DOUBLE,                -- GPS only
  lat DOUBLE,                -- GPS only
  battery_level INT,         -- POWER_STATUS only: percent 0..100
  plugged BOOLEAN,           -- POWER_STATUS only: on the charger
  hw_model STRING,
  sw_version STRING,
  event_ts BIGINT            -- epoch milliseconds
) WITH (
  'connector' = 'kafka',
  'topic' = 'hc_raw_device_events',
  'scan.startup.mode' = 'earliest-offset',
  'value.format' = 'avro-confluent'
);
