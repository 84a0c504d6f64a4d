-- The change events of PostgreSQL's prescriptions table read as their history: the topic of
-- `healthcare.public.prescriptions` (which reads it as a changelog) read here as the records it
-- holds, Debezium envelopes in Confluent Avro, one row per change event. The image of a version is
-- `after` for a created (c), snapshotted (r) or updated (u) row and `before` for a deleted one (d):
-- every version stays when a later one replaces it. No key: a prescription has a row per version.
-- A plain 'avro-confluent' table, so it reads the same on careflow and on Apache Flink: the columns
-- are the envelope's fields (its image records are read whatever their Avro names, as Avro's Java
-- reader does); fields not declared (source, transaction) are skipped, and Debezium's tombstone
-- after a delete carries no row.
CREATE TABLE IF NOT EXISTS hc_raw_prescription_history (
  `before` ROW<prescription_id STRING, patient_id STRING, device_id STRING, medication_or_therapy STRING,
               start_date BIGINT, end_date BIGINT, parameters STRING, created_at STRING, updated_at STRING>,
  `after` ROW<prescription_id STRING, patient_id STRING, device_id STRING, medication_or_therapy STRING,
              start_date BIGINT, end_date BIGINT, parameters STRING, created_at STRING, updated_at STRING>,
  op STRING,       -- c, r, u or d
  ts_ms BIGINT     -- when the change was captured, epoch milliseconds
) WITH (
  'connector' = 'kafka',
  'topic' = 'healthcare.public.prescriptions',
  'scan.startup.mode' = 'earliest-offset',
  'value.format' = 'avro-confluent'
);
