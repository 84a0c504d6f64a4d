-- hc_fct_button_routing in the lakehouse: the Iceberg table healthcare.hc_fct_button_routing in
-- careflow up's warehouse (<data-dir>/warehouse, served by its Iceberg REST catalog under /iceberg),
-- one row per routed press, keyed by event_id: the topic is retracting (a late press earlier than
-- the first one re-routes both), so the sink upserts (a re-routed press replaces its row, docs/lake.md)
-- and the table holds each press's final route. Partitioned by day of event_time; one snapshot per
-- checkpoint, exactly once.
-- The columns are hc_fct_button_routing's, written out rather than copied by LIKE: a PRIMARY KEY
-- needs a NOT NULL column, and Flink refuses a key over a nullable column a LIKE brings in.
CREATE TABLE IF NOT EXISTS hc_lake_button_routing (
  event_id STRING NOT NULL,
  device_id STRING,
  patient_id STRING,
  event_time TIMESTAMP(3),
  route STRING,              -- ASSIGNMENT_VERIFIED or EMERGENCY_ALERT
  message STRING,
  PRIMARY KEY (event_id) NOT ENFORCED
) WITH (
  'connector' = 'iceberg',
  'catalog-name' = 'lake',
  'catalog-database' = 'healthcare',
  'catalog-table' = 'hc_fct_button_routing',
  'write.upsert.enabled' = 'true',
  'partition.day-column' = 'event_time'
);
