-- Every device event with its patient (name, time zone) and device (model, manufacturer, firmware).
-- A retracting table: the dimensions are regular joins on the current patient and device rows, so
-- a change to a patient or a device re-emits that patient's or device's events.
CREATE TABLE IF NOT EXISTS hc_fct_device_events_enriched (
  event_id STRING,
  event_type STRING,
  event_time TIMESTAMP(3),
  device_id STRING,
  model_type STRING,
  manufacturer STRING,
  sw_version STRING,
  patient_id STRING,
  patient_name STRING,
  timezone STRING,
  lat DOUBLE,
  lng DOUBLE,
  battery_level INT,
  plugged BOOLEAN
) WITH (
  'connector' = 'kafka',
  'topic' = 'hc_fct_device_events_enriched',
  'value.format' = 'debezium-avro-confluent'
);
