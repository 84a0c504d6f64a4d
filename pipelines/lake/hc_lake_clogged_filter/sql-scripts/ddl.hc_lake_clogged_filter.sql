-- hc_fct_clogged_filter in the lakehouse: the Iceberg table healthcare.hc_fct_clogged_filter in
-- careflow up's warehouse (<data-dir>/warehouse, served by its Iceberg REST catalog under
-- /iceberg), as Confluent's Tableflow materializes a topic. Partitioned by day of detected_at; one
-- snapshot per checkpoint, exactly once.
CREATE TABLE IF NOT EXISTS hc_lake_clogged_filter (
  device_id STRING,
  patient_id STRING,
  rise_start TIMESTAMP(3),
  rise_end TIMESTAMP(3),
  pressure_before DOUBLE,
  pressure_after DOUBLE,
  pressure_rise_pct DOUBLE,
  flow_rate_before DOUBLE,
  flow_rate_after DOUBLE,
  detected_at TIMESTAMP(3)
) WITH (
  'connector' = 'iceberg',
  'catalog-name' = 'lake',
  'catalog-database' = 'healthcare',
  'catalog-table' = 'hc_fct_clogged_filter',
  'partition.day-column' = 'detected_at'
);
