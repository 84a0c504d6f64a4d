-- hc_dim_patients in the lakehouse: the Iceberg table healthcare.hc_dim_patients, one row per
-- patient (PRIMARY KEY: the sink upserts, an update deleting the old row by a position delete file
-- in the same snapshot, docs/lake.md), unpartitioned; one snapshot per checkpoint, exactly once.
-- The columns (and key) are the topic table's: LIKE keeps the two in step.
CREATE TABLE IF NOT EXISTS hc_lake_dim_patients WITH (
  'connector' = 'iceberg',
  'catalog-name' = 'lake',
  'catalog-database' = 'healthcare',
  'catalog-table' = 'hc_dim_patients',
  'write.upsert.enabled' = 'true'
) LIKE hc_dim_patients (EXCLUDING OPTIONS);
