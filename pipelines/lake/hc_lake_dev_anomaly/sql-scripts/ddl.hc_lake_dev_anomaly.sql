-- hc_fct_dev_anomaly in the lakehouse: the Iceberg table healthcare.hc_fct_dev_anomaly in
-- careflow up's warehouse (<data-dir>/warehouse, served by its Iceberg REST catalog under
-- /iceberg), as Confluent's Tableflow materializes a topic. Partitioned by day of reading_time; one
-- snapshot per checkpoint, exactly once.
CREATE TABLE IF NOT EXISTS hc_lake_dev_anomaly (
  device_id STRING,
  patient_id STRING,
  metric STRING,
  reading_time TIMESTAMP(3),
  metric_value DOUBLE,
  forecast_value DOUBLE,
  lower_bound DOUBLE,
  upper_bound DOUBLE
) WITH (
  'connector' = 'iceberg',
  'catalog-name' = 'lake',
  'catalog-database' = 'healthcare',
  'catalog-table' = 'hc_fct_dev_anomaly',
  'partition.day-column' = 'reading_time'
);
