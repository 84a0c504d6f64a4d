-- Change events of PostgreSQL's prescriptions table: Debezium envelopes in Confluent Avro, as
-- careflow's CDC writes them (docs/cdc.md). The format turns c/r into +I, u into -U/+U, d into -D.
-- start_date / end_date are epoch milliseconds (BIGINT columns); parameters is JSONB, which
-- Debezium carries as a string (io.debezium.data.Json): [{parameter_name, parameter_value,
-- parameter_type, parameter_tolerance, unit}, ...]. created_at / updated_at are TIMESTAMPTZ,
-- carried as ISO-8601 strings (io.debezium.time.ZonedTimestamp).
CREATE TABLE IF NOT EXISTS `healthcare.public.prescriptions` (
  prescription_id STRING,
  patient_id STRING,
  device_id STRING,
  medication_or_therapy STRING,
  start_date BIGINT,
  end_date BIGINT,
  parameters STRING,
  created_at STRING,
  updated_at STRING,
  PRIMARY KEY (prescription_id) NOT ENFORCED
) WITH (
  'connector' = 'kafka',
  'topic' = 'healthcare.public.prescriptions',
  'scan.startup.mode' = 'earliest-offset',
  'value.format' = 'debezium-avro-confluent'
);
