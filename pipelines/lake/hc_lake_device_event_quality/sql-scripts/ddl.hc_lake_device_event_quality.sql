-- hc_fct_device_event_quality in the lakehouse: the Iceberg table healthcare.hc_fct_device_event_quality
-- in careflow up's warehouse (<data-dir>/warehouse, served by its Iceberg REST catalog under
-- /iceberg), as Confluent's Tableflow materializes a topic: one row per failed check, the history
-- of the devices' data quality. Unpartitioned: the table's only time is event_ts, epoch
-- milliseconds that are bad in some of its rows by definition. One snapshot per checkpoint, exactly
-- once.
-- The columns are the topic table's (no key: an append-only fact): LIKE keeps the two in step.
CREATE TABLE IF NOT EXISTS hc_lake_device_event_quality WITH (
  'connector' = 'iceberg',
  'catalog-name' = 'lake',
  'catalog-database' = 'healthcare',
  'catalog-table' = 'hc_fct_device_event_quality',
  'partition.day-column' = 'none'
) LIKE hc_fct_device_event_quality (EXCLUDING OPTIONS);
