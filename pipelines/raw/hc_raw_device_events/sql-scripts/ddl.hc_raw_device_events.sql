-- One event a device reports (POST /device/{deviceId}/events/{type}), the reference stack's Avro
-- value field for field (src/sim/device_schemas.h, DeviceEvent). The record key is event_id, also
-- in the value, so the key is not read.
-- event_time is the event's time as an event-time attribute (the button routing's temporal join
-- reads it). The watermark is the newest event's time itself: careflow stamps an event with the
-- current round's story time (or the wall clock), so events arrive in time order, and a press is
-- routed as soon as it arrives instead of waiting for a later event that may never come. A time
-- the data-quality table calls bad (missing, before 2000 or from 2100 on) reads as the epoch, so
-- it neither stops a job (Flink fails a NULL rowtime) nor pushes the watermark past every later
-- event.
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
  event_ts BIGINT,           -- epoch milliseconds
  event_time AS TO_TIMESTAMP_LTZ(
    CASE WHEN event_ts >= 946684800000 AND event_ts < 4102444800000 THEN event_ts ELSE 0 END, 3),
  WATERMARK FOR event_time AS event_time
) WITH (
  'connector' = 'kafka',
  'topic' = 'hc_raw_device_events',
  'scan.startup.mode' = 'earliest-offset',
  'value.format' = 'avro-confluent'
);
