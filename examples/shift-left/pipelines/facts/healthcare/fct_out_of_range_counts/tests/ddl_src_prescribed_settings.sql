CREATE TABLE IF NOT EXISTS src_prescribed_settings_ut (
  device_id STRING NOT NULL,
  metric STRING NOT NULL,
  target DOUBLE,
  tolerance DOUBLE,
  PRIMARY KEY (device_id, metric) NOT ENFORCED
) DISTRIBUTED BY HASH(device_id, metric) INTO 1 BUCKETS WITH (
  'changelog.mode' = 'upsert',
  'key.format' = 'avro-registry',
  'value.format' = 'avro-registry',
  'kafka.retention.time' = '0',
  'kafka.cleanup-policy' = 'compact',
  'scan.bounded.mode' = 'unbounded',
  'scan.startup.mode' = 'earliest-offset',
  'value.fields-include' = 'all'
);
