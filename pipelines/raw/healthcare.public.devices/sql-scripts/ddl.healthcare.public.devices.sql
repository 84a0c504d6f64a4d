-- Change events of PostgreSQL's devices table (Debezium envelopes in Confluent Avro, docs/cdc.md).
-- A device belongs to one patient (patient_id); the *_setting columns are DOUBLE PRECISION.
CREATE TABLE IF NOT EXISTS `healthcare.public.devices` (
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
  updated_at STRING,
  PRIMARY KEY (device_id) NOT ENFORCED
) WITH (
  'connector' = 'kafka',
  'topic' = 'healthcare.public.devices',
  'scan.startup.mode' = 'earliest-offset',
  'value.format' = 'debezium-avro-confluent'
);
