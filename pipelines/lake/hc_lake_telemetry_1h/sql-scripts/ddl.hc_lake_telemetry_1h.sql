-- hc_fct_telemetry_1h in the lakehouse: the Iceberg table healthcare.hc_fct_telemetry_1h in
-- careflow up's warehouse (<data-dir>/warehouse, served by its Iceberg REST catalog under
-- /iceberg), as Confluent's Tableflow materializes a topic. Partitioned by day of window_start; one
-- snapshot per checkpoint, exactly once.
CREATE TABLE IF NOT EXISTS hc_lake_telemetry_1h (
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
  'connector' = 'iceberg',
  'catalog-name' = 'lake',
  'catalog-database' = 'healthcare',
  'catalog-table' = 'hc_fct_telemetry_1h',
  'partition.day-column' = 'window_start'
);
