-- The change events of PostgreSQL's prescriptions table read as their history: the topic and the
-- columns of `healthcare.public.prescriptions`, which reads them as a changelog, here with Confluent
-- Cloud's 'changelog.mode' = 'append' on a Debezium table, so every captured image is one +I (a
-- created or snapshotted row, an update's after image, a delete's before image) and a version
-- stays when a later one replaces it. No key: a prescription has a row per version.
-- Apache Flink 1.20's Debezium formats have no append reading: `careflow pipeline deploy --target
-- flink` skips this table and the pipelines that read it.
CREATE TABLE IF NOT EXISTS hc_raw_prescription_history WITH (
  'changelog.mode' = 'append'
) LIKE `healthcare.public.prescriptions` (EXCLUDING CONSTRAINTS);
