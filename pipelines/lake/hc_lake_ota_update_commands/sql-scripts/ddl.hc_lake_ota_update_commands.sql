-- hc_fct_ota_update_commands in the lakehouse: the Iceberg table healthcare.hc_fct_ota_update_commands
-- in careflow up's warehouse (<data-dir>/warehouse, served by its Iceberg REST catalog under
-- /iceberg), one row per update ordered, keyed by command_id: the topic is retracting (an allowlist
-- entry removed retracts its commands, a patient's new time zone re-evaluates them), so the sink
-- upserts and deletes by command (docs/lake.md). Partitioned by day of event_time; one snapshot per
-- checkpoint, exactly once.
-- The columns are hc_fct_ota_update_commands', written out rather than copied by LIKE: a PRIMARY KEY
-- needs a NOT NULL column, and Flink refuses a key over a nullable column a LIKE brings in.
CREATE TABLE IF NOT EXISTS hc_lake_ota_update_commands (
  command_id STRING NOT NULL,
  device_id STRING,
  patient_id STRING,
  hw_model STRING,
  current_sw_version STRING,
  target_sw_version STRING,
  battery_level INT,
  patient_timezone STRING,
  local_hour INT,            -- the event's hour in patient_timezone
  event_time TIMESTAMP(3),   -- UTC
  message STRING,
  PRIMARY KEY (command_id) NOT ENFORCED
) WITH (
  'connector' = 'iceberg',
  'catalog-name' = 'lake',
  'catalog-database' = 'healthcare',
  'catalog-table' = 'hc_fct_ota_update_commands',
  'write.upsert.enabled' = 'true',
  'partition.day-column' = 'event_time'
);
