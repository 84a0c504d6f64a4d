-- hc_fct_clogged_filter in the lakehouse: the Iceberg table healthcare.hc_fct_clogged_filter in
-- careflow up's warehouse (<data-dir>/warehouse, served by its Iceberg REST catalog under
-- /iceberg), as Confluent's Tableflow materializes a topic. Partitioned by day of detected_at; one
-- snapshot per checkpoint, exactly once.
-- The columns (and key) are the topic table's: LIKE keeps the two in step.
CREATE TABLE IF NOT EXISTS hc_lake_clogged_filter WITH (
  'connector' = 'iceberg',
  'catalog-name' = 'lake',
  'catalog-database' = 'healthcare',
  'catalog-table' = 'hc_fct_clogged_filter',
  'partition.day-column' = 'detected_at'
) LIKE hc_fct_clogged_filter (EXCLUDING OPTIONS);
