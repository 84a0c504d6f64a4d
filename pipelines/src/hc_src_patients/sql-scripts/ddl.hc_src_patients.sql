-- The patients, one row per patient (an upsert table keyed by patient_id): typed, with a time zone
-- always set.
CREATE TABLE IF NOT EXISTS hc_src_patients (
  patient_id STRING,
  name STRING,
  gender STRING,
  birth_date DATE,
  zip_code STRING,
  timezone STRING,
  PRIMARY KEY (patient_id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'hc_src_patients',
  'key.format' = 'avro-confluent',
  'value.format' = 'avro-confluent'
);
