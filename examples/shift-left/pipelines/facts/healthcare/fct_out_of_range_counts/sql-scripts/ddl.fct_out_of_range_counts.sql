CREATE TABLE IF NOT EXISTS fct_out_of_range_counts (
  device_id STRING NOT NULL,
  metric STRING NOT NULL,
  readings BIGINT,
  out_of_range BIGINT,
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
