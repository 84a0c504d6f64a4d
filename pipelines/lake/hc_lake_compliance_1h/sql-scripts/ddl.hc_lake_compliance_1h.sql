-- hc_fct_compliance_1h in the lakehouse: the Iceberg table healthcare.hc_fct_compliance_1h in
-- careflow up's warehouse (<data-dir>/warehouse, served by its Iceberg REST catalog under
-- /iceberg), as Confluent's Tableflow materializes a topic. Partitioned by day of window_start; one
-- snapshot per checkpoint, exactly once.
-- The columns (and key) are the topic table's: LIKE keeps the two in step.
CREATE TABLE IF NOT EXISTS hc_lake_compliance_1h WITH (
  'connector' = 'iceberg',
  'catalog-name' = 'lake',
  'catalog-database' = 'healthcare',
  'catalog-table' = 'hc_fct_compliance_1h',
  'partition.day-column' = 'window_start'
) LIKE hc_fct_compliance_1h (EXCLUDING OPTIONS);
