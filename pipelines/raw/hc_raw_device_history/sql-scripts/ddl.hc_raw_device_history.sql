-- The change events of PostgreSQL's devices table read as their history: the topic and the columns
-- of `healthcare.public.devices`, which reads them as a changelog, here with Confluent Cloud's
-- 'changelog.mode' = 'append' on a Debezium table, so every captured image is one +I (a deleted
-- device's before image too: a device once seen stays seen). No key: a device has a row per image.
-- Apache Flink 1.20's Debezium formats have no append reading: `careflow pipeline deploy --target
-- flink` skips this table and the pipelines that read it.
CREATE TABLE IF NOT EXISTS hc_raw_device_history WITH (
  'changelog.mode' = 'append'
) LIKE `healthcare.public.devices` (EXCLUDING CONSTRAINTS);
