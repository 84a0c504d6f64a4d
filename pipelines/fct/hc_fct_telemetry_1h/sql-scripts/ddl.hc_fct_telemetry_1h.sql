-- Telemetry per device, patient and metric per event-time hour: average, minimum, maximum and the
-- number of readings. One row per hour once the watermark passes its end (append-only).
CREATE TABLE IF NOT EXISTS hc_fct_telemetry_1h (
  device_id STRING,
  patient_id STRING,
  metric_name STRING,
  window_start TIMESTAMP(3),
  window_end TIMESTAMP(3),
  avg_value DOUBLE,
  min_value DOUBLE,
  max_value DOUBLE,
  reading_count BIGINT
) WITH (
  'connector' = 'kafka',
  'topic' = 'hc_fct_telemetry_1h',
  'value.format' = 'avro-confluent'
);
