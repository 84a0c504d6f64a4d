-- hc_fct_geofence_alerts in the lakehouse: the Iceberg table healthcare.hc_fct_geofence_alerts in
-- careflow up's warehouse (<data-dir>/warehouse, served by its Iceberg REST catalog under /iceberg),
-- one row per GPS event outside its care area, keyed by event_id: the topic is retracting (moving or
-- widening a care area retracts the alerts no longer outside), so the sink upserts and deletes by
-- event (docs/lake.md). Partitioned by day of event_time; one snapshot per checkpoint, exactly once.
-- The columns are hc_fct_geofence_alerts', written out rather than copied by LIKE: a PRIMARY KEY
-- needs a NOT NULL column, and Flink refuses a key over a nullable column a LIKE brings in.
CREATE TABLE IF NOT EXISTS hc_lake_geofence_alerts (
  event_id STRING NOT NULL,
  device_id STRING,
  patient_id STRING,
  event_time TIMESTAMP(3),
  lat DOUBLE,
  lng DOUBLE,
  distance_m DOUBLE,         -- from the care area's centre, metres, one decimal
  radius_m DOUBLE,
  message STRING,
  PRIMARY KEY (event_id) NOT ENFORCED
) WITH (
  'connector' = 'iceberg',
  'catalog-name' = 'lake',
  'catalog-database' = 'healthcare',
  'catalog-table' = 'hc_fct_geofence_alerts',
  'write.upsert.enabled' = 'true',
  'partition.day-column' = 'event_time'
);
