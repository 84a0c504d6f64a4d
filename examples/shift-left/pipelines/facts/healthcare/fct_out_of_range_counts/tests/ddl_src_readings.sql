CREATE TABLE IF NOT EXISTS src_readings_ut (
  device_id STRING NOT NULL,
  metric STRING NOT NULL,
  val DOUBLE,
  reading_ts TIMESTAMP(3)
) DISTRIBUTED BY HASH(device_id) INTO 1 BUCKETS WITH (
  'changelog.mode' = 'append',
  'value.format' = 'avro-registry',
  'kafka.retention.time' = '0',
  'scan.bounded.mode' = 'unbounded',
  'scan.startup.mode' = 'earliest-offset'
);
