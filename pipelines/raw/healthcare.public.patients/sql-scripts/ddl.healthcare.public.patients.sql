-- Change events of PostgreSQL's patients table (Debezium envelopes in Confluent Avro, docs/cdc.md).
-- birth_date is a DATE (io.debezium.time.Date: days since 1970-01-01); created_at / updated_at
-- are ISO-8601 strings (io.debezium.time.ZonedTimestamp).
CREATE TABLE IF NOT EXISTS `healthcare.public.patients` (
  patient_id STRING,
  name STRING,
  gender STRING,
  birth_date DATE,
  zip_code STRING,
  timezone STRING,           -- IANA zone, e.g. America/New_York
  created_at STRING,
  updated_at STRING,
  PRIMARY KEY (patient_id) NOT ENFORCED
) WITH (
  'connector' = 'kafka',
  'topic' = 'healthcare.public.patients',
  'scan.startup.mode' = 'earliest-offset',
  'value.format' = 'debezium-avro-confluent'
);
