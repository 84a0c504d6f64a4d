-- hc_fct_drift_events in the lakehouse: the Iceberg table healthcare.hc_fct_drift_events in
-- careflow up's warehouse (<data-dir>/warehouse, served by its Iceberg REST catalog under
-- /iceberg), as Confluent's Tableflow materializes a topic. Partitioned by day of reading_time; one
-- snapshot per checkpoint, exactly once.
CREATE TABLE IF NOT EXISTS hc_lake_drift_events (
  device_id STRING,
  patient_id STRING,
  metric STRING,
  reading_time TIMESTAMP(3),
  metric_value DOUBLE,
  prescription_id STRING,
  target DOUBLE,
  tolerance DOUBLE,
  deviation DOUBLE,
  direction STRING,
  message STRING
) WITH (
  'connector' = 'iceberg',
  'catalog-name' = 'lake',
  'catalog-database' = 'healthcare',
  'catalog-table' = 'hc_fct_drift_events',
  'partition.day-column' = 'reading_time'
);
