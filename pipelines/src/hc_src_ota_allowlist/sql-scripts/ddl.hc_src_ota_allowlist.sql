-- The devices allowed an over-the-air update and the firmware each may get: one row per device
-- (upsert, keyed by device_id).
CREATE TABLE IF NOT EXISTS hc_src_ota_allowlist (
  device_id STRING,
  hw_model STRING,
  target_sw_version STRING,
  PRIMARY KEY (device_id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'hc_src_ota_allowlist',
  'key.format' = 'avro-confluent',
  'value.format' = 'avro-confluent'
);
