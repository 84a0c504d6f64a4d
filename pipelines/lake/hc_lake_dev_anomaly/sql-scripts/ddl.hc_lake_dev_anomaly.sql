-- hc_fct_dev_anomaly in the lakehouse: the Iceberg table healthcare.hc_fct_dev_anomaly in
-- careflow up's warehouse (<data-dir>/warehouse, served by its Iceberg REST catalog under
-- /iceberg), as Confluent's Tableflow materializes a topic. Partitioned by day of reading_time; one
-- snapshot per checkpoint, exactly once.
-- The columns (and key) are the topic table's: LIKE keeps the two in step.
CREATE TABLE IF NOT EXISTS hc_lake_dev_anomaly WITH (
  'connector' = 'iceberg',
  'catalog-name' = 'lake',
  'catalog-database' = 'healthcare',
  'catalog-table' = 'hc_fct_dev_anomaly',
  'partition.day-column' = 'reading_time'
) LIKE hc_fct_dev_anomaly (EXCLUDING OPTIONS);
