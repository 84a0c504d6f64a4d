-- The devices allowed an over-the-air firmware update and the version each may get, as careflow up
-- seeds it at every start (docs/simulator.md, "Dimension topics"; src/sim/device_schemas.h,
-- OtaAllowlistEntry): a compacted topic keyed by device_id, Confluent Avro through the registry.
CREATE TABLE IF NOT EXISTS hc_raw_ota_allowlist (
  device_id STRING,
  hw_model STRING,
  target_sw_version STRING,
  PRIMARY KEY (device_id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'hc_raw_ota_allowlist',
  'key.format' = 'avro-confluent',
  'value.format' = 'avro-confluent'
);
