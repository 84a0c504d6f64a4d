-- hc_fct_device_events_enriched in the lakehouse: the Iceberg table
-- healthcare.hc_fct_device_events_enriched in careflow up's warehouse (<data-dir>/warehouse, served by
-- its Iceberg REST catalog under /iceberg), every device event with its patient and device, keyed
-- by event_id: the topic is retracting (a changed patient or device re-emits its events), so the
-- sink upserts (an event's row carries the latest details, docs/lake.md). Partitioned by day of
-- event_time; one snapshot per checkpoint, exactly once.
-- The columns are hc_fct_device_events_enriched's, written out rather than copied by LIKE: a
-- PRIMARY KEY needs a NOT NULL column, and Flink refuses a key over a nullable column a LIKE brings in.
CREATE TABLE IF NOT EXISTS hc_lake_device_events_enriched (
  event_id STRING NOT NULL,
  event_type STRING,
  event_time TIMESTAMP(3),
  device_id STRING,
  model_type STRING,
  manufacturer STRING,
  sw_version STRING,
  patient_id STRING,
  patient_name STRING,
  timezone STRING,
  lat DOUBLE,
  lng DOUBLE,
  battery_level INT,
  plugged BOOLEAN,
  PRIMARY KEY (event_id) NOT ENFORCED
) WITH (
  'connector' = 'iceberg',
  'catalog-name' = 'lake',
  'catalog-database' = 'healthcare',
  'catalog-table' = 'hc_fct_device_events_enriched',
  'write.upsert.enabled' = 'true',
  'partition.day-column' = 'event_time'
);
