-- The change events of PostgreSQL's devices table read as their history: the topic of
-- `healthcare.public.devices` (which reads it as a changelog) read here as the records it holds,
-- Debezium envelopes in Confluent Avro, one row per change event: `after` for a created (c),
-- snapshotted (r) or updated (u) device, `before` for a deleted one (d) — a device once seen stays
-- seen. No key: a device has a row per image. A plain 'avro-confluent' table, so it reads the same
-- on careflow and on Apache Flink (as hc_raw_prescription_history).
CREATE TABLE IF NOT EXISTS hc_raw_device_history (
  `before` ROW<device_id STRING, patient_id STRING, model_type STRING, manufacturer STRING, serial_number STRING,
               software_version STRING, pressure_setting DOUBLE, flow_rate_setting DOUBLE, flow_level_setting DOUBLE,
               created_at STRING, updated_at STRING>,
  `after` ROW<device_id STRING, patient_id STRING, model_type STRING, manufacturer STRING, serial_number STRING,
              software_version STRING, pressure_setting DOUBLE, flow_rate_setting DOUBLE, flow_level_setting DOUBLE,
              created_at STRING, updated_at STRING>,
  op STRING,       -- c, r, u or d
  ts_ms BIGINT     -- when the change was captured, epoch milliseconds
) WITH (
  'connector' = 'kafka',
  'topic' = 'healthcare.public.devices',
  'scan.startup.mode' = 'earliest-offset',
  'value.format' = 'avro-confluent'
);
