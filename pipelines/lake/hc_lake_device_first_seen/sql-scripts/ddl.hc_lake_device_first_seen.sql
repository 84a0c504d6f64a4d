-- The devices as first seen, in the lakehouse: the Iceberg table healthcare.hc_device_first_seen in
-- careflow up's warehouse, one row per device ever captured (a deleted one stays: the history's
-- rows are never retracted), first_seen_at its created_at (the API's GET
-- /analytics/new-devices-over-time counts them per day, docs/api.md). Keyed by device_id (the sink
-- upserts: a later image of a device replaces its row by a position delete in the same snapshot),
-- unpartitioned; one snapshot per checkpoint, exactly once.
-- The key column is NOT NULL, as Iceberg's identifier fields must be (and Flink refuses a key on a
-- nullable column).
CREATE TABLE IF NOT EXISTS hc_lake_device_first_seen (
  device_id STRING NOT NULL,
  patient_id STRING,
  model_type STRING,
  first_seen_at STRING,     -- the device row's created_at, ISO-8601 as Debezium carries it
  PRIMARY KEY (device_id) NOT ENFORCED
) WITH (
  'connector' = 'iceberg',
  'catalog-name' = 'lake',
  'catalog-database' = 'healthcare',
  'catalog-table' = 'hc_device_first_seen',
  'partition.day-column' = 'none',
  'write.upsert.enabled' = 'true'
);
