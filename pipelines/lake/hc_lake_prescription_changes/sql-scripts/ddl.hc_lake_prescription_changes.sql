-- The prescriptions' history in the lakehouse: the Iceberg table healthcare.hc_prescription_changes
-- in careflow up's warehouse, one row per captured version of a prescription (a configuration
-- change: the API's GET /analytics/config-changes-over-time counts them per day of updated_at,
-- docs/api.md), append-only, unpartitioned (updated_at is the ISO-8601 text Debezium carries); one
-- snapshot per checkpoint, exactly once. What Tableflow would keep of the CDC topic once the
-- topic's retention has dropped its old events.
-- The columns are those of a version (the history table's images).
CREATE TABLE IF NOT EXISTS hc_lake_prescription_changes (
  prescription_id STRING,
  patient_id STRING,
  device_id STRING,
  medication_or_therapy STRING,
  start_date BIGINT,
  end_date BIGINT,
  parameters STRING,
  created_at STRING,
  updated_at STRING
) WITH (
  'connector' = 'iceberg',
  'catalog-name' = 'lake',
  'catalog-database' = 'healthcare',
  'catalog-table' = 'hc_prescription_changes',
  'partition.day-column' = 'none'
);
