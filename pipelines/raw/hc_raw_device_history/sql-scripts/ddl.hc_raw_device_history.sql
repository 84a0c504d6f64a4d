-- The change events of PostgreSQL's devices table read as their history: the topic and the columns
-- of `healthcare.public.devices`, which reads them as a changelog, here with Confluent Cloud's
-- 'changelog.mode' = 'append' on a Debezium table, so every captured image is one +I (a deleted
-- device's before image too: a device once seen stays seen). No key: a device has a row per image.
-- Apache Flink 1.20's Debezium formats have no append reading: `careflow pipeline deploy --target
-- flink` skips this table and the pipelines that read it.
CREATE TABLE IF NOT EXISTS hc_raw_device_history (
  device_id STRING,
  patient_id STRING,
  model_type STRING,
  manufacturer STRING,
  serial_number STRING,
  software_version STRING,
  pressure_setting DOUBLE,
  flow_rate_setting DOUBLE,
  flow_level_setting DOUBLE,
  created_at STRING,
  updated_at STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'healthcare.public.devices',
  'scan.startup.mode' = 'earliest-offset',
  'value.format' = 'debezium-avro-confluent',
  'changelog.mode' = 'append'
);
