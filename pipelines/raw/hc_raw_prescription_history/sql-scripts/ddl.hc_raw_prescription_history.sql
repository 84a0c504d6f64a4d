-- The change events of PostgreSQL's prescriptions table read as their history: the topic and the
-- columns of `healthcare.public.prescriptions`, which reads them as a changelog, here with Confluent
-- Cloud's 'changelog.mode' = 'append' on a Debezium table, so every captured image is one +I (a
-- created or snapshotted row, an update's after image, a delete's before image) and a version
-- stays when a later one replaces it. No key: a prescription has a row per version.
-- Apache Flink 1.20's Debezium formats have no append reading: `careflow pipeline deploy --target
-- flink` skips this table and the pipelines that read it.
CREATE TABLE IF NOT EXISTS hc_raw_prescription_history (
  prescription_id STRING,
  patient_id STRING,
  device_id STRING,
  medication_or_therapy STRING,
  start_date BIGINT,
  end_date BIGINT,
  parameters STRING,
  created_at STRING,
  updated_at STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'healthcare.public.prescriptions',
  'scan.startup.mode' = 'earliest-offset',
  'value.format' = 'debezium-avro-confluent',
  'changelog.mode' = 'append'
);
