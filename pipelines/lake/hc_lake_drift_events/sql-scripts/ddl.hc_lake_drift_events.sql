-- hc_fct_drift_events in the lakehouse: the Iceberg table healthcare.hc_fct_drift_events in
-- careflow up's warehouse (<data-dir>/warehouse, served by its Iceberg REST catalog under
-- /iceberg), as Confluent's Tableflow materializes a topic. Partitioned by day of reading_time; one
-- snapshot per checkpoint, exactly once.
-- The columns (and key) are the topic table's: LIKE keeps the two in step.
CREATE TABLE IF NOT EXISTS hc_lake_drift_events WITH (
  'connector' = 'iceberg',
  'catalog-name' = 'lake',
  'catalog-database' = 'healthcare',
  'catalog-table' = 'hc_fct_drift_events',
  'partition.day-column' = 'reading_time'
) LIKE hc_fct_drift_events (EXCLUDING OPTIONS);
